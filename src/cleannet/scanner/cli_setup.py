"""The command line of ``cleannet-scan``: its options, and the signatures they point at.

Signatures come from, in this order: ``--bundle-url`` (fetched, verified with
``--public-key`` and installed in ``--bundle-dir``; offline, the last good bundle is used),
``--signatures`` (folders, signature files, or a bundle file verified with ``--public-key``),
else the last good bundle installed in ``--bundle-dir``.

The hub's public key is never fetched along with the bundle (trust on first use would let
whoever answers the first download choose the key): it comes from ``--public-key FILE`` or
from the national key packaged at ``PACKAGED_PUBLIC_KEY``, which a release puts there
(the source tree ships none), and ``--bundle-url`` without either is refused.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

from cleannet.core.errors import CleanNetError, InvalidValue
from cleannet.scanner.archive_limits import ArchiveLimits
from cleannet.scanner.cli_quarantine import add_quarantine_options, check_quarantine_arguments
from cleannet.scanner.engine import MiB, ScanLimits
from cleannet.scanner.messages import LANGUAGES, language_from_environment
from cleannet.scanner.signatures import SignatureSet, signature_file_kind
from cleannet.scanner.upload import report_endpoint

__all__ = [
    "PACKAGED_PUBLIC_KEY",
    "SetupError",
    "build_parser",
    "check_arguments",
    "load_signatures",
    "parse_size",
    "scan_limits",
]

_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
_HOME = Path.home()
DEFAULT_CACHE_DIR = _HOME / ".cache" / "cleannet-scan"
DEFAULT_DATA_DIR = _HOME / ".local" / "share" / "cleannet-scan"
# The authority's Ed25519 public key, put here when a release is built (see data/README.txt).
PACKAGED_PUBLIC_KEY = Path(__file__).parent / "data" / "national-public-key.pem"


class SetupError(CleanNetError):
    """The scan cannot start (no signatures, a bad key, a refused bundle); says why."""


def parse_size(text: str) -> int:
    """``"100M"`` → bytes; accepts a whole number with an optional K, M or G suffix."""
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    unit = value[-1:] if value[-1:] in "kmg" else ""
    number = value[: len(value) - len(unit)]
    if not number.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 100M or 2G")
    return int(number) * _UNITS[unit]


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleannet-scan",
        description="Scan files, folders and drives for malware with CleanNet signatures.",
        epilog="Exit codes: 0 nothing found (a quarantine command: done), 1 something found, "
        "2 errors (a quarantine command: refused or failed). See docs/scanner.md.",
    )
    add = parser.add_argument
    add("paths", nargs="*", metavar="PATH", help="files, folders or drives to scan")
    add(
        "--signatures",
        action="append",
        type=Path,
        metavar="DIR|FILE|BUNDLE",
        help="signature folder or file, or a signed bundle file (repeatable)",
    )
    add("--json", metavar="FILE", help="write the JSON report to FILE")
    add("--quarantine", action="store_true", help="move detected files into the quarantine")
    add("--quarantine-dir", type=Path, default=DEFAULT_DATA_DIR / "quarantine", metavar="DIR")
    add("--delete", action="store_true", help="delete detected files (asks first)")
    add(
        "--end-processes",
        action="store_true",
        help="end detected processes, asking for each (implies --processes)",
    )
    add(
        "--yes",
        action="store_true",
        help="with --delete, --end-processes, --restore or --purge-quarantine: do not ask",
    )
    add(
        "--workers",
        type=_positive,
        default=0,
        metavar="N",
        help="worker processes (default: one per CPU)",
    )
    add("--no-progress", action="store_true", help="no progress bar on stderr")
    add(
        "--max-file-size",
        type=parse_size,
        default=1024 * MiB,
        metavar="SIZE",
        help="larger files are reported unscanned (default 1G)",
    )
    add("--no-archives", action="store_true", help="do not look inside archives")
    add("--processes", action="store_true", help="also scan running processes")
    add("--connections", action="store_true", help="also check live connections against C2s")
    add("--persistence", action="store_true", help="also scan autostart places")
    add("--bundle-url", metavar="URL", help="fetch the newest signed bundle from the hub")
    add(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="the hub's Ed25519 public key (default: the national key shipped with a release)",
    )
    add("--bundle-dir", type=Path, default=DEFAULT_DATA_DIR / "bundles", metavar="DIR")
    add(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE_DIR,
        metavar="DIR",
        help="where compiled YARA rules are cached",
    )
    _add_report_options(parser)
    add_quarantine_options(parser)
    return parser


def _add_report_options(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add(
        "--upload-report",
        nargs="?",
        const="",
        metavar="URL",
        help="send the report (never file contents) to the hub: its base URL or report "
        "endpoint; without URL, the hub of --bundle-url",
    )
    add(
        "--upload-paths",
        action="store_true",
        help="with --upload-report: include the paths (else only SHA-256 and extension)",
    )
    add(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the summary and progress (default: from LC_ALL/LANG, vi or en)",
    )


def _hub_of(bundle_url: str) -> str:
    """The hub's base URL from its bundle URL (``…/scanner/bundles/latest``)."""
    parts = urllib.parse.urlsplit(bundle_url)
    base = parts.path.split("/scanner/", 1)[0]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, base, "", ""))


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse option combinations that make no sense, before anything is scanned."""
    if check_quarantine_arguments(parser, args):
        args.lang = args.lang or language_from_environment()
        return
    if args.quarantine and args.delete:
        parser.error("choose --quarantine or --delete, not both")
    if args.delete and not args.yes and not sys.stdin.isatty():
        parser.error("--delete needs --yes when nobody can answer the question")
    if args.yes and not (args.delete or args.end_processes):
        parser.error("--yes only goes with --delete or --end-processes")
    args.processes = args.processes or args.end_processes
    if args.public_key is None and PACKAGED_PUBLIC_KEY.is_file():
        args.public_key = PACKAGED_PUBLIC_KEY
    if args.bundle_url and args.public_key is None:
        parser.error(
            "--bundle-url needs --public-key FILE (the authority's key): this build ships "
            "none, and a key fetched along with the bundle would prove nothing"
        )
    _check_report_options(parser, args)
    if not (args.paths or args.processes or args.connections or args.persistence):
        parser.error("nothing to scan: give a PATH or --processes/--connections/--persistence")


def _check_report_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.upload_paths and args.upload_report is None:
        parser.error("--upload-paths only goes with --upload-report")
    if args.upload_report == "":
        if not args.bundle_url:
            parser.error("--upload-report needs a URL, or --bundle-url to find the hub")
        args.upload_report = _hub_of(args.bundle_url)
    if args.upload_report is not None:
        try:
            args.upload_report = report_endpoint(args.upload_report)
        except InvalidValue as error:
            parser.error(str(error))
    if args.lang is None:
        args.lang = language_from_environment()


def scan_limits(args: argparse.Namespace) -> ScanLimits:
    return ScanLimits(
        max_file_bytes=args.max_file_size,
        archive=ArchiveLimits(),
        scan_archives=not args.no_archives,
    )


def _public_key(args: argparse.Namespace) -> bytes:
    if args.public_key is None:
        raise SetupError("a bundle is only used with the hub's key: give --public-key FILE")
    try:
        return bytes(args.public_key.read_bytes())
    except OSError as error:
        raise SetupError(f"--public-key {args.public_key}: {error.strerror or error}") from None


def _from_bundle_blob(blob: bytes, args: argparse.Namespace) -> SignatureSet:
    from cleannet.scanner.bundle import verify_bundle

    bundle = verify_bundle(blob, _public_key(args))
    return SignatureSet.from_bundle_payload(
        bundle.files, version=bundle.version, cache_dir=args.cache_dir
    )


def _fetched(args: argparse.Namespace) -> SignatureSet:
    from cleannet.scanner.bundle_store import BundleStore

    result = BundleStore(args.bundle_dir).fetch(args.bundle_url, _public_key(args))
    print(f"bundle: {result.status.value}: {result.message}", file=sys.stderr)
    if result.bundle is None:
        raise SetupError(f"no signature bundle: {result.message}")
    return SignatureSet.from_bundle_payload(
        result.bundle.files, version=result.bundle.version, cache_dir=args.cache_dir
    )


def _installed(args: argparse.Namespace) -> SignatureSet:
    from cleannet.scanner.bundle_store import BundleStore

    key = _public_key(args) if args.public_key is not None else None
    bundle = BundleStore(args.bundle_dir).current(key)
    if bundle is None:
        raise SetupError(
            "no signatures: give --signatures DIR or --bundle-url URL --public-key FILE"
        )
    return SignatureSet.from_bundle_payload(
        bundle.files, version=bundle.version, cache_dir=args.cache_dir
    )


def load_signatures(args: argparse.Namespace) -> SignatureSet:
    """The signature set the options name. Raises ``SetupError`` or a ``CleanNetError``."""
    if args.bundle_url:
        return _fetched(args)
    if not args.signatures:
        return _installed(args)
    plain = [p for p in args.signatures if p.is_dir() or signature_file_kind(p.name)]
    bundles = [p for p in args.signatures if p not in plain]
    if bundles and plain:
        raise SetupError("give either a signed bundle or signature files, not both")
    if len(bundles) > 1:
        raise SetupError("give one signed bundle")
    if bundles:
        try:
            blob = bundles[0].read_bytes()
        except OSError as error:
            raise SetupError(f"--signatures {bundles[0]}: {error.strerror or error}") from None
        return _from_bundle_blob(blob, args)
    return SignatureSet.load(plain, cache_dir=args.cache_dir)
