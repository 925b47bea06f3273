"""``cleannet-scan``: scan files, folders and drives (and optionally processes, connections
and persistence places) against signature files or a signed bundle.

Exit codes as clamscan: 0 nothing found, 1 something found, 2 errors (and nothing found).
Usage, the signature formats and the JSON report: docs/scanner.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from cleannet.core.errors import CleanNetError
from cleannet.scanner.actions import apply_file_action, files_to_act_on
from cleannet.scanner.cli_setup import (
    SetupError,
    build_parser,
    check_arguments,
    load_signatures,
    scan_limits,
)
from cleannet.scanner.engine import ScanLimits
from cleannet.scanner.model import (
    EXIT_ERROR,
    Action,
    Detection,
    ScanReport,
    Unscanned,
    UnscannedReason,
)
from cleannet.scanner.pool import default_workers, scan_tasks
from cleannet.scanner.progress import Progress
from cleannet.scanner.report import counts_as_error, summary_text, write_json_report
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.walker import FileTask, walk

__all__ = ["main", "run_scan"]


def _scanner_version() -> str:
    try:
        return version("cleannet")
    except PackageNotFoundError:
        return "0+unknown"


def _walk(paths: Sequence[str], limits: ScanLimits) -> tuple[list[FileTask], list[Unscanned]]:
    tasks: list[FileTask] = []
    unscanned: list[Unscanned] = []
    for item in walk(paths, limits.max_file_bytes):
        (tasks if isinstance(item, FileTask) else unscanned).append(item)  # type: ignore[arg-type]
    return tasks, unscanned


def _scan_files(
    args: argparse.Namespace, sigs: SignatureSet, limits: ScanLimits, report: ScanReport
) -> dict[str, str | None]:
    """Scan the paths into ``report``; return every scanned file's SHA-256 by path."""
    tasks, unscanned = _walk(args.paths, limits)
    report.unscanned += unscanned
    progress = Progress(len(tasks), sum(t.size for t in tasks), enabled=not args.no_progress)
    walked: dict[str, str | None] = {}
    workers = args.workers or default_workers()
    try:
        for task, outcome in scan_tasks(tasks, sigs, limits, workers=workers):
            walked[task.path] = outcome.sha256
            report.detections += outcome.detections
            report.unscanned += outcome.unscanned
            report.totals.files += outcome.files
            report.totals.bytes += outcome.bytes
            report.totals.archives += outcome.archives
            progress.advance(task.size)
    finally:
        progress.close()
    return walked


def _scan_system(
    args: argparse.Namespace, sigs: SignatureSet, limits: ScanLimits, report: ScanReport
) -> None:
    from cleannet.scanner import system

    checks: list[Callable[[], tuple[list[Detection], list[Unscanned]]]] = []
    if args.processes:
        from cleannet.scanner.system.processes import scan_processes

        checks.append(lambda: scan_processes(sigs, system.engine_file_scan(sigs, limits)))
    if args.connections:
        from cleannet.scanner.system.network import scan_connections

        checks.append(lambda: scan_connections(sigs))
    if args.persistence:
        checks.append(lambda: _scan_persistence(sigs, system.engine_file_scan(sigs, limits)))
    for check in checks:
        found, missed = check()
        report.detections += found
        report.unscanned += missed


def _scan_persistence(
    sigs: SignatureSet, scan_path: Any
) -> tuple[list[Detection], list[Unscanned]]:
    try:  # loaded by name: the persistence checks are optional in a reduced build
        persistence = importlib.import_module("cleannet.scanner.system.persistence")
    except ImportError:
        detail = "this build of the scanner has no persistence checks"
        return [], [Unscanned("persistence", UnscannedReason.NOT_SUPPORTED, detail)]
    found, missed = persistence.scan_persistence(sigs, scan_path)
    return list(found), list(missed)


def _confirm_delete(paths: list[str], assume_yes: bool) -> bool:
    if assume_yes:
        return True
    print(f"Delete these {len(paths)} files for good?", file=sys.stderr)
    for path in paths:
        print(f"  {path}", file=sys.stderr)
    answer = input("Type 'yes' to delete: ")
    return answer.strip().lower() == "yes"


def _act(args: argparse.Namespace, report: ScanReport, walked: dict[str, str | None]) -> None:
    if args.quarantine:
        from cleannet.scanner.quarantine import Quarantine

        store = Quarantine(args.quarantine_dir)

        def put(path: str, detection: Detection) -> None:
            store.put(path, detection)

        report.detections = apply_file_action(report.detections, walked, put, Action.QUARANTINED)
    elif args.delete:
        targets = files_to_act_on(report.detections, walked)
        if targets and _confirm_delete(targets, args.yes):
            from cleannet.scanner.quarantine import delete_file

            def remove(path: str, detection: Detection) -> None:
                delete_file(path)

            report.detections = apply_file_action(report.detections, walked, remove, Action.DELETED)


def _finish(report: ScanReport, started: float) -> None:
    totals = report.totals
    totals.seconds = round(time.monotonic() - started, 3)
    totals.detections = len(report.detections)
    totals.unscanned = len(report.unscanned)
    failed_actions = sum(1 for d in report.detections if d.action is Action.FAILED)
    totals.errors = sum(1 for u in report.unscanned if counts_as_error(u)) + failed_actions


def run_scan(args: argparse.Namespace, sigs: SignatureSet) -> ScanReport:
    """Scan what ``args`` name with ``sigs``, act if asked, and return the report."""
    started = time.monotonic()
    report = ScanReport(
        bundle_version=sigs.version,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        scanner_version=_scanner_version(),
    )
    limits = scan_limits(args)
    walked = _scan_files(args, sigs, limits, report) if args.paths else {}
    _scan_system(args, sigs, limits, report)
    _act(args, report, walked)
    _finish(report, started)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cleannet-scan``; returns the exit code (0 clean, 1 found, 2 errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    try:
        sigs = load_signatures(args)
        for problem in sigs.problems[:20]:
            print(f"signature problem: {problem}", file=sys.stderr)
        report = run_scan(args, sigs)
        if args.json:
            write_json_report(report, Path(args.json), sigs.counts())
    except (SetupError, CleanNetError, OSError) as error:
        print(f"cleannet-scan: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(summary_text(report))
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
