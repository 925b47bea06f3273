"""The hub's newest published signature bundle, unpacked for the file scan.

On the hub, the file scan uses what the hub publishes to every scanner (``scanhub``): the
newest bundle is verified with the hub's own public key, like any scanner would, and
unpacked once into ``<dir>/signatures/<version>/`` (a ``VERSION`` file written last, then
the directory renamed into place, so a half-unpacked bundle is never used).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from cleannet.scanner.bundle import BundleError, verify_bundle
from cleannet.server.filescan.signatures import (
    VERSION_FILE,
    ScannerUnavailable,
    SignatureSource,
)
from cleannet.server.filescan.storage import private_dir
from cleannet.server.scanhub import services as scanhub

logger = logging.getLogger(__name__)

_SAFE_VERSION = re.compile(r"[0-9][0-9.]{0,39}")
_OLD_COPY_SECONDS = 24 * 3600


def _unpack(blob: bytes, version: str, target: Path) -> None:
    verified = verify_bundle(blob, scanhub.public_key())
    if verified.version != version:
        raise ScannerUnavailable(f"bundle {version} says it is version {verified.version}")
    work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        for name, content in verified.files.items():
            (work / Path(name).name).write_bytes(content)  # names are checked by the bundle
        (work / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
        os.rename(work, target)
    except OSError:
        shutil.rmtree(work, ignore_errors=True)
        if not (target / VERSION_FILE).is_file():  # not another process unpacking it first
            raise


def hub_signatures(root: Path) -> SignatureSource:
    """Return the newest published bundle as a signature directory.

    Raises ``ScannerUnavailable`` when nothing is published or the bundle does not verify.
    """
    bundle = scanhub.latest_bundle()
    if bundle is None:
        raise ScannerUnavailable("the hub has not published a signature bundle")
    if not _SAFE_VERSION.fullmatch(bundle.version):
        raise ScannerUnavailable(f"unexpected bundle version {bundle.version!r}")
    target = private_dir(root / "signatures") / bundle.version
    if not (target / VERSION_FILE).is_file():
        try:
            _unpack(scanhub.bundle_path(bundle).read_bytes(), bundle.version, target)
        except (BundleError, OSError, ImproperlyConfigured) as error:
            logger.error("filescan: cannot use bundle %s: %s", bundle.version, error)
            raise ScannerUnavailable(f"bundle {bundle.version} cannot be used: {error}") from error
    return SignatureSource(target, bundle.version)


def purge_old_copies(root: Path, keep: str | None) -> int:
    """Delete unpacked bundles other than ``keep`` unpacked over a day ago (no scan still
    uses them); return how many."""
    directory = root / "signatures"
    if not directory.is_dir():
        return 0
    cutoff, deleted = time.time() - _OLD_COPY_SECONDS, 0
    for copy in directory.iterdir():
        if copy.name != keep and copy.stat().st_mtime < cutoff:
            shutil.rmtree(copy, ignore_errors=True)
            deleted += 1
    return deleted
