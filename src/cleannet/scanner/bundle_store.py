"""The scanner's copy of the newest good signature bundle, and fetching a newer one.

``BundleStore(directory)`` keeps one file, ``current.cnsb`` (the last bundle that verified),
replaced atomically (write a temporary file, fsync, rename, fsync the directory), so a crash
or a refused download never leaves the scanner without signatures. ``state.json`` keeps the
download's ETag for a conditional request.

``fetch`` never raises for the network or for a bad download: it answers a ``FetchResult``
whose ``status`` says what happened and whose ``bundle`` is the one to use (the last good one
when offline or when the download was refused).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from cleannet.scanner.bundle import (
    MAX_BUNDLE_BYTES,
    BundleError,
    Malformed,
    RolledBack,
    VerifiedBundle,
    check_integrity,
    compare_versions,
    verify_bundle,
)

__all__ = ["BundleStore", "FetchResult", "FetchStatus"]

CURRENT = "current.cnsb"
STATE = "state.json"
USER_AGENT = "cleannet-scan"


class FetchStatus(StrEnum):
    UPDATED = "updated"  # a newer bundle was verified and installed
    UP_TO_DATE = "up-to-date"  # the hub has nothing newer
    OFFLINE = "offline"  # the hub could not be reached; the last good bundle stays
    REFUSED = "refused"  # the download was not a good newer bundle; the last good one stays


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What ``fetch`` did; ``bundle`` is the bundle to scan with (None if none ever installed)."""

    status: FetchStatus
    bundle: VerifiedBundle | None
    message: str


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory (Windows)
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


class BundleStore:
    """The last good bundle in ``directory`` (created with mode 0700 if missing)."""

    def __init__(self, directory: Path | str, *, max_bytes: int = MAX_BUNDLE_BYTES) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes

    @property
    def path(self) -> Path:
        return self.directory / CURRENT

    def current_blob(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def current(self, public_key: bytes | Ed25519PublicKey | None = None) -> VerifiedBundle | None:
        """The installed bundle, re-verified, or None if none was ever installed.

        With ``public_key`` the signature is checked again; without it, the structure and
        every file's SHA-256 still are (the signature was checked at install). A damaged
        file raises ``BundleError``.
        """
        blob = self.current_blob()
        if blob is None:
            return None
        if public_key is None:
            return check_integrity(blob, max_bytes=self.max_bytes)
        return verify_bundle(blob, public_key, max_bytes=self.max_bytes)

    def install(self, blob: bytes, public_key: bytes | Ed25519PublicKey) -> VerifiedBundle:
        """Verify ``blob`` and make it current.

        Raises ``BundleError``; ``RolledBack`` when it is not newer than the current one.
        The current bundle is untouched whenever this raises.
        """
        current = self._current_or_none()
        floor = current.version if current else None
        bundle = verify_bundle(blob, public_key, min_version=floor, max_bytes=self.max_bytes)
        if current is not None and compare_versions(bundle.version, current.version) <= 0:
            raise RolledBack(
                f"bundle version {bundle.version} is not newer than {current.version} in use"
            )
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _atomic_write(self.path, blob)
        return bundle

    def _current_or_none(self) -> VerifiedBundle | None:
        """The current bundle; a damaged one counts as none so that a good one can replace it."""
        try:
            return self.current()
        except BundleError:
            return None

    def fetch(
        self,
        url: str,
        public_key: bytes | Ed25519PublicKey,
        *,
        timeout: float = 30.0,
    ) -> FetchResult:
        """Download the bundle at ``url`` (http or https) and install it if newer.

        Never raises for network errors or a refused download (see ``FetchResult``); raises
        ``ValueError`` for a URL that is not http(s).
        """
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise ValueError(f"bundle URL {url!r}: only http and https are fetched")
        current = self._current_or_none()
        try:
            downloaded = self._download(url, timeout)
        except Malformed as exc:
            return FetchResult(FetchStatus.REFUSED, current, f"refused the download: {exc}")
        except (OSError, ValueError) as exc:  # URLError, timeouts and resets are OSErrors
            return self._offline(current, url, exc)
        if downloaded is None:
            return FetchResult(FetchStatus.UP_TO_DATE, current, _up_to_date(current))
        blob, etag = downloaded
        return self._install_downloaded(blob, etag, public_key, current)

    def _install_downloaded(
        self,
        blob: bytes,
        etag: str,
        public_key: bytes | Ed25519PublicKey,
        current: VerifiedBundle | None,
    ) -> FetchResult:
        try:
            bundle = self.install(blob, public_key)
        except RolledBack as exc:
            if current is not None and _same_version(blob, public_key, current):
                self._save_etag(etag)
                return FetchResult(FetchStatus.UP_TO_DATE, current, _up_to_date(current))
            return FetchResult(FetchStatus.REFUSED, current, f"refused the download: {exc}")
        except BundleError as exc:
            return FetchResult(FetchStatus.REFUSED, current, f"refused the download: {exc}")
        self._save_etag(etag)
        return FetchResult(
            FetchStatus.UPDATED, bundle, f"installed signature bundle {bundle.version}"
        )

    def _download(self, url: str, timeout: float) -> tuple[bytes, str] | None:
        """The body and ETag at ``url``, or None for 304 Not Modified."""
        # The scheme was checked by fetch (http/https only).
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        etag = self._saved_etag()
        if etag and self.path.exists():
            request.add_header("If-None-Match", etag)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                declared = response.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise Malformed(f"the hub announces {declared} bytes, at most {self.max_bytes}")
                body = response.read(self.max_bytes + 1)
                new_etag = response.headers.get("ETag") or ""
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return None
            raise OSError(f"the hub answered HTTP {exc.code} {exc.reason}") from None
        if len(body) > self.max_bytes:
            raise Malformed(f"the download is larger than {self.max_bytes} bytes")
        return body, new_etag

    def _offline(self, current: VerifiedBundle | None, url: str, exc: Exception) -> FetchResult:
        reason = getattr(exc, "reason", None) or exc
        if current is None:
            message = f"cannot fetch {url} ({reason}) and no bundle is installed"
        else:
            message = (
                f"cannot fetch {url} ({reason}); working offline with bundle {current.version} "
                f"of {current.created_at}"
            )
        return FetchResult(FetchStatus.OFFLINE, current, message)

    def _saved_etag(self) -> str:
        try:
            state = json.loads((self.directory / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ""
        etag = state.get("etag") if isinstance(state, dict) else None
        return etag if isinstance(etag, str) else ""

    def _save_etag(self, etag: str) -> None:
        with contextlib.suppress(OSError):  # only an optimisation: the next fetch downloads again
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            _atomic_write(self.directory / STATE, json.dumps({"etag": etag}).encode())


def _up_to_date(current: VerifiedBundle | None) -> str:
    return f"signature bundle {current.version} is the newest" if current else "nothing newer"


def _same_version(
    blob: bytes, public_key: bytes | Ed25519PublicKey, current: VerifiedBundle
) -> bool:
    """True when ``blob`` is a good bundle of exactly the current version (nothing new)."""
    try:
        offered = verify_bundle(blob, public_key)
    except BundleError:
        return False
    return compare_versions(offered.version, current.version) == 0
