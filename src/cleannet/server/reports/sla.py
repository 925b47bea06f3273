"""Service-level agreements of the report channel: how long analysts have to decide a report.

A report is *due* ``SLA hours`` of its kind after it was received (setting
``CLEANNET_REPORTS_SLA_HOURS``, e.g. ``"incident=24,phishing=24,malware=72"``; kinds left out
keep their default). The clock stops when the report is decided (confirmed, rejected,
duplicate, actioned or closed). ``Report.due_at`` is set when a report is filed
(``due_at_for``); a report without one is due ``created_at`` + its kind's hours, and the
database expressions here compute exactly that, so filters and ordering agree with the page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, Q, Value, When
from django.db.models.expressions import Expression

from cleannet.core.errors import InvalidValue
from cleannet.server.reports.models import HANDLED_STATUSES, ReportKind

DEFAULT_SLA_HOURS: Mapping[str, int] = {
    ReportKind.INCIDENT: 24,
    ReportKind.PHISHING: 24,
    ReportKind.MALWARE: 72,
    ReportKind.DATA_LEAK: 72,
    ReportKind.VULNERABILITY: 120,
}
SETTING = "CLEANNET_REPORTS_SLA_HOURS"
OPEN_STATUSES = frozenset({"new", "triaging"})
"""States in which the SLA clock runs (the report awaits a decision)."""


def _hours(kind: str, text: str) -> int:
    try:
        hours = int(text.strip())
    except ValueError:
        raise InvalidValue(SETTING, text, f"hours for {kind} must be a whole number") from None
    if not 1 <= hours <= 24 * 365:
        raise InvalidValue(SETTING, text, f"hours for {kind} must be between 1 and 8760")
    return hours


def parse_sla_hours(value: str | Mapping[str, Any]) -> dict[str, int]:
    """Return the hours per kind: the defaults overridden by ``value``.

    ``value`` is ``"kind=hours"`` pairs separated by commas or semicolons (or a mapping).
    Raises ``InvalidValue`` (field ``CLEANNET_REPORTS_SLA_HOURS``) naming an unknown kind,
    a pair without ``=`` or hours that are not a whole number from 1 to 8760.
    """
    pairs: list[tuple[str, str]] = []
    if isinstance(value, Mapping):
        pairs = [(str(k), str(v)) for k, v in value.items()]
    else:
        for item in value.replace(";", ",").split(","):
            if not item.strip():
                continue
            kind, equals, hours = item.partition("=")
            if not equals:
                raise InvalidValue(SETTING, item, "each entry must be kind=hours")
            pairs.append((kind, hours))
    result = dict(DEFAULT_SLA_HOURS)
    for kind, hours in pairs:
        kind = kind.strip()
        if kind not in ReportKind.values:
            known = ", ".join(ReportKind.values)
            raise InvalidValue(SETTING, kind, f"is not a report kind (one of {known})")
        result[kind] = _hours(kind, hours)
    return result


def sla_hours() -> dict[str, int]:
    """The hours per kind in force (settings read each call: tests may override them)."""
    return parse_sla_hours(getattr(settings, SETTING, "") or "")


def due_at_for(kind: str, received_at: dt.datetime) -> dt.datetime:
    """Return when a report of ``kind`` received at ``received_at`` must be decided.

    ``services.file_report`` sets ``Report.due_at`` with this. An unknown kind gets the
    longest deadline rather than an error: a report is never refused for its SLA.
    """
    hours = sla_hours()
    return received_at + dt.timedelta(hours=hours.get(kind, max(hours.values())))


def effective_due() -> Expression:
    """A database expression: ``due_at``, or ``created_at`` + the kind's hours when empty."""
    computed = [
        When(
            kind=kind,
            then=ExpressionWrapper(
                F("created_at") + Value(dt.timedelta(hours=hours)),
                output_field=DateTimeField(),
            ),
        )
        for kind, hours in sla_hours().items()
    ]
    return Case(
        When(due_at__isnull=False, then=F("due_at")),
        *computed,
        default=F("created_at"),
        output_field=DateTimeField(),
    )


def overdue_q(now: dt.datetime) -> Q:
    """A filter for reports awaiting a decision past their due time at ``now``."""
    late_by_kind = Q()
    for kind, hours in sla_hours().items():
        late_by_kind |= Q(kind=kind, created_at__lt=now - dt.timedelta(hours=hours))
    late = Q(due_at__lt=now) | (Q(due_at__isnull=True) & late_by_kind)
    return Q(status__in=OPEN_STATUSES) & late


@dataclass(frozen=True)
class SlaTimer:
    """Where a report stands against its due time at ``at``.

    ``stopped`` once it was decided: it is then neither overdue nor counting down.
    """

    due_at: dt.datetime
    at: dt.datetime
    stopped: bool

    @property
    def is_overdue(self) -> bool:
        return not self.stopped and self.at > self.due_at

    @property
    def hours_left(self) -> int:
        """Whole hours left, rounded down (0 reads "less than one hour")."""
        return max(0, int((self.due_at - self.at).total_seconds())) // 3600

    @property
    def hours_overdue(self) -> int:
        """Whole hours overdue, rounded up: one minute late is one hour late."""
        late = max(0, int((self.at - self.due_at).total_seconds()))
        return -(-late // 3600)


def timer_for(
    kind: str,
    status: str,
    created_at: dt.datetime,
    due_at: dt.datetime | None,
    now: dt.datetime,
) -> SlaTimer:
    """Return the SLA timer of a report with these fields at ``now``."""
    return SlaTimer(
        due_at=due_at or due_at_for(kind, created_at),
        at=now,
        stopped=status in HANDLED_STATUSES or status not in OPEN_STATUSES,
    )
