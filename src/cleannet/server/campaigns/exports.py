"""Campaign data as files to download or publish: the snapshot rows as CSV, and the names the
CSV and PDF reports are saved under."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func, QuerySet, TextField
from django.db.models.functions import Cast
from django.db.models.sql.compiler import SQLCompiler

from cleannet.server.accounts.models import Organisation
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


class IsoDay(Func):
    """A date column as ISO 8601 text (``YYYY-MM-DD``) whatever the database's DateStyle."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
    output_field = CharField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        # SQLite stores a date as this very text; the cast only stops the driver parsing it.
        sql, params = super().as_sql(
            compiler, connection, template="CAST(%(expressions)s AS text)", **extra_context
        )
        return sql, list(params)


class CsvIntegers(Func):
    """Integer columns (never null) as one CSV text, ``169281,281295,…``, joined by the
    database (SQLite and PostgreSQL both turn a number into text around ``||``)."""

    template = "%(expressions)s"
    arg_joiner = " || ',' || "
    output_field = CharField()


_PLAIN_BUCKETS = re.compile(rf"\[[0-9]+(?:, ?[0-9]+){{{len(CLEAN_BUCKETS) - 1}}}\]")
"""A snapshot's time-to-clean counts as both databases print the JSON the node wrote."""


def _csv_line(fields: Sequence[Any]) -> str:
    """Return ``fields`` as one CSV line (quoted as ``csv.writer`` quotes), without its end."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def _buckets_csv(stored: str | None) -> str:
    """Return a snapshot's time-to-clean counts (its JSON text) as CSV, one per bucket of
    ``CLEAN_BUCKETS``, zeros where it has none (older rows)."""
    if stored is not None and _PLAIN_BUCKETS.fullmatch(stored):
        return stored[1:-1].replace(" ", "")
    width = len(CLEAN_BUCKETS)
    counts = list(json.loads(stored or "null") or [])
    return _csv_line((counts + [0] * width)[:width])


def _csv_rows(snapshots: QuerySet[CampaignSnapshot]) -> list[tuple[str, int, str, str, str]]:
    """Return (day, organisation id, family, figures as CSV, time-to-clean JSON) per snapshot:
    text the database formats, not a date, number or parsed JSON per cell (a quarter of a
    national campaign is about 19,000 rows of 20 cells)."""
    annotated = snapshots.annotate(
        iso_day=IsoDay("day"),
        figures=CsvIntegers(*FIGURE_COLUMNS),
        buckets_json=Cast("time_to_clean", TextField()),
    )
    fields = ("iso_day", "organisation_id", "family", "figures", "buckets_json")
    return list(annotated.values_list(*fields))


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
    rows = _csv_rows(_snapshots(campaign, organisations, since, until))
    names = Organisation.objects.filter(pk__in={row[1] for row in rows})
    slug_and_name = {pk: (slug, name) for pk, slug, name in names.values_list("pk", "slug", "name")}

    # The text cells repeat (90 days, a few ISPs and families): each is quoted once.
    @functools.cache
    def day_cells(day: str) -> str:
        return _csv_line((campaign.slug, day))

    @functools.cache
    def organisation_cells(organisation: int, family: str) -> str:
        return _csv_line((*slug_and_name[organisation], family))

    lines = [_csv_line(CSV_COLUMNS)]
    lines += [
        f"{day_cells(day)},{organisation_cells(org, family)},{figures},{_buckets_csv(stored)}"
        for day, org, family, figures, stored in rows
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


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
