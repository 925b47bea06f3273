"""``cleannet-scan``: scan files, folders and drives (and optionally processes, connections
and persistence places) against signature files or a signed bundle; or, without scanning,
list, restore or purge quarantined files (cli_quarantine).

Exit codes as clamscan: 0 nothing found, 1 something found, 2 errors (and nothing found);
an upload that fails (``--upload-report``) is told on stderr and changes no exit code.
Usage, the signature formats and the JSON report: docs/scanner.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from cleannet.core.errors import CleanNetError
from cleannet.scanner.cli_actions import act_on_files, act_on_processes
from cleannet.scanner.cli_quarantine import quarantine_command, run_quarantine_command
from cleannet.scanner.cli_setup import (
    SetupError,
    build_parser,
    check_arguments,
    load_signatures,
    scan_limits,
)
from cleannet.scanner.engine import ScanLimits
from cleannet.scanner.messages import Messages
from cleannet.scanner.model import EXIT_ERROR, Action, ScanReport, Unscanned
from cleannet.scanner.pool import default_workers, scan_tasks
from cleannet.scanner.progress import Progress
from cleannet.scanner.report import counts_as_error, summary_text, write_json_report
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.upload import send_report, upload_body
from cleannet.scanner.walker import FileTask, walk

__all__ = ["main", "run_scan"]


def _scanner_version() -> str:
    try:
        return version("cleannet")
    except PackageNotFoundError:
        return "0+unknown"


def _walk(args: argparse.Namespace, limits: ScanLimits) -> tuple[list[FileTask], list[Unscanned]]:
    tasks: list[FileTask] = []
    unscanned: list[Unscanned] = []
    # The quarantine store is never scanned: its entries are encoded and our own.
    for item in walk(args.paths, limits.max_file_bytes, skip=[args.quarantine_dir]):
        (tasks if isinstance(item, FileTask) else unscanned).append(item)  # type: ignore[arg-type]
    return tasks, unscanned


def _scan_files(
    args: argparse.Namespace, sigs: SignatureSet, limits: ScanLimits, report: ScanReport
) -> dict[str, str | None]:
    """Scan the paths into ``report``; return every scanned file's SHA-256 by path."""
    tasks, unscanned = _walk(args, limits)
    report.unscanned += unscanned
    progress = Progress(
        len(tasks), sum(t.size for t in tasks), enabled=not args.no_progress, lang=args.lang
    )
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
) -> dict[int, str | None]:
    """Run the system checks asked for; return each seen process's executable by PID."""
    from cleannet.scanner.system import ScanResult, engine_file_scan

    file_scan = engine_file_scan(sigs, limits)  # one cache: each file scanned once per run
    executables: dict[int, str | None] = {}
    checks: list[Callable[[], ScanResult]] = []
    if args.processes:
        from cleannet.scanner.system.processes import iter_processes, scan_processes

        seen = list(iter_processes())
        executables = {info.pid: info.exe for info in seen}
        checks.append(lambda: scan_processes(sigs, file_scan, processes=seen))
    if args.connections:
        from cleannet.scanner.system.network import scan_connections

        checks.append(lambda: scan_connections(sigs))
    if args.persistence:
        from cleannet.scanner.system.persistence import scan_persistence

        checks.append(lambda: scan_persistence(sigs, file_scan))
    for check in checks:
        found, missed = check()
        report.detections += found
        report.unscanned += missed
    return executables


def _finish(report: ScanReport, started: float) -> None:
    totals = report.totals
    totals.seconds = round(time.monotonic() - started, 3)
    totals.detections = len(report.detections)
    totals.unscanned = len(report.unscanned)
    failed_actions = sum(1 for d in report.detections if d.action is Action.FAILED)
    totals.errors = sum(1 for u in report.unscanned if counts_as_error(u)) + failed_actions


def _run(args: argparse.Namespace, sigs: SignatureSet) -> tuple[ScanReport, dict[str, str | None]]:
    started = time.monotonic()
    report = ScanReport(
        bundle_version=sigs.version,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        scanner_version=_scanner_version(),
    )
    limits = scan_limits(args)
    walked = _scan_files(args, sigs, limits, report) if args.paths else {}
    executables = _scan_system(args, sigs, limits, report)
    act_on_files(args, report, walked)
    act_on_processes(args, report, executables)
    _finish(report, started)
    return report, walked


def run_scan(args: argparse.Namespace, sigs: SignatureSet) -> ScanReport:
    """Scan what ``args`` name with ``sigs``, act if asked, and return the report."""
    return _run(args, sigs)[0]


def _upload(
    args: argparse.Namespace,
    report: ScanReport,
    counts: dict[str, int],
    walked: dict[str, str | None],
) -> None:
    """Send the report if asked; a failure is told on stderr and changes no exit code."""
    body = upload_body(report, counts, include_paths=args.upload_paths, file_hashes=walked)
    result = send_report(args.upload_report, body)
    say = Messages(args.lang)
    if result.sent:
        print(say("upload_sent", url=args.upload_report, receipt=result.receipt), file=sys.stderr)
    else:
        print(say("upload_failed", url=args.upload_report, reason=result.reason), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cleannet-scan``; returns the exit code (0 clean, 1 found, 2 errors)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    if quarantine_command(args):
        return run_quarantine_command(args)
    try:
        sigs = load_signatures(args)
        for problem in sigs.problems[:20]:
            print(f"signature problem: {problem}", file=sys.stderr)
        report, walked = _run(args, sigs)
        if args.json:
            write_json_report(report, Path(args.json), sigs.counts())
    except (SetupError, CleanNetError, OSError) as error:
        print(f"cleannet-scan: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.upload_report:
        _upload(args, report, sigs.counts(), walked)
    print(summary_text(report, lang=args.lang))
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
