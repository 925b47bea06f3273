"""Signed signature bundles: the hub builds them, the scanner verifies them.

A bundle is one file (format in docs/scanner-bundles.md)::

    b"CNSB1\\n"                   magic, format 1
    u32 big-endian                length of the manifest
    manifest                      UTF-8 JSON, see below
    64 bytes                      Ed25519 signature of SIGNING_CONTEXT + manifest
    file contents                 concatenated in the manifest's order, nothing after

The manifest pins every file: ``{"format": 1, "version": "20260415.2", "created_at":
"2026-04-15T08:00:00Z", "key_id": "…16 hex…", "files": [{"name": "hash-iocs.txt",
"size": 123, "sha256": "…"}]}``. The signature is checked before the manifest is parsed, and
every file's size and SHA-256 before its content is handed over, so a verified bundle is
exactly what the hub signed.

Versions are dot-separated whole numbers (``42`` or ``YYYYMMDD.N``) compared numerically
part by part, so ``20260415.10`` is newer than ``20260415.9``.

Errors (all ``BundleError``, a ``CleanNetError``)::

    BundleError
    ├── Malformed      not a bundle, over a size limit, a bad manifest or file name
    ├── BadSignature   the signature does not verify with the given key (wrong key or altered)
    ├── Tampered       a file's size or SHA-256 differs, or bytes are missing or extra
    └── RolledBack     older than the version the caller already has
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from cleannet.core.errors import CleanNetError

__all__ = [
    "FORMAT",
    "MAGIC",
    "MAX_BUNDLE_BYTES",
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "BadSignature",
    "BundleError",
    "BundleFile",
    "Malformed",
    "RolledBack",
    "Tampered",
    "VerifiedBundle",
    "build_bundle",
    "check_integrity",
    "compare_versions",
    "generate_private_key_pem",
    "key_id",
    "load_private_key",
    "load_public_key",
    "parse_version",
    "public_key_pem",
    "read_manifest",
    "verify_bundle",
]

MAGIC = b"CNSB1\n"
FORMAT = 1
SIGNING_CONTEXT = b"cleannet-scanner-bundle-v1\x00"  # a signature for anything else never fits
MAX_BUNDLE_BYTES = 512 * 1024 * 1024
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_FILES = 2000
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_SIGNATURE_BYTES = 64
_HEADER = struct.Struct(">I")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,127}")
_VERSION = re.compile(r"\d{1,12}(\.\d{1,12}){0,3}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class BundleError(CleanNetError):
    """A bundle that must not be used; the message says why."""


class Malformed(BundleError):
    """Not a bundle of a known format, over a size limit, or a bad manifest."""


class BadSignature(BundleError):
    """The signature does not verify with the trusted key."""


class Tampered(BundleError):
    """The content does not match what the signed manifest pins."""


class RolledBack(BundleError):
    """Older than (or, for a store, the same as) the version already in use."""


@dataclass(frozen=True, slots=True)
class BundleFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class VerifiedBundle:
    """A bundle whose signature and every file were checked; ``files`` maps name → content."""

    version: str
    created_at: str
    key_id: str
    files: dict[str, bytes] = field(repr=False)
    manifest: tuple[BundleFile, ...] = ()

    @property
    def version_key(self) -> tuple[int, ...]:
        return parse_version(self.version)


# --- versions and keys ----------------------------------------------------------------


def parse_version(version: str) -> tuple[int, ...]:
    """Return ``version`` as a tuple of ints; raises ``Malformed`` for anything else."""
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        raise Malformed(f"version {version!r} is not whole numbers joined by dots (YYYYMMDD.N)")
    return tuple(int(part) for part in version.split("."))


def compare_versions(a: str, b: str) -> int:
    """Return -1, 0 or 1 as version ``a`` is older than, equal to or newer than ``b``."""
    ka, kb = parse_version(a), parse_version(b)
    return (ka > kb) - (ka < kb)


def load_private_key(data: bytes) -> Ed25519PrivateKey:
    """Load an Ed25519 private key from PEM (PKCS#8) or the raw 32 bytes."""
    if len(data) == 32:
        return Ed25519PrivateKey.from_private_bytes(data)
    try:
        key = serialization.load_pem_private_key(data.strip(), password=None)
    except (ValueError, TypeError) as exc:
        raise Malformed(f"signing key: neither PEM nor 32 raw bytes ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise Malformed(f"signing key: {type(key).__name__} is not an Ed25519 key")
    return key


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """Load an Ed25519 public key from PEM, the raw 32 bytes, or 64 hex characters."""
    text = data.strip()
    if len(data) == 32:
        return Ed25519PublicKey.from_public_bytes(data)
    if re.fullmatch(rb"[0-9a-fA-F]{64}", text):
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.decode("ascii")))
    try:
        key = serialization.load_pem_public_key(text)
    except (ValueError, TypeError) as exc:
        raise Malformed(f"public key: neither PEM, hex nor 32 raw bytes ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise Malformed(f"public key: {type(key).__name__} is not an Ed25519 key")
    return key


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey | bytes) -> str:
    """The key's id: the first 16 hex characters of SHA-256 over its raw 32 bytes."""
    key = load_public_key(public_key) if isinstance(public_key, bytes) else public_key
    return hashlib.sha256(_raw_public(key)).hexdigest()[:16]


def public_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def generate_private_key_pem() -> bytes:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM (keep it mode 0600)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


# --- building -------------------------------------------------------------------------


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise Malformed(
            f"file name {name!r}: only letters, digits and . _ + - (no '/', no '..', "
            "not starting with a dot, at most 128 characters)"
        )
    return name


def build_bundle(
    files: Mapping[str, bytes],
    version: str,
    private_key: Ed25519PrivateKey | bytes,
    *,
    created_at: dt.datetime | None = None,
) -> bytes:
    """Return a signed bundle of ``files`` (name → content) at ``version``.

    Raises ``Malformed`` for a bad version, file name, too many or too large files.
    """
    key = load_private_key(private_key) if isinstance(private_key, bytes) else private_key
    parse_version(version)
    if len(files) > MAX_FILES:
        raise Malformed(f"{len(files)} files: at most {MAX_FILES} in a bundle")
    entries: list[dict[str, Any]] = []
    for name in sorted(files):
        content = files[name]
        if len(content) > MAX_FILE_BYTES:
            raise Malformed(f"{name}: {len(content)} bytes, at most {MAX_FILE_BYTES}")
        digest = hashlib.sha256(content).hexdigest()
        entries.append({"name": _check_name(name), "size": len(content), "sha256": digest})
    when = (created_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    manifest = {
        "format": FORMAT,
        "version": version,
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "key_id": key_id(key.public_key()),
        "files": entries,
    }
    manifest_bytes = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    signature = key.sign(SIGNING_CONTEXT + manifest_bytes)
    parts = [MAGIC, _HEADER.pack(len(manifest_bytes)), manifest_bytes, signature]
    parts.extend(files[entry["name"]] for entry in entries)
    blob = b"".join(parts)
    if len(blob) > MAX_BUNDLE_BYTES:
        raise Malformed(f"bundle of {len(blob)} bytes: at most {MAX_BUNDLE_BYTES}")
    return blob


# --- verifying ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parts:
    manifest_bytes: bytes
    signature: bytes
    body_offset: int


def _split(blob: bytes, max_bytes: int) -> _Parts:
    if len(blob) > max_bytes:
        raise Malformed(f"bundle of {len(blob)} bytes: at most {max_bytes}")
    if not blob.startswith(MAGIC):
        raise Malformed("not a CleanNet signature bundle (the file does not start with CNSB1)")
    start = len(MAGIC) + _HEADER.size
    if len(blob) < start:
        raise Malformed("bundle truncated inside its header")
    (length,) = _HEADER.unpack_from(blob, len(MAGIC))
    if length > MAX_MANIFEST_BYTES:
        raise Malformed(f"manifest of {length} bytes: at most {MAX_MANIFEST_BYTES}")
    body = start + length + _SIGNATURE_BYTES
    if len(blob) < body:
        raise Malformed("bundle truncated inside its manifest or signature")
    return _Parts(blob[start : start + length], blob[start + length : body], body)


def _claimed_key(manifest_bytes: bytes) -> str:
    """The key id an unverified manifest claims, for the error message only."""
    try:
        return str(json.loads(manifest_bytes).get("key_id", "?"))
    except (ValueError, AttributeError):
        return "?"


def _manifest(manifest_bytes: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed(f"manifest is not UTF-8 JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise Malformed("manifest is not a JSON object")
    if manifest.get("format") != FORMAT:
        raise Malformed(f"manifest format {manifest.get('format')!r}: this scanner reads {FORMAT}")
    for key in ("version", "created_at", "key_id", "files"):
        if key not in manifest:
            raise Malformed(f"manifest has no {key!r}")
    parse_version(manifest["version"])
    if not isinstance(manifest["files"], list) or len(manifest["files"]) > MAX_FILES:
        raise Malformed(f"manifest 'files' must be a list of at most {MAX_FILES}")
    return manifest


def _entries(manifest: Mapping[str, Any]) -> tuple[BundleFile, ...]:
    entries: list[BundleFile] = []
    seen: set[str] = set()
    for index, raw in enumerate(manifest["files"]):
        where = f"manifest files[{index}]"
        if not isinstance(raw, dict):
            raise Malformed(f"{where} is not an object")
        name = _check_name(raw.get("name"))
        size, digest = raw.get("size"), raw.get("sha256")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_FILE_BYTES:
            raise Malformed(f"{where} ({name}): size {size!r} is not 0…{MAX_FILE_BYTES}")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise Malformed(f"{where} ({name}): sha256 {digest!r} is not 64 lowercase hex")
        if name in seen:
            raise Malformed(f"{where}: {name} is listed twice")
        seen.add(name)
        entries.append(BundleFile(name, size, digest))
    return tuple(entries)


def _contents(blob: bytes, offset: int, entries: tuple[BundleFile, ...]) -> dict[str, bytes]:
    expected = offset + sum(entry.size for entry in entries)
    if len(blob) != expected:
        missing_or_extra = "missing" if len(blob) < expected else "extra"
        raise Tampered(
            f"bundle has {abs(len(blob) - expected)} bytes {missing_or_extra} after the files "
            "its signed manifest lists (a file was added, removed or cut)"
        )
    files: dict[str, bytes] = {}
    view = memoryview(blob)
    for entry in entries:
        content = bytes(view[offset : offset + entry.size])
        offset += entry.size
        if hashlib.sha256(content).hexdigest() != entry.sha256:
            raise Tampered(f"{entry.name}: SHA-256 differs from the signed manifest")
        files[entry.name] = content
    return files


def read_manifest(blob: bytes, *, max_bytes: int = MAX_BUNDLE_BYTES) -> dict[str, Any]:
    """The manifest of ``blob`` WITHOUT checking the signature (for display only)."""
    return _manifest(_split(blob, max_bytes).manifest_bytes)


def verify_bundle(
    blob: bytes,
    public_key: bytes | Ed25519PublicKey,
    *,
    min_version: str | None = None,
    max_bytes: int = MAX_BUNDLE_BYTES,
) -> VerifiedBundle:
    """Check ``blob`` against the trusted ``public_key`` and return its files.

    ``min_version``: refuse (``RolledBack``) a bundle older than this version; an equal
    version passes (a store refuses equal versions itself). Raises ``Malformed``,
    ``BadSignature``, ``Tampered`` or ``RolledBack``; never returns unchecked content.
    """
    key = load_public_key(public_key) if isinstance(public_key, bytes) else public_key
    parts = _split(blob, max_bytes)
    try:
        key.verify(parts.signature, SIGNING_CONTEXT + parts.manifest_bytes)
    except InvalidSignature:
        raise BadSignature(
            f"signature does not verify with key {key_id(key)} (the bundle claims key "
            f"{_claimed_key(parts.manifest_bytes)}): a wrong key or an altered manifest"
        ) from None
    manifest = _manifest(parts.manifest_bytes)
    version = manifest["version"]
    if min_version is not None and compare_versions(version, min_version) < 0:
        raise RolledBack(f"bundle version {version} is older than {min_version} already in use")
    return _assemble(blob, parts, manifest)


def check_integrity(blob: bytes, *, max_bytes: int = MAX_BUNDLE_BYTES) -> VerifiedBundle:
    """Check ``blob``'s structure and every file's SHA-256 but NOT its signature.

    For a bundle whose signature was checked when it was stored (``BundleStore.current``);
    never use it on a download. Raises ``Malformed`` or ``Tampered``.
    """
    parts = _split(blob, max_bytes)
    return _assemble(blob, parts, _manifest(parts.manifest_bytes))


def _assemble(blob: bytes, parts: _Parts, manifest: Mapping[str, Any]) -> VerifiedBundle:
    entries = _entries(manifest)
    files = _contents(blob, parts.body_offset, entries)
    return VerifiedBundle(
        version=str(manifest["version"]),
        created_at=str(manifest["created_at"]),
        key_id=str(manifest["key_id"]),
        files=files,
        manifest=entries,
    )
