"""Campaign CSV export and report file names."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from cleannet.server.campaigns.exports import (
    CSV_COLUMNS,
    TIME_TO_CLEAN_COLUMNS,
    report_filename,
    snapshot_csv,
)
from cleannet.server.campaigns.models import Campaign, CampaignSnapshot

from .report_world import DAYS, ReportWorld, report_world_fixture  # noqa: F401

D = dt.date


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_it_writes_a_header_with_every_figure_and_bucket(report_world: ReportWorld) -> None:
    data = snapshot_csv(report_world.campaign)
    header = data.decode("utf-8").splitlines()[0].split(",")
    assert header[:5] == ["campaign", "day", "organisation_slug", "organisation_name", "family"]
    assert "acknowledged" in header and "reinfected" in header and "addresses_window" in header
    assert header[-6:] == list(TIME_TO_CLEAN_COLUMNS)
    assert TIME_TO_CLEAN_COLUMNS[0] == "time_to_clean_0_1d"
    assert TIME_TO_CLEAN_COLUMNS[-1] == "time_to_clean_30d_plus"
    assert tuple(header) == CSV_COLUMNS
    assert not data.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no byte-order mark


def test_it_writes_one_row_per_snapshot_in_order(report_world: ReportWorld) -> None:
    rows = _rows(snapshot_csv(report_world.campaign))
    assert len(rows) == 3 * len(DAYS)
    keys = [(r["day"], r["organisation_name"], r["family"]) for r in rows]
    assert keys == sorted(keys)
    first = rows[0]
    assert (first["campaign"], first["day"]) == ("mirai-2026", "2026-11-20")
    assert (first["organisation_slug"], first["organisation_name"]) == (
        "phuong-nam-net",
        "Phuong Nam Net",
    )
    assert first["family"] == ""  # all the campaign's families together
    assert (first["addresses_window"], first["events"], first["sent"]) == ("480", "1440", "96")
    assert [first[c] for c in TIME_TO_CLEAN_COLUMNS] == ["1", "2", "3", "4", "5", "4"]
    assert {r["family"] for r in rows} == {"", "mirai"}


def test_it_keeps_only_the_given_organisations_and_days(report_world: ReportWorld) -> None:
    own = [report_world.personas.isp_org.id]
    rows = _rows(
        snapshot_csv(
            report_world.campaign,
            organisations=own,
            since=dt.date(2026, 11, 21),
            until=dt.date(2026, 11, 30),
        )
    )
    assert {r["organisation_name"] for r in rows} == {"Song Hong Net"}
    assert {r["day"] for r in rows} == {"2026-11-21", "2026-11-30"}
    assert len(rows) == 4


def test_it_writes_zeros_for_a_row_without_time_to_clean(report_world: ReportWorld) -> None:
    CampaignSnapshot.objects.filter(campaign=report_world.campaign).update(time_to_clean=[])
    rows = _rows(snapshot_csv(report_world.campaign))
    assert {r[c] for r in rows for c in TIME_TO_CLEAN_COLUMNS} == {"0"}


def test_it_writes_only_the_header_for_a_campaign_without_snapshots(
    report_world: ReportWorld,
) -> None:
    report_world.campaign.snapshots.all().delete()
    assert snapshot_csv(report_world.campaign).decode("utf-8").splitlines() == [
        ",".join(CSV_COLUMNS)
    ]


@pytest.mark.parametrize(
    ("kind", "since", "until", "name"),
    [
        ("pdf", None, None, "campaign-m.pdf"),
        ("pdf", dt.date(2026, 11, 1), dt.date(2026, 11, 30), "campaign-m-2026-11.pdf"),
        ("csv", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "campaign-m-2026-02.csv"),
        ("csv", D(2026, 11, 2), D(2026, 11, 30), "campaign-m-2026-11-02-2026-11-30.csv"),
        ("csv", D(2026, 11, 1), D(2026, 12, 31), "campaign-m-2026-11-01-2026-12-31.csv"),
        ("pdf", dt.date(2026, 11, 2), None, "campaign-m-from-2026-11-02.pdf"),
        ("pdf", None, dt.date(2026, 11, 30), "campaign-m-to-2026-11-30.pdf"),
    ],
)  # fmt: skip
def test_it_names_report_files(
    kind: str, since: dt.date | None, until: dt.date | None, name: str
) -> None:
    campaign = Campaign(slug="m")
    assert report_filename(campaign, kind, since, until) == name


def test_it_refuses_an_unknown_report_kind() -> None:
    with pytest.raises(ValueError, match="xlsx"):
        report_filename(Campaign(slug="x"), "xlsx")
