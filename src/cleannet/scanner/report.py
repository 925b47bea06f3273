"""The scan report: JSON (schema in docs/scanner.md) and the human summary.

The JSON report holds names, paths, hashes and reasons — never file contents — so it may be
uploaded to the hub when the user opts in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from cleannet.scanner.messages import Messages
from cleannet.scanner.model import Detection, ScanReport, Unscanned, UnscannedReason

__all__ = [
    "INFORMATIONAL_REASONS",
    "REPORT_SCHEMA_VERSION",
    "counts_as_error",
    "human_size",
    "report_to_dict",
    "summary_text",
    "write_json_report",
]

REPORT_SCHEMA_VERSION = 1
# Unscanned items that are listed but are not errors (the exit code stays 0 for them):
# a FIFO or device is never read on purpose, a symlink loop's target is scanned through its
# real path, and a check the platform does not have is not a failure of this scan.
INFORMATIONAL_REASONS = frozenset(
    {UnscannedReason.SPECIAL_FILE, UnscannedReason.SYMLINK_LOOP, UnscannedReason.NOT_SUPPORTED}
)


def counts_as_error(item: Unscanned) -> bool:
    """True when an unscanned item makes the scan incomplete (exit code 2 if nothing found)."""
    return item.reason not in INFORMATIONAL_REASONS


def _detection(item: Detection) -> dict[str, Any]:
    data = asdict(item)
    data["kind"] = item.kind.value
    data["action"] = item.action.value
    return data


def _unscanned(item: Unscanned) -> dict[str, Any]:
    return {"path": item.path, "reason": item.reason.value, "detail": item.detail}


def report_to_dict(
    report: ScanReport, signatures: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The JSON-ready form of ``report`` (see docs/scanner.md for every field)."""
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "scanner_version": report.scanner_version,
        "bundle_version": report.bundle_version,
        "started_at": report.started_at,
        "exit_code": report.exit_code,
        "totals": asdict(report.totals),
        "signatures": dict(signatures or {}),
        "detections": [_detection(item) for item in report.detections],
        "unscanned": [_unscanned(item) for item in report.unscanned],
    }


def write_json_report(
    report: ScanReport, target: Path, signatures: Mapping[str, int] | None = None
) -> None:
    """Write the report to ``target`` (``-`` is not handled here), replacing it atomically."""
    text = json.dumps(report_to_dict(report, signatures), ensure_ascii=False, indent=2)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    os.replace(temporary, target)


def human_size(count: int) -> str:
    """``1536`` → ``"1.5 KiB"``; whole bytes below 1 KiB, one decimal above, up to GiB."""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return f"{count} bytes"


def summary_text(report: ScanReport, *, max_lines: int = 50, lang: str = "en") -> str:
    """A few lines for people, in ``lang`` (``vi`` or ``en``): each detection, what was not
    scanned, and the totals. Codes (kind, action, reason) stay as in the JSON report."""
    say = Messages(lang)
    lines = [
        say("found", path=d.path, name=d.detection, kind=d.kind.value, action=d.action.value)
        + (say("action_error", error=d.error) if d.error else "")
        for d in report.detections[:max_lines]
    ]
    if len(report.detections) > max_lines:
        lines.append(say("more_detections", count=len(report.detections) - max_lines))
    lines += [
        say("not_scanned", path=u.path, reason=u.reason.value, detail=u.detail).rstrip()
        for u in report.unscanned[:max_lines]
    ]
    if len(report.unscanned) > max_lines:
        lines.append(say("more_not_scanned", count=len(report.unscanned) - max_lines))
    t = report.totals
    speed = t.bytes / t.seconds / (1 << 20) if t.seconds > 0 else 0.0
    lines += [
        "",
        say("summary_title"),
        say("bundle", version=report.bundle_version or say("local_files")),
        say("scanned_files", files=t.files, archives=t.archives),
        say(
            "data_scanned",
            size=human_size(t.bytes),
            seconds=f"{t.seconds:.2f}",
            speed=f"{speed:.1f}",
        ),
        say("detections", count=t.detections),
        say("not_scanned_total", count=t.unscanned, errors=t.errors),
    ]
    return "\n".join(lines)
