"""Shadowserver reports, every report type, driven by the published schema.

The report type comes from the file name (``2026-03-01-event4_sinkhole-asn-delayed.csv``)
or, when the file was renamed, from ``options.variant``. Each column is mapped by its
header name as the schema says, so added, dropped and reordered columns are fine; header
names the schema does not know are recorded in ``options.unknown_columns``.

IntelMQ's conversions are honoured: ``invalidate_zero`` (0 means unknown),
``validate_to_none`` (empty means absent), ``add_UTC_to_timestamp``, ``extract_cve_from_tag``,
``convert_http_host_and_url``, ``category_or_detail`` and the Exchange scan's
classification from its tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from cleannet.core.errors import InvalidEvent
from cleannet.core.event import validate_field
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.columnar import ColumnBatch, replayed_batches
from cleannet.engines.feeds.columnar import parse_columnar as parse_columnar_csv
from cleannet.engines.feeds.convert import Converter, converter_for
from cleannet.engines.feeds.csvrows import read_csv
from cleannet.engines.feeds.formats.shadowserver_schema import (
    FieldRule,
    Report,
    report_for,
    reports,
)
from cleannet.engines.feeds.records import FeedFormatError, ParseOptions, Row, RowError, Source
from cleannet.engines.feeds.rowplan import Column, MissingColumns, RowHook, parse_with_plan

__all__ = ["parse", "parse_columnar"]

_CVE = re.compile(r"cve-\d{4}-\d{4,}", re.IGNORECASE)
_ROW_HOOKED = {"convert_http_host_and_url", "category_or_detail", "scan_exchange_taxonomy",
               "scan_exchange_type", "scan_exchange_identifier"}  # fmt: skip


def _number(kind: Callable[[str], FieldValue], name: str) -> Converter:
    def convert(text: str) -> FieldValue:
        try:
            return kind(text)
        except ValueError:
            raise RowError(name, text, "is not a number") from None

    return convert


def _whole_extra(name: str) -> Converter:
    convert = _number(int, name)
    convert.int_range = (-(2**63), 2**63 - 1)  # type: ignore[attr-defined]
    return convert


def _boolean(name: str) -> Converter:
    values = {"true": True, "y": True, "yes": True, "1": True,
              "false": False, "n": False, "no": False, "0": False}  # fmt: skip

    def convert(text: str) -> FieldValue:
        value = values.get(text.strip().lower())
        if value is None:
            raise RowError(name, text, "is not a boolean")
        return value

    return convert


def _extra_time(name: str) -> Converter:
    """ISO 8601 or an HTTP/e-mail date, as ISO UTC; anything else kept as the text it is.

    These are informational columns (a server's Date header): a device with a wrong clock
    format is no reason to lose the row.
    """

    def convert(text: str) -> FieldValue:
        value = text.strip()
        try:
            moment = datetime.fromisoformat(value.removesuffix(" UTC").replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return value
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()

    return convert


def _cves(text: str) -> FieldValue:
    found = sorted({cve.lower() for cve in _CVE.findall(text)})
    return ",".join(found) or None


def _optional(convert: Converter) -> Converter:
    # IntelMQ's validate_* conversions drop an invalid optional value instead of the row:
    # a blocklist's "ip" column holds a prefix as often as an address.
    def keep_if_valid(text: str) -> FieldValue:
        try:
            return convert(text)
        except RowError:
            return None

    return keep_if_valid


def _converter(rule: FieldRule) -> Converter:
    convert = _typed_converter(rule)
    if (
        not rule.required
        and rule.conversion.startswith("validate_")
        and rule.conversion != "validate_to_none"
    ):
        return _optional(convert)
    return convert


def _typed_converter(rule: FieldRule) -> Converter:
    if rule.conversion == "extract_cve_from_tag":
        return _cves
    if rule.target.startswith("extra."):
        if rule.conversion in ("convert_int", "invalidate_zero"):
            return _whole_extra(rule.target)
        if rule.conversion == "convert_float":
            return _number(float, rule.target)
        if rule.conversion == "convert_bool":
            return _boolean(rule.target)
        if rule.conversion in ("convert_date", "convert_date_utc"):
            return _extra_time(rule.target)
    return converter_for(rule.target)


def _columns(report: Report) -> list[Column]:
    return [
        Column(rule.column, rule.target, rule.required,
               zero_is_empty=rule.conversion == "invalidate_zero", converter=_converter(rule))
        for rule in report.rules
        if rule.conversion not in _ROW_HOOKED
    ]  # fmt: skip


def _constants(report: Report, options: ParseOptions) -> dict[str, FieldValue]:
    wanted: dict[str, object] = {
        "feed.name": options.feed_name or "shadowserver",
        "feed.provider": options.provider or "Shadowserver",
        "feed.code": report.file_name,
        **report.constants,
    }
    if options.accuracy is not None:
        wanted["feed.accuracy"] = options.accuracy
    if options.tlp:
        wanted["tlp"] = options.tlp
    if "classification.type" not in wanted and options.classification_type:
        wanted["classification.type"] = options.classification_type
    try:
        return {name: validate_field(name, value) for name, value in wanted.items()}
    except InvalidEvent as exc:
        raise FeedFormatError(report.file_name, f"schema constant {exc}") from exc


def _exchange_class(tag: str) -> dict[str, FieldValue]:
    # As IntelMQ: a web shell on an Exchange server is a compromise, anything else a weakness.
    if "webshell" in tag.lower():
        return {"classification.taxonomy": "intrusions", "classification.type": "system-compromise",
                "classification.identifier": "exchange-server-webshell"}  # fmt: skip
    return {"classification.taxonomy": "vulnerable", "classification.type": "vulnerable-system",
            "classification.identifier": "vulnerable-exchange-server"}  # fmt: skip


def _hook(report: Report, header: list[str]) -> RowHook | None:
    position = {name: i for i, name in enumerate(header)}
    hooked = [rule for rule in report.rules if rule.conversion in _ROW_HOOKED]
    if not hooked:
        return None
    url_convert = converter_for("source.url")

    def value(values: list[str], column: str) -> str:
        index = position.get(column)
        return values[index].strip() if index is not None else ""

    def hook(fields: dict[str, FieldValue], values: list[str]) -> None:
        for rule in hooked:
            if rule.conversion == "convert_http_host_and_url":
                path, host = value(values, rule.column), value(values, "http_host")
                if path and host:
                    fields[rule.target] = url_convert(f"http://{host}{path}")
            elif rule.conversion == "category_or_detail":
                text = value(values, rule.column) or value(values, "detail")
                if text:
                    fields[rule.target] = text
            elif rule.conversion == "scan_exchange_type":
                fields.update(_exchange_class(value(values, rule.column)))

    return hook


def _report(source: Source, options: ParseOptions) -> Report:
    if options.variant:
        report = reports().get(options.variant)
        if report is None:
            raise FeedFormatError(source.name, f"{options.variant!r} is not a Shadowserver report")
        return report
    report = report_for(source.name)
    if report is None:
        raise FeedFormatError(
            source.name,
            "does not name a Shadowserver report type (expected YYYY-MM-DD-<report>-<id>.csv;"
            " or set the feed's variant)",
        )
    return report


def parse_columnar(source: Source, options: ParseOptions) -> Iterator[ColumnBatch]:
    """Yield the rows of a Shadowserver report as column batches (what ``parse`` yields).

    Report types whose rows need a multi-column hook (``sinkhole_http``'s URL) come as
    replayed batches of ``parse``'s rows. Raises as ``parse`` does.
    """
    report = _report(source, options)
    constants = _constants(report, options)
    if any(rule.conversion in _ROW_HOOKED for rule in report.rules):
        yield from replayed_batches(parse(source, options))
        return
    try:
        plan, batches = parse_columnar_csv(source, _columns(report), constants)
    except MissingColumns as exc:
        raise FeedFormatError(source.name, f"lacks required column(s) {exc}") from exc
    known = {rule.column for rule in report.rules} | {"http_host", "detail"}
    options.unknown_columns.extend(name for name in plan.unused if name not in known)
    yield from batches


def parse(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield the rows of a Shadowserver CSV report (see the module docstring).

    Raises ``FeedFormatError`` when the report type is unknown, the header is missing or
    a required column (timestamp, ip, …) is absent.
    """
    report = _report(source, options)
    csv_file = read_csv(source)
    try:
        plan, rows = parse_with_plan(
            csv_file, _columns(report), _constants(report, options), _hook(report, csv_file.header)
        )
    except MissingColumns as exc:
        raise FeedFormatError(source.name, f"lacks required column(s) {exc}") from exc
    known = {rule.column for rule in report.rules} | {"http_host", "detail"}
    options.unknown_columns.extend(name for name in plan.unused if name not in known)
    return rows
