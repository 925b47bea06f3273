"""The uploaded scan report's schema, checked in one place for both sides.

``cleannet-scan --upload-report`` sends the JSON report of docs/scanner.md plus one field,
``paths`` (``"withheld"`` or ``"included"``); the hub checks it with ``check_upload`` before
keeping anything. Pure Python (no Django), so the scanner's tests can hold that what the
scanner sends is what the hub accepts.

``check_upload`` raises ``InvalidValue`` naming the first wrong field
(``detections[3].kind``) and why; it returns only what the hub keeps: versions, totals,
each detection's name, kind, action, score and SHA-256, and a count per unscanned reason.
Paths, descriptions and details are checked for type and size but never returned.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from cleannet.core.errors import InvalidValue
from cleannet.scanner.model import Action, DetectionKind, UnscannedReason

__all__ = [
    "MAX_ITEMS",
    "MAX_UPLOAD_BYTES",
    "TOTAL_FIELDS",
    "CheckedDetection",
    "CheckedReport",
    "check_upload",
]

MAX_UPLOAD_BYTES = 1_000_000
MAX_ITEMS = 10_000  # detections, and unscanned items, per report
TOTAL_FIELDS = ("files", "bytes", "archives", "detections", "unscanned", "errors")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_VERSION = re.compile(r"[0-9A-Za-z.+_-]{1,40}")
_KINDS = frozenset(k.value for k in DetectionKind)
_ACTIONS = frozenset(a.value for a in Action)
_REASONS = frozenset(r.value for r in UnscannedReason)


@dataclass(frozen=True, slots=True)
class CheckedDetection:
    name: str
    kind: str
    action: str
    score: int
    sha256: str | None


@dataclass(frozen=True, slots=True)
class CheckedReport:
    """What the hub keeps of an upload: no path, no description, no detail."""

    scanner_version: str
    bundle_version: str | None
    exit_code: int
    paths_included: bool
    totals: dict[str, int | float]
    detections: list[CheckedDetection]
    unscanned_reasons: dict[str, int]


def _field(data: dict[str, Any], name: str, where: str) -> Any:
    if name not in data:
        raise InvalidValue(where + name, None, "required")
    return data[name]


def _integer(value: Any, where: str, low: int = 0, high: int = 2**63 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValue(where, value, f"must be a whole number from {low} to {high}")
    return value


def _text(
    value: Any, where: str, max_length: int, *, pattern: re.Pattern[str] | None = None
) -> str:
    if not isinstance(value, str) or len(value) > max_length:
        raise InvalidValue(where, value, f"must be text of at most {max_length} characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise InvalidValue(where, value, f"must match {pattern.pattern}")
    return value


def _choice(value: Any, where: str, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise InvalidValue(where, value, "must be one of " + ", ".join(sorted(allowed)))
    return str(value)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidValue(where, type(value).__name__, "must be a JSON object")
    return value


def _array(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise InvalidValue(where, type(value).__name__, f"must be a list of at most {MAX_ITEMS}")
    return value


def _totals(value: Any) -> dict[str, int | float]:
    data = _object(value, "totals")
    totals: dict[str, int | float] = {
        name: _integer(_field(data, name, "totals."), f"totals.{name}") for name in TOTAL_FIELDS
    }
    seconds = _field(data, "seconds", "totals.")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds >= 0:
        raise InvalidValue("totals.seconds", seconds, "must be a number of seconds, 0 or more")
    totals["seconds"] = float(seconds)
    return totals


def _detection(value: Any, index: int) -> CheckedDetection:
    where = f"detections[{index}]."
    data = _object(value, f"detections[{index}]")
    _text(_field(data, "path", where), where + "path", 4096)
    for optional in ("description", "error"):
        if optional in data:
            _text(data[optional], where + optional, 4096)
    sha256 = data.get("sha256")
    if sha256 is not None:
        _text(sha256, where + "sha256", 64, pattern=_SHA256)
    return CheckedDetection(
        name=_text(_field(data, "detection", where), where + "detection", 200).strip(),
        kind=_choice(_field(data, "kind", where), where + "kind", _KINDS),
        action=_choice(_field(data, "action", where), where + "action", _ACTIONS),
        score=_integer(_field(data, "score", where), where + "score", 0, 100),
        sha256=sha256,
    )


def _unscanned_reasons(value: Any) -> dict[str, int]:
    reasons: Counter[str] = Counter()
    for index, item in enumerate(_array(value, "unscanned")):
        where = f"unscanned[{index}]."
        data = _object(item, f"unscanned[{index}]")
        _text(_field(data, "path", where), where + "path", 4096)
        if "detail" in data:
            _text(data["detail"], where + "detail", 4096)
        reasons[_choice(_field(data, "reason", where), where + "reason", _REASONS)] += 1
    return dict(reasons)


def check_upload(document: Any) -> CheckedReport:
    """Check an uploaded report (parsed JSON); return what may be kept.

    Raises ``InvalidValue`` whose ``field`` names the first wrong field.
    """
    data = _object(document, "report")
    _integer(_field(data, "schema_version", ""), "schema_version", 1, 1)
    bundle_version = _field(data, "bundle_version", "")
    if bundle_version is not None:
        _text(bundle_version, "bundle_version", 40, pattern=_VERSION)
    paths = _choice(_field(data, "paths", ""), "paths", frozenset({"withheld", "included"}))
    return CheckedReport(
        scanner_version=_text(
            _field(data, "scanner_version", ""), "scanner_version", 40, pattern=_VERSION
        ),
        bundle_version=bundle_version,
        exit_code=_integer(_field(data, "exit_code", ""), "exit_code", 0, 2),
        paths_included=paths == "included",
        totals=_totals(_field(data, "totals", "")),
        detections=[
            _detection(item, i)
            for i, item in enumerate(_array(_field(data, "detections", ""), "detections"))
        ],
        unscanned_reasons=_unscanned_reasons(_field(data, "unscanned", "")),
    )
