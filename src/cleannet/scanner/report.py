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

from cleannet.scanner.model import Detection, ScanReport, Unscanned, UnscannedReason

__all__ = [
    "INFORMATIONAL_REASONS",
    "REPORT_SCHEMA_VERSION",
    "counts_as_error",
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


def _size(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return f"{count} bytes"


def summary_text(report: ScanReport, *, max_lines: int = 50) -> str:
    """A few lines for people: each detection, what was not scanned, and the totals."""
    lines = [
        f"{d.path}: {d.detection} FOUND ({d.kind.value}, {d.action.value})"
        + (f" — {d.error}" if d.error else "")
        for d in report.detections[:max_lines]
    ]
    if len(report.detections) > max_lines:
        lines.append(f"… and {len(report.detections) - max_lines} more detections")
    shown = report.unscanned[:max_lines]
    lines += [f"{u.path}: NOT SCANNED ({u.reason.value}) {u.detail}".rstrip() for u in shown]
    if len(report.unscanned) > max_lines:
        lines.append(f"… and {len(report.unscanned) - max_lines} more not scanned (see --json)")
    t = report.totals
    speed = t.bytes / t.seconds / (1 << 20) if t.seconds > 0 else 0.0
    lines += [
        "",
        "----------- SCAN SUMMARY -----------",
        f"Signature bundle: {report.bundle_version or 'local files'}",
        f"Scanned files: {t.files} (archives: {t.archives})",
        f"Data scanned: {_size(t.bytes)} in {t.seconds:.2f} s ({speed:.1f} MiB/s)",
        f"Detections: {t.detections}",
        f"Not scanned: {t.unscanned} (errors: {t.errors})",
    ]
    return "\n".join(lines)
