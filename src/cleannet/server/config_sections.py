"""The settings of brand protection, the scanner's bundles and the online file scan, read
from the environment for ``config`` (which owns the reading: these functions are handed the
environment and return checked, frozen settings; a bad value raises ``ConfigurationError``
naming the key)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cleannet.core.errors import ConfigurationError
from cleannet.server.config_values import choice as _choice
from cleannet.server.config_values import get as _get
from cleannet.server.config_values import listed as _list
from cleannet.server.config_values import positive_int as _positive_int
from cleannet.server.config_values import positive_number as _positive_number


@dataclass(frozen=True)
class BrandSettings:
    """Brand protection: the alert threshold, the RPZ zone, the domain-control checks."""

    alert_threshold: int = 60
    rpz_origin: str = "rpz.cleannet.vn."
    rpz_policy: str = "nxdomain"
    rpz_ttl: int = 300
    walled_garden_ipv4: str = ""
    walled_garden_ipv6: str = ""
    dns_nameservers: tuple[str, ...] = ()
    control_timeout: float = 5.0
    hash_cache_seconds: int = 300
    scorer_recheck_seconds: int = 5


@dataclass(frozen=True)
class ScannerSettings:
    """The hub's signature bundles for ``cleannet-scan``: signing key, rules, what may go in."""

    signing_key_file: Path | None = None
    rules_dir: Path | None = None
    bundle_max_tlp: str = "CLEAR"


@dataclass(frozen=True)
class FileScanSettings:
    """The online file scan: where samples live, the signatures, retention and limits."""

    directory: Path
    signatures: Path | None = None
    keep_days: int = 30
    max_bytes: int = 32 * 1024 * 1024
    cpu_seconds: int = 30
    memory_mb: int = 1024
    wall_seconds: float = 60.0
    concurrent_scans: int = 2
    uploads_per_hour: int = 20
    lookups_per_hour: int = 300


RPZ_POLICIES = ("nxdomain", "nodata", "walled-garden")


def _address(env: Mapping[str, str], key: str, version: int) -> str:
    raw = (_get(env, key) or "").strip()
    if raw:
        try:
            parsed = ipaddress.ip_address(raw)
        except ValueError:
            raise ConfigurationError(key, f"{raw!r} is not an IP address") from None
        if parsed.version != version:
            raise ConfigurationError(key, f"{raw!r} is not an IPv{version} address")
    return raw


def _nameservers(env: Mapping[str, str]) -> tuple[str, ...]:
    """Return the nameservers: ``ip``, ``ip:port`` or ``[ipv6]:port`` each."""
    key = "CLEANNET_BRANDS_DNS_NAMESERVERS"
    servers = _list(env, key, "")
    for server in servers:
        host, colon, port = server.rpartition(":")
        if not colon or (":" in host and not host.startswith("[")):
            host, port = server, ""  # a bare IPv6 address has colons but no port
        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            raise ConfigurationError(key, f"{server!r} is not an address or address:port") from None
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            raise ConfigurationError(key, f"{server!r} has no valid port")
    return servers


def brand_settings(env: Mapping[str, str]) -> BrandSettings:
    threshold = _positive_int(env, "CLEANNET_BRANDS_ALERT_THRESHOLD", 60)
    if threshold > 100:
        raise ConfigurationError("CLEANNET_BRANDS_ALERT_THRESHOLD", "a score is 0–100")
    origin = (_get(env, "CLEANNET_BRANDS_RPZ_ORIGIN") or BrandSettings.rpz_origin).strip()
    policy = _choice(env, "CLEANNET_BRANDS_RPZ_POLICY", RPZ_POLICIES, "nxdomain")
    ipv4 = _address(env, "CLEANNET_BRANDS_WALLED_GARDEN_IPV4", 4)
    ipv6 = _address(env, "CLEANNET_BRANDS_WALLED_GARDEN_IPV6", 6)
    if policy == "walled-garden" and not (ipv4 or ipv6):
        raise ConfigurationError(
            "CLEANNET_BRANDS_RPZ_POLICY", "walled-garden needs a walled-garden address"
        )
    return BrandSettings(
        alert_threshold=threshold,
        rpz_origin=origin if origin.endswith(".") else origin + ".",
        rpz_policy=policy,
        rpz_ttl=_positive_int(env, "CLEANNET_BRANDS_RPZ_TTL", 300),
        walled_garden_ipv4=ipv4,
        walled_garden_ipv6=ipv6,
        dns_nameservers=_nameservers(env),
        control_timeout=_positive_number(env, "CLEANNET_BRANDS_CONTROL_TIMEOUT", 5.0),
        hash_cache_seconds=_positive_int(env, "CLEANNET_BRANDS_HASH_CACHE_SECONDS", 300),
        scorer_recheck_seconds=_positive_int(env, "CLEANNET_BRANDS_SCORER_RECHECK_SECONDS", 5),
    )


BUNDLE_TLPS = ("clear", "green", "amber")


def scanner_settings(env: Mapping[str, str]) -> ScannerSettings:
    """Return the bundle settings; the key file is read when a bundle is built (and a
    development key is made under var/ in debug when none is set)."""
    key_file = (_get(env, "CLEANNET_SCANNER_SIGNING_KEY_PATH") or "").strip()
    rules_dir = (_get(env, "CLEANNET_SCANNER_RULES_DIR") or "").strip()
    if rules_dir and not Path(rules_dir).is_dir():
        raise ConfigurationError("CLEANNET_SCANNER_RULES_DIR", f"{rules_dir!r} is not a directory")
    tlp = _choice(env, "CLEANNET_SCANNER_BUNDLE_MAX_TLP", BUNDLE_TLPS, "clear")
    return ScannerSettings(
        signing_key_file=Path(key_file).resolve() if key_file else None,
        rules_dir=Path(rules_dir).resolve() if rules_dir else None,
        bundle_max_tlp=tlp.upper(),
    )


def filescan_settings(env: Mapping[str, str], var_dir: Path) -> FileScanSettings:
    raw_dir = (_get(env, "CLEANNET_FILESCAN_DIR") or "").strip()
    signatures = (_get(env, "CLEANNET_FILESCAN_SIGNATURES") or "").strip()
    cpu = _positive_int(env, "CLEANNET_FILESCAN_CPU_SECONDS", 30)
    max_bytes = _positive_int(env, "CLEANNET_FILESCAN_MAX_BYTES", 32 * 1024 * 1024)
    if max_bytes > 512 * 1024 * 1024:
        raise ConfigurationError("CLEANNET_FILESCAN_MAX_BYTES", "at most 512 MiB per upload")
    return FileScanSettings(
        directory=Path(raw_dir).resolve() if raw_dir else var_dir / "filescan",
        signatures=Path(signatures).resolve() if signatures else None,
        keep_days=_positive_int(env, "CLEANNET_FILESCAN_KEEP_DAYS", 30),
        max_bytes=max_bytes,
        cpu_seconds=cpu,
        memory_mb=_positive_int(env, "CLEANNET_FILESCAN_MEMORY_MB", 1024),
        wall_seconds=_positive_number(env, "CLEANNET_FILESCAN_WALL_SECONDS", 2.0 * cpu),
        concurrent_scans=_positive_int(env, "CLEANNET_FILESCAN_CONCURRENT_SCANS", 2),
        uploads_per_hour=_positive_int(env, "CLEANNET_FILESCAN_UPLOADS_PER_HOUR", 20),
        lookups_per_hour=_positive_int(env, "CLEANNET_FILESCAN_LOOKUPS_PER_HOUR", 300),
    )


REPORT_KINDS = ("incident", "phishing", "malware", "data_leak", "vulnerability")


@dataclass(frozen=True)
class PortalSettings:
    """The public portal: the report channel's limits and SLAs, the self-checks, downloads."""

    reports_dir: Path
    downloads_dir: Path
    reports_max_attachment_bytes: int = 10 * 1024 * 1024
    reports_max_attachments: int = 3
    reports_per_hour_per_client: int = 10
    reports_per_day_per_email: int = 5
    reports_sla_hours: str = ""
    reports_keep_attachment_days: int = 90
    trusted_proxies: tuple[str, ...] = ()
    selfcheck_cache_seconds: int = 60
    statistics_cache_seconds: int = 300
    home_page_cache_seconds: int = 60


def _sla_hours(env: Mapping[str, str]) -> str:
    """Return ``kind=hours,…`` as given (empty: the defaults), refusing unknown kinds."""
    key = "CLEANNET_REPORTS_SLA_HOURS"
    raw = (_get(env, key) or "").strip()
    for item in filter(None, (part.strip() for part in raw.split(","))):
        kind, _, hours = item.partition("=")
        if kind.strip() not in REPORT_KINDS:
            raise ConfigurationError(
                key, f"{kind.strip()!r} is not one of {', '.join(REPORT_KINDS)}"
            )
        if not hours.strip().isdigit() or int(hours) <= 0:
            raise ConfigurationError(key, f"{item!r} needs a whole number of hours above 0")
    return raw


def _proxies(env: Mapping[str, str]) -> tuple[str, ...]:
    key = "CLEANNET_TRUSTED_PROXIES"
    proxies = _list(env, key, "")
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ConfigurationError(key, f"{proxy!r} is not an IP network (CIDR)") from None
    return proxies


def _days(env: Mapping[str, str], key: str, default: int) -> int:
    raw = (_get(env, key) or str(default)).strip()
    if not raw.isdigit():
        raise ConfigurationError(key, f"{raw!r} is not a number of days (0 or more)")
    return int(raw)


def _directory_or(env: Mapping[str, str], key: str, default: Path) -> Path:
    raw = (_get(env, key) or "").strip()
    return Path(raw).resolve() if raw else default


def portal_settings(env: Mapping[str, str], var_dir: Path) -> PortalSettings:
    return PortalSettings(
        reports_dir=_directory_or(env, "CLEANNET_REPORTS_DIR", var_dir / "reports"),
        downloads_dir=_directory_or(env, "CLEANNET_DOWNLOADS_DIR", var_dir / "downloads"),
        reports_max_attachment_bytes=_positive_int(
            env, "CLEANNET_REPORTS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024
        ),
        reports_max_attachments=_positive_int(env, "CLEANNET_REPORTS_MAX_ATTACHMENTS", 3),
        reports_per_hour_per_client=_positive_int(env, "CLEANNET_REPORTS_PER_HOUR_PER_CLIENT", 10),
        reports_per_day_per_email=_positive_int(env, "CLEANNET_REPORTS_PER_DAY_PER_EMAIL", 5),
        reports_sla_hours=_sla_hours(env),
        reports_keep_attachment_days=_days(env, "CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS", 90),
        trusted_proxies=_proxies(env),
        selfcheck_cache_seconds=_positive_int(env, "CLEANNET_SELFCHECK_CACHE_SECONDS", 60),
        statistics_cache_seconds=_positive_int(env, "CLEANNET_STATISTICS_CACHE_SECONDS", 300),
        home_page_cache_seconds=_positive_int(env, "CLEANNET_HOME_PAGE_CACHE_SECONDS", 60),
    )
