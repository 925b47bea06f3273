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


def test_it_pads_a_short_time_to_clean_and_keeps_one_that_is_not_plain(
    report_world: ReportWorld,
) -> None:
    rows = CampaignSnapshot.objects.filter(campaign=report_world.campaign)
    rows.filter(family="mirai").update(time_to_clean=[7, 8])
    rows.filter(family="", organisation=report_world.personas.isp_org).update(
        time_to_clean=[1, 2, 3, 4, 5, 6, 99]  # one more bucket than the columns
    )
    written = _rows(snapshot_csv(report_world.campaign))
    by_family = {(r["organisation_name"], r["family"]): r for r in written}
    assert [by_family["Song Hong Net", "mirai"][c] for c in TIME_TO_CLEAN_COLUMNS] == [
        "7", "8", "0", "0", "0", "0",
    ]  # fmt: skip
    assert [by_family["Song Hong Net", ""][c] for c in TIME_TO_CLEAN_COLUMNS] == [
        "1", "2", "3", "4", "5", "6",
    ]  # fmt: skip
    assert [by_family["Phuong Nam Net", ""][c] for c in TIME_TO_CLEAN_COLUMNS] == [
        "1", "2", "3", "4", "5", "4",
    ]  # fmt: skip


def test_it_quotes_a_name_with_a_comma_or_a_quote(report_world: ReportWorld) -> None:
    isp = report_world.personas.isp_org
    isp.name = 'Song Hong Net, "the big one"'
    isp.save(update_fields=["name"])
    data = snapshot_csv(report_world.campaign)
    rows = _rows(data)
    assert {r["organisation_name"] for r in rows} == {
        'Song Hong Net, "the big one"',
        "Phuong Nam Net",
    }
    assert b'"Song Hong Net, ""the big one"""' in data
    assert all(len(r) == len(CSV_COLUMNS) and None not in r for r in rows)
    assert {r["day"] for r in rows} == {day.isoformat() for day in DAYS}


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
