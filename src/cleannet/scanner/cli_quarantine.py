"""``cleannet-scan --list-quarantine | --restore ID | --purge-quarantine ID``: the quarantine
store (``--quarantine-dir``) managed from the command line, without scanning anything.

- ``--list-quarantine [--json FILE]``: a table of the entries (id, when, size, detection,
  SHA-256, original path), oldest first; ``--json`` writes the same as a document.
- ``--restore ID [--to PATH] [--overwrite]``: the file goes back to its original path (or
  ``PATH``; a folder means the original name inside it) with its mode and mtime, after its
  SHA-256 is verified; an existing file is never replaced without ``--overwrite``.
- ``--purge-quarantine ID``: the entry is deleted for good.

Restoring and purging ask ``… [y/N]`` on the terminal unless ``--yes``; without a terminal
and without ``--yes`` nothing is done. Exit codes: 0 done, 2 refused or failed, with one
line on stderr naming the entry and why. The JSON listing holds no key and no content.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from cleannet.scanner.cli_actions import ask
from cleannet.scanner.messages import Messages
from cleannet.scanner.model import EXIT_CLEAN, EXIT_ERROR
from cleannet.scanner.quarantine import Quarantine, QuarantineEntry, QuarantineError
from cleannet.scanner.report import human_size

__all__ = [
    "LISTING_SCHEMA_VERSION",
    "add_quarantine_options",
    "check_quarantine_arguments",
    "listing_table",
    "listing_to_dict",
    "quarantine_command",
    "run_quarantine_command",
]

LISTING_SCHEMA_VERSION = 1
_COMMANDS = {
    "list_quarantine": "--list-quarantine",
    "restore": "--restore",
    "purge_quarantine": "--purge-quarantine",
}
# Options that only mean something for a scan; with a quarantine command they are refused
# rather than silently ignored.
_SCAN_OPTIONS = {
    "paths": "PATH",
    "signatures": "--signatures",
    "quarantine": "--quarantine",
    "delete": "--delete",
    "end_processes": "--end-processes",
    "processes": "--processes",
    "connections": "--connections",
    "persistence": "--persistence",
    "bundle_url": "--bundle-url",
    "upload_report": "--upload-report",
    "upload_paths": "--upload-paths",
    "no_archives": "--no-archives",
}


def add_quarantine_options(parser: argparse.ArgumentParser) -> None:
    """Add the quarantine management options to ``cleannet-scan``'s parser."""
    group = parser.add_argument_group("quarantine store (no scan; uses --quarantine-dir)")
    add = group.add_argument
    add("--list-quarantine", action="store_true", help="list the quarantined files")
    add("--restore", metavar="ID", help="put entry ID back where it was (asks first)")
    add("--to", type=Path, metavar="PATH", help="with --restore: restore to PATH instead")
    add("--overwrite", action="store_true", help="with --restore: replace an existing file")
    add("--purge-quarantine", metavar="ID", help="delete entry ID for good (asks first)")


def quarantine_command(args: argparse.Namespace) -> str | None:
    """The quarantine command asked for (``"list_quarantine"``, ``"restore"``,
    ``"purge_quarantine"``), or None for a scan."""
    asked = [dest for dest in _COMMANDS if getattr(args, dest, None)]
    return asked[0] if asked else None


def check_quarantine_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> bool:
    """Refuse option combinations around the quarantine commands (``parser.error``, exit 2);
    return True when a quarantine command is asked (then nothing is scanned)."""
    asked = [option for dest, option in _COMMANDS.items() if getattr(args, dest)]
    if not args.restore and (args.to is not None or args.overwrite):
        parser.error("--to and --overwrite only go with --restore")
    if not asked:
        return False
    if len(asked) > 1:
        parser.error(f"choose one of {', '.join(asked)}")
    scan_only = [
        option for dest, option in _SCAN_OPTIONS.items() if getattr(args, dest) not in _UNSET
    ]
    if scan_only:
        parser.error(f"{asked[0]} scans nothing: drop {', '.join(scan_only)}")
    if args.json and not args.list_quarantine:
        parser.error(f"--json does not go with {asked[0]}")
    if args.yes and args.list_quarantine:
        parser.error("--yes does not go with --list-quarantine")
    return True


_UNSET: tuple[object, ...] = (None, False, [])


def run_quarantine_command(args: argparse.Namespace) -> int:
    """Run the quarantine command ``args`` ask for; return the exit code (0 done, 2 not)."""
    store = Quarantine(args.quarantine_dir)
    say = Messages(args.lang)
    if args.list_quarantine:
        return _list(store, args, say)
    if args.restore:
        return _restore(store, args.restore, args, say)
    return _purge(store, args.purge_quarantine, args, say)


# --list-quarantine


def _when(entry: QuarantineEntry) -> str:
    return entry.quarantined_at[:19].replace("T", " ")


def _detection_name(entry: QuarantineEntry) -> str:
    return str(entry.detection.get("detection") or "?")


def listing_table(entries: list[QuarantineEntry], say: Messages) -> str:
    """The entries as an aligned table for people, the original path last (it is the
    longest and the only unbounded column)."""
    header = [say(key) for key in ("q_id", "q_when", "q_size", "q_detection", "q_sha256")]
    rows = [[*header, say("q_path")]]
    rows += [
        [e.id, _when(e), human_size(e.size), _detection_name(e), e.sha256, e.original_path]
        for e in entries
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return "\n".join(
        "  ".join([cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + row[-1:])
        for row in rows
    )


def _entry_to_dict(entry: QuarantineEntry) -> dict[str, Any]:
    mtime = dt.datetime.fromtimestamp(entry.mtime_ns / 1e9, dt.UTC)
    return {
        "id": entry.id,
        "original_path": entry.original_path,
        "detection": _detection_name(entry),
        "kind": entry.detection.get("kind"),
        "score": entry.detection.get("score"),
        "size": entry.size,
        "sha256": entry.sha256,
        "mode": f"{entry.mode:04o}",
        "mtime": mtime.isoformat(timespec="seconds"),
        "quarantined_at": entry.quarantined_at,
    }


def listing_to_dict(
    directory: Path, entries: list[QuarantineEntry], problems: list[str]
) -> dict[str, Any]:
    """The JSON-ready listing (documented in docs/scanner.md, "Quarantine")."""
    return {
        "schema_version": LISTING_SCHEMA_VERSION,
        "quarantine_dir": str(directory),
        "entries": [_entry_to_dict(entry) for entry in entries],
        "problems": problems,
    }


def _write_json(target: Path, document: dict[str, Any]) -> None:
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(temporary, target)


def _list(store: Quarantine, args: argparse.Namespace, say: Messages) -> int:
    entries, problems = store.survey()
    if args.json:
        try:
            _write_json(Path(args.json), listing_to_dict(store.directory, entries, problems))
        except OSError as error:
            print(f"cleannet-scan: --json {args.json}: {error.strerror or error}", file=sys.stderr)
            return EXIT_ERROR
    if entries:
        print(listing_table(entries, say))
        print(say("q_count", count=len(entries), directory=store.directory))
    else:
        print(say("q_empty", directory=store.directory))
    for problem in problems:
        print(say("q_unreadable", problem=problem), file=sys.stderr)
    return EXIT_ERROR if problems else EXIT_CLEAN


# --restore and --purge-quarantine


def _refused(say: Messages, key: str, entry_id: str, reason: object) -> int:
    text = str(reason).removeprefix(f"entry {entry_id}: ").removeprefix(f"entry {entry_id!r}: ")
    print(say(key, id=entry_id, reason=text), file=sys.stderr)
    return EXIT_ERROR


def _unconfirmed(args: argparse.Namespace, question: str, say: Messages) -> str | None:
    """None when the action may go ahead (``--yes`` or a yes on the terminal), else why not."""
    if args.yes:
        return None
    if not sys.stdin.isatty():
        return say("q_nobody")
    return None if ask(question) else say("q_declined")


def _restore_target(entry: QuarantineEntry, to: Path | None) -> Path:
    original = Path(entry.original_path)
    if to is None:
        return original
    return to / original.name if to.is_dir() else to


def _restore(store: Quarantine, entry_id: str, args: argparse.Namespace, say: Messages) -> int:
    try:
        entry = store.get(entry_id)
    except QuarantineError as error:
        return _refused(say, "q_restore_refused", entry_id, error)
    target = _restore_target(entry, args.to)
    if os.path.lexists(target) and not args.overwrite:
        return _refused(say, "q_restore_refused", entry_id, say("q_occupied", path=target))
    question = say("q_restore_prompt", path=target, name=_detection_name(entry))
    if (why_not := _unconfirmed(args, question, say)) is not None:
        return _refused(say, "q_restore_refused", entry_id, why_not)
    try:
        placed = store.restore(entry_id, to=target, overwrite=args.overwrite)
    except (QuarantineError, OSError) as error:
        return _refused(say, "q_restore_refused", entry_id, error)
    print(say("q_restored", id=entry_id, path=placed))
    return EXIT_CLEAN


def _purge(store: Quarantine, entry_id: str, args: argparse.Namespace, say: Messages) -> int:
    try:
        entry = store.get(entry_id)
        path, name = entry.original_path, _detection_name(entry)
    except QuarantineError as error:
        # A damaged entry (unreadable manifest) may still be purged; a missing one may not.
        if not _holds(store, entry_id):
            return _refused(say, "q_purge_refused", entry_id, error)
        path, name = entry_id, say("q_unknown")
    question = say("q_purge_prompt", path=path, name=name)
    if (why_not := _unconfirmed(args, question, say)) is not None:
        return _refused(say, "q_purge_refused", entry_id, why_not)
    try:
        store.delete(entry_id)
    except (QuarantineError, OSError) as error:
        return _refused(say, "q_purge_refused", entry_id, error)
    print(say("q_purged", id=entry_id, path=path))
    return EXIT_CLEAN


def _holds(store: Quarantine, entry_id: str) -> bool:
    try:
        return store.holds(entry_id)
    except QuarantineError:
        return False
