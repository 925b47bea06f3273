"""Campaign data as files to download or publish: the snapshot rows as CSV, and the names the
CSV and PDF reports are saved under."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.db.models import QuerySet

from cleannet.server.campaigns.models import Campaign, CampaignSnapshot
from cleannet.server.node.notice_counts import CLEAN_BUCKETS

__all__ = [
    "CSV_COLUMNS",
    "FIGURE_COLUMNS",
    "TIME_TO_CLEAN_COLUMNS",
    "report_filename",
    "snapshot_csv",
]

FIGURE_COLUMNS = (
    "addresses",
    "addresses_window",
    "events",
    "subscribers",
    "warned",
    "sent",
    "delivered",
    "acknowledged",
    "reinfected",
)


def _bucket_column(low: int, high: int | None) -> str:
    return f"time_to_clean_{low}d_plus" if high is None else f"time_to_clean_{low}_{high}d"


TIME_TO_CLEAN_COLUMNS = tuple(_bucket_column(low, high) for low, high in CLEAN_BUCKETS)
"""One column per bucket of ``CLEAN_BUCKETS``: time_to_clean_0_1d … time_to_clean_30d_plus."""
IDENTITY_COLUMNS = ("campaign", "day", "organisation_slug", "organisation_name", "family")
CSV_COLUMNS = (*IDENTITY_COLUMNS, *FIGURE_COLUMNS, *TIME_TO_CLEAN_COLUMNS)
REPORT_KINDS = ("csv", "pdf")


def _snapshots(
    campaign: Campaign,
    organisations: Iterable[int] | None,
    since: dt.date | None,
    until: dt.date | None,
) -> QuerySet[CampaignSnapshot]:
    rows = CampaignSnapshot.objects.filter(campaign=campaign)
    if organisations is not None:
        rows = rows.filter(organisation_id__in=list(organisations))
    if since is not None:
        rows = rows.filter(day__gte=since)
    if until is not None:
        rows = rows.filter(day__lte=until)
    return rows.order_by("day", "organisation__name", "organisation_id", "family")


def _buckets(stored: Sequence[int] | None) -> list[int]:
    """Return a snapshot's time-to-clean counts, zeros where it has none (older rows)."""
    counts = list(stored or [])
    return (counts + [0] * len(CLEAN_BUCKETS))[: len(CLEAN_BUCKETS)]


def snapshot_csv(
    campaign: Campaign,
    *,
    organisations: Iterable[int] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> bytes:
    """Return the campaign's daily snapshot rows as UTF-8 CSV with a header row
    (``CSV_COLUMNS``), ordered by day, organisation and family; an empty family means all the
    campaign's families together. ``organisations`` (ids) and the inclusive ``since``/``until``
    days restrict the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    fields = ("day", "organisation__slug", "organisation__name", "family", "time_to_clean")
    for row in _snapshots(campaign, organisations, since, until).values(*fields, *FIGURE_COLUMNS):
        writer.writerow(
            [campaign.slug, row["day"].isoformat(), row["organisation__slug"]]
            + [row["organisation__name"], row["family"]]
            + [row[name] for name in FIGURE_COLUMNS]
            + _buckets(row["time_to_clean"])
        )
    return out.getvalue().encode("utf-8")


def _is_whole_month(since: dt.date, until: dt.date) -> bool:
    last_day = calendar.monthrange(since.year, since.month)[1]
    return since.day == 1 and until == since.replace(day=last_day)


def report_filename(
    campaign: Campaign, kind: str, since: dt.date | None = None, until: dt.date | None = None
) -> str:
    """Return the file name of a ``kind`` ("csv" or "pdf") report: ``campaign-<slug>.pdf``,
    ``campaign-<slug>-2026-11.pdf`` for a whole month, ``campaign-<slug>-<since>-<until>.csv``
    otherwise (``from-``/``to-`` when one end is open). Raise ``ValueError`` for another kind."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"unknown report kind {kind!r}: expected one of {REPORT_KINDS}")
    stem = f"campaign-{campaign.slug}"
    if since is not None and until is not None:
        period = f"{since:%Y-%m}" if _is_whole_month(since, until) else f"{since}-{until}"
        stem += f"-{period}"
    elif since is not None:
        stem += f"-from-{since}"
    elif until is not None:
        stem += f"-to-{until}"
    return f"{stem}.{kind}"
