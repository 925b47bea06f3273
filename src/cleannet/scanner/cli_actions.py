"""What ``cleannet-scan`` does after a scan, only when asked: quarantine or delete detected
files, end detected processes. Questions go to the terminal in the user's language.

Nobody is asked when nobody can answer: ``--delete`` without ``--yes`` is refused up front
when stdin is not a terminal (cli_setup), and ``--end-processes`` without ``--yes`` then
ends nothing and says so on stderr.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from cleannet.scanner.actions import apply_file_action, end_processes, files_to_act_on
from cleannet.scanner.messages import Messages, is_yes
from cleannet.scanner.model import Action, Detection, ScanReport

__all__ = ["act_on_files", "act_on_processes", "ask"]


def ask(question: str) -> bool:
    """Ask ``question`` on stderr and read the answer from stdin; True only for a yes."""
    print(question, end="", file=sys.stderr, flush=True)
    return is_yes(sys.stdin.readline())


def _confirm_delete(paths: list[str], assume_yes: bool, say: Messages) -> bool:
    if assume_yes:
        return True
    print(say("delete_title", count=len(paths)), file=sys.stderr)
    for path in paths:
        print(f"  {path}", file=sys.stderr)
    word = say("delete_word")
    print(say("delete_prompt", word=word), end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in {word, "yes"}


def act_on_files(
    args: argparse.Namespace, report: ScanReport, walked: Mapping[str, str | None]
) -> None:
    """Quarantine (``--quarantine``) or delete (``--delete``) the detected files."""
    if args.quarantine:
        from cleannet.scanner.quarantine import Quarantine

        store = Quarantine(args.quarantine_dir)

        def put(path: str, detection: Detection) -> None:
            store.put(path, detection)

        report.detections = apply_file_action(report.detections, walked, put, Action.QUARANTINED)
    elif args.delete:
        targets = files_to_act_on(report.detections, walked)
        if targets and _confirm_delete(targets, args.yes, Messages(args.lang)):
            from cleannet.scanner.quarantine import delete_file

            def remove(path: str, detection: Detection) -> None:
                delete_file(path)

            report.detections = apply_file_action(report.detections, walked, remove, Action.DELETED)


def act_on_processes(
    args: argparse.Namespace, report: ScanReport, executables: Mapping[int, str | None]
) -> None:
    """End the detected processes (``--end-processes``), each after a yes on the terminal
    or with ``--yes``; ``executables`` (PID → executable at scan time) guards against a
    PID reused meanwhile."""
    if not args.end_processes:
        return
    from cleannet.scanner.actions import processes_to_end
    from cleannet.scanner.system.processes import end_process

    say = Messages(args.lang)
    pids = processes_to_end(report.detections)
    if not pids:
        return
    if not args.yes and not sys.stdin.isatty():
        print(say("end_process_unasked", count=len(pids)), file=sys.stderr)
        return

    def confirm(pid: int) -> bool:
        exe = executables.get(pid) or say("unknown_exe")
        return args.yes or ask(say("end_process_prompt", pid=pid, exe=exe))

    def end(pid: int) -> bool:
        return end_process(
            pid, confirm=lambda _description: confirm(pid), expected_exe=executables.get(pid)
        )

    report.detections = end_processes(report.detections, end)
