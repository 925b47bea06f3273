"""Shadowserver's published report schema (the IntelMQ mapping of every report type).

The file ``data/shadowserver-intelmq.json`` is Shadowserver's own mapping of each
report's columns to IntelMQ event fields, with the classification of each report type;
it ships with CleanNet so parsing never fetches anything. ``report_for(file_name)``
finds a report by the ``file_name`` Shadowserver uses in its file names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cleannet.core.event_values import FieldValue

# YYYY-MM-DD-<report_type>-<identifier>.csv (report-filename.md in Shadowserver's repo).
FILE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9_]+)-(.+?)\.csv$")


@dataclass(frozen=True)
class FieldRule:
    """One mapped column: event ``target`` ← ``column``, with IntelMQ's ``conversion``."""

    target: str
    column: str
    conversion: str
    required: bool


@dataclass(frozen=True)
class Report:
    name: str
    file_name: str
    feed_name: str
    rules: tuple[FieldRule, ...]
    constants: dict[str, FieldValue]


def _rule(entry: list[object], required: bool) -> FieldRule:
    target, column = str(entry[0]), str(entry[1])
    conversion = str(entry[2]) if len(entry) > 2 and isinstance(entry[2], str) else ""
    if target == "extra.":
        target = f"extra.{column}"
    return FieldRule(target, column, conversion, required)


def _report(name: str, body: dict[str, Any]) -> Report:
    rules = [_rule(entry, True) for entry in body.get("required_fields") or []]
    rules += [_rule(entry, False) for entry in body.get("optional_fields") or []]
    constants: dict[str, FieldValue] = dict(body.get("constant_fields") or {})
    return Report(
        name=name, file_name=str(body["file_name"]), feed_name=str(body.get("feed_name", "")),
        rules=tuple(rules), constants=constants,
    )  # fmt: skip


@cache
def reports() -> dict[str, Report]:
    """Return every report type, keyed by its ``file_name`` (e.g. ``event4_sinkhole``)."""
    text = resources.files(__package__).joinpath("data/shadowserver-intelmq.json").read_text()
    raw = json.loads(text)
    found = (_report(name, body) for name, body in raw.items() if name != "_meta")
    return {report.file_name: report for report in found}


def report_for(file_name: str) -> Report | None:
    """Return the report a Shadowserver file name names, or None when it names none."""
    match = FILE_NAME.match(file_name.rsplit("!", 1)[-1].rsplit("/", 1)[-1])
    if match is None:
        return None
    return reports().get(match.group(2))
