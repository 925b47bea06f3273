"""Building and publishing the scanner's signed signature bundles.

``build_and_publish(actor)`` gathers the platform's indicators that are valid now and may be
published (TLP at or below ``CLEANNET_SCANNER_BUNDLE_MAX_TLP``, CLEAR by default: a bundle is
a public download):

- ``hash-iocs.txt``: every MD5/SHA-1/SHA-256 indicator, ``hash;description`` (signature-base);
- ``c2-iocs.txt``: IPv4/IPv6/CIDR/domain indicators tied to a malware family (an indicator
  without a family may be a phishing site, which is no C2), grouped under ``# family`` lines;

plus every signature file of ``CLEANNET_SCANNER_RULES_DIR`` (top level: ``*.yar``, ``*.hdb``,
``filename-iocs.txt`` …; a file named like a generated one is appended to it). It signs them
with the key of ``CLEANNET_SCANNER_SIGNING_KEY_PATH`` (a development key under the var
directory when DEBUG and none is set), stores the blob under ``var/scanner/bundles/``, and
records a ``SignatureBundle`` with an audit entry in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import defaultdict
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cleannet.core.indicators import IndicatorKind
from cleannet.scanner.bundle import (
    MAX_FILE_BYTES,
    BundleError,
    build_bundle,
    generate_private_key_pem,
    key_id,
    load_private_key,
    parse_version,
    public_key_pem,
    read_manifest,
)
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.models import Indicator
from cleannet.server.scanhub.conf import TLP_ORDER, bundle_dir, dev_key_path, scanner_settings
from cleannet.server.scanhub.models import SignatureBundle

KEY_SETTING = "CLEANNET_SCANNER_SIGNING_KEY_PATH"
RULE_SUFFIXES = (".yar", ".yara", ".hdb", ".hsb", ".fp", ".sfp", ".txt")
HASH_KINDS = (IndicatorKind.MD5, IndicatorKind.SHA1, IndicatorKind.SHA256)
C2_KINDS = (IndicatorKind.IPV4, IndicatorKind.IPV6, IndicatorKind.CIDR, IndicatorKind.DOMAIN)


# --- the signing key ------------------------------------------------------------------


def _dev_key() -> bytes:
    """The development key, made once (mode 0600) the first time it is needed."""
    path = dev_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()  # another process made it first
        with os.fdopen(fd, "wb") as handle:
            handle.write(generate_private_key_pem())
    return path.read_bytes()


def signing_key() -> Ed25519PrivateKey:
    """The bundle signing key; raises ``ImproperlyConfigured`` naming the setting."""
    configured = scanner_settings().signing_key_file
    if configured is None:
        if not settings.DEBUG:
            raise ImproperlyConfigured(f"{KEY_SETTING}: required to sign scanner bundles")
        data = _dev_key()
    else:
        try:
            data = Path(configured).read_bytes()
        except OSError as exc:
            raise ImproperlyConfigured(f"{KEY_SETTING}: cannot read {configured}: {exc}") from exc
    try:
        return load_private_key(data)
    except BundleError as exc:
        raise ImproperlyConfigured(f"{KEY_SETTING}: {exc}") from exc


def public_key() -> bytes:
    """The public key scanners verify bundles with, as PEM."""
    return public_key_pem(signing_key())


# --- what goes in ---------------------------------------------------------------------


def _publishable(now: dt.datetime) -> Q:
    max_tlp = scanner_settings().bundle_max_tlp.upper()
    allowed = TLP_ORDER[: TLP_ORDER.index(max_tlp) + 1] if max_tlp in TLP_ORDER else ("CLEAR",)
    valid = Q(valid_from__lte=now) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    return valid & Q(tlp__in=allowed)


def _description(indicator: Indicator) -> str:
    family = indicator.family.name if indicator.family else "malware"
    # ';' separates fields and a newline ends the entry in the signature-base formats.
    return f"CleanNet {family}".replace(";", ",").replace("\n", " ")


def hash_iocs(now: dt.datetime) -> bytes:
    rows = (
        Indicator.objects.filter(_publishable(now), kind__in=HASH_KINDS)
        .select_related("family")
        .order_by("kind", "value")
    )
    lines = ["# CleanNet hash indicators (signature-base format: hash;description)"]
    lines += [f"{row.value.lower()};{_description(row)}" for row in rows.iterator()]
    return ("\n".join(lines) + "\n").encode()


def c2_iocs(now: dt.datetime) -> bytes:
    rows = (
        Indicator.objects.filter(_publishable(now), kind__in=C2_KINDS, family__isnull=False)
        .select_related("family")
        .order_by("family__name", "kind", "value")
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for row in rows.iterator():
        grouped[_description(row)].append(row.value)
    lines = ["# CleanNet C2 indicators (signature-base format: the comment names the family)"]
    for description, values in grouped.items():
        lines.append(f"# {description}")
        lines.extend(values)
    return ("\n".join(lines) + "\n").encode()


def _rule_files() -> dict[str, bytes]:
    directory = scanner_settings().rules_dir
    if directory is None:
        return {}
    if not Path(directory).is_dir():
        raise ImproperlyConfigured(f"CLEANNET_SCANNER_RULES_DIR: {directory} is not a directory")
    files = {}
    for path in sorted(Path(directory).iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in RULE_SUFFIXES
            and not path.name.startswith(".")
        ):
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ImproperlyConfigured(f"CLEANNET_SCANNER_RULES_DIR: {path.name} is too large")
            files[path.name] = path.read_bytes()
    return files


def gather_files(now: dt.datetime) -> dict[str, bytes]:
    """The files of a bundle built at ``now``: generated IOC files plus the rules directory."""
    files = {"hash-iocs.txt": hash_iocs(now), "c2-iocs.txt": c2_iocs(now)}
    for name, content in _rule_files().items():
        files[name] = files[name] + b"\n" + content if name in files else content
    return files


# --- versions and publishing ----------------------------------------------------------


def sort_key(version: str) -> str:
    return ".".join(f"{part:012d}" for part in parse_version(version))


def latest_bundle() -> SignatureBundle | None:
    return SignatureBundle.objects.order_by("-sort_key").first()


def next_version(today: dt.date, latest: str | None) -> str:
    """``YYYYMMDD.N`` for ``today``, always newer than ``latest`` (even if the clock went back)."""
    candidate = (int(today.strftime("%Y%m%d")), 1)
    if latest is None:
        return f"{candidate[0]}.{candidate[1]}"
    parts = parse_version(latest)
    if parts < candidate:
        return f"{candidate[0]}.{candidate[1]}"
    return ".".join(str(p) for p in (*parts[:-1], parts[-1] + 1))


def bundle_path(bundle: SignatureBundle) -> Path:
    return Path(settings.VAR_DIR) / bundle.file


class BundleConflict(Exception):
    """Another build published the same version at the same time; building again works."""


def _store(version: str, blob: bytes) -> Path:
    """Write the blob under the var directory (atomically, never over another build's)."""
    directory = bundle_dir()
    directory.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(blob).hexdigest()[:12]
    target = directory / f"cleannet-signatures-{version}-{digest}.cnsb"
    part = target.with_name(target.name + ".part")
    part.write_bytes(blob)
    os.replace(part, target)
    return target


def build_and_publish(
    actor: User | None, *, files: dict[str, bytes] | None = None
) -> SignatureBundle:
    """Build, sign, store and record a new bundle (of ``files``, else of ``gather_files``
    now); returns it.

    Raises ``ImproperlyConfigured`` for a missing key or rules directory, ``BundleConflict``
    when another build took the same version meanwhile.
    """
    key = signing_key()
    now = timezone.now()
    files = gather_files(now) if files is None else files
    latest = latest_bundle()
    version = next_version(now.astimezone(dt.UTC).date(), latest.version if latest else None)
    blob = build_bundle(files, version, key, created_at=now)
    stored = _store(version, blob)
    lines = {name: content.count(b"\n") for name, content in files.items()}
    try:
        with transaction.atomic():
            bundle = SignatureBundle.objects.create(
                version=version,
                sort_key=sort_key(version),
                created_at=now,
                sha256=hashlib.sha256(blob).hexdigest(),
                size=len(blob),
                key_id=key_id(key.public_key()),
                file=str(stored.relative_to(Path(settings.VAR_DIR))),
                counts=lines,
                built_by=actor,
                built_by_label=actor.get_username() if actor else "system",
            )
            record_change(actor, "signature_bundle.publish", bundle, after=snapshot(bundle))
    except IntegrityError:
        stored.unlink(missing_ok=True)
        raise BundleConflict(f"bundle {version} was published concurrently; build again") from None
    return bundle


def _published_digests(bundle: SignatureBundle) -> dict[str, str] | None:
    """Each file's SHA-256 as ``bundle``'s manifest lists them; None if it cannot be read."""
    try:
        manifest = read_manifest(bundle_path(bundle).read_bytes())
        return {entry["name"]: entry["sha256"] for entry in manifest["files"]}
    except (OSError, BundleError, KeyError, TypeError):
        return None


def publish_if_changed(actor: User | None = None) -> SignatureBundle | None:
    """Publish a new bundle when what would go in differs from the newest bundle's files
    (indicators added, expired or re-marked, rules edited); return it, or None when
    nothing changed. A newest bundle whose file is missing or unreadable counts as changed.
    """
    files = gather_files(timezone.now())
    latest = latest_bundle()
    if latest is not None:
        wanted = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
        if _published_digests(latest) == wanted:
            return None
    return build_and_publish(actor, files=files)
