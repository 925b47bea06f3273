"""An owner report's events as a file: CSV, a JSON document or a STIX 2.1 bundle.

The files are exchange's exports (IntelMQ field names, formula-safe CSV cells, the same STIX
objects as the TAXII collections) of exactly the report's events, made again on each
download from the report's event links, so nothing but the links is stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cleannet.server.exchange.services import (
    EventSelection,
    export_events_csv,
    export_events_jsonl,
    export_stix_bundle,
)
from cleannet.server.intel.models import Event
from cleannet.server.notices.channels.base import Attachment
from cleannet.server.notices.models import OwnerReport, ReportRule

FORMATS: tuple[str, ...] = tuple(ReportRule.Format.values)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
"""A file larger than this is not attached; the message links the download instead."""

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "stix": "application/stix+json;version=2.1",
}
_SUFFIXES = {"csv": "csv", "json": "json", "stix": "stix.json"}


@dataclass(frozen=True)
class ReportSelection(EventSelection):
    """The events linked to ``report`` (exchange's selection picks by owner and time only).

    ``owner`` is the report's organisation so that a STIX bundle names that owner alone;
    the events are not filtered by it: an event re-attributed later stays in its report.
    """

    report: OwnerReport | None = None

    def queryset(self) -> QuerySet[Event]:
        return EventSelection().queryset().filter(owner_reports=self.report)


def _selection(report: OwnerReport) -> ReportSelection:
    return ReportSelection(owner=report.organisation, report=report)


def _json_document(report: OwnerReport, selection: EventSelection) -> Iterator[str]:
    """Yield ``{"ticket": …, …, "events": [IntelMQ events]}`` in chunks."""
    head = {
        "ticket": report.number,
        "organisation": report.organisation.slug,
        "first_event": report.first_event_at.isoformat(),
        "last_event": report.last_event_at.isoformat(),
        "event_count": report.event_count,
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "events": ['
    separator = "\n"
    for line in export_events_jsonl(selection):
        yield separator + line.rstrip("\n")
        separator = ",\n"
    yield "\n]}\n"


_Writer = Callable[[OwnerReport, EventSelection], Iterable[str]]
_WRITERS: dict[str, _Writer] = {
    "csv": lambda report, selection: export_events_csv(selection),
    "json": _json_document,
    "stix": lambda report, selection: export_stix_bundle(selection),
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        message = _("%(format)s is not one of %(formats)s.")
        raise ValidationError({"format": message % {"format": fmt, "formats": ", ".join(FORMATS)}})


def _chunks(report: OwnerReport, fmt: str) -> Iterator[bytes]:
    for text in _WRITERS[fmt](report, _selection(report)):
        yield text.encode("utf-8")


def file_name(report: OwnerReport, fmt: str) -> str:
    return f"cleannet-{report.number}.{_SUFFIXES[fmt]}"


def report_download(report: OwnerReport, fmt: str) -> tuple[bytes, str, str]:
    """Return ``(data, content_type, filename)`` of ``report``'s events in ``fmt``.

    Any of the formats may be asked for, whatever the rule sends. Raises
    ``ValidationError`` (field ``format``) for an unknown format.
    """
    _check_format(fmt)
    return b"".join(_chunks(report, fmt)), CONTENT_TYPES[fmt], file_name(report, fmt)


def report_attachment(report: OwnerReport, max_bytes: int | None = None) -> Attachment | None:
    """Return ``report``'s file in its own format, or None when it is larger than
    ``max_bytes`` (``ATTACHMENT_MAX_BYTES`` by default; the export stops there rather than
    build the whole file)."""
    _check_format(report.format)
    max_bytes = ATTACHMENT_MAX_BYTES if max_bytes is None else max_bytes
    parts: list[bytes] = []
    size = 0
    for chunk in _chunks(report, report.format):
        size += len(chunk)
        if size > max_bytes:
            return None
        parts.append(chunk)
    content_type = CONTENT_TYPES[report.format]
    return Attachment(
        name=file_name(report, report.format), content_type=content_type, data=b"".join(parts)
    )
