"""The scanner hub's settings, read from ``settings.CLEANNET_SCANNER`` (built by config):
the signing key file (a development key is made under the var directory when DEBUG and none
is set), the rules directory, the most restricted TLP a bundle may carry (a bundle is a
public download, so TLP:CLEAR by default)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# What may go into a public bundle, most open first (TLP 2.0 as stored by intel).
TLP_ORDER = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


@dataclass(frozen=True)
class ScannerHubSettings:
    signing_key_file: Path | None = None
    rules_dir: Path | None = None
    bundle_max_tlp: str = "CLEAR"


def scanner_settings() -> ScannerHubSettings:
    configured = settings.CLEANNET_SCANNER
    return ScannerHubSettings(
        signing_key_file=configured.signing_key_file,
        rules_dir=configured.rules_dir,
        bundle_max_tlp=configured.bundle_max_tlp,
    )


def bundle_dir() -> Path:
    return Path(settings.VAR_DIR) / "scanner" / "bundles"


def dev_key_path() -> Path:
    return Path(settings.VAR_DIR) / "scanner" / "dev-signing-key.pem"
