"""The public statistics: infected addresses per day by family and by ISP, and reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cleannet.server.selfcheck import series
from cleannet.server.selfcheck.series import OTHER, compute_statistics

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def test_it_counts_distinct_addresses_per_day_for_the_top_five_families_and_the_rest(
    record,
) -> None:
    for index, family in enumerate(["A", "B", "C", "D", "E", "F", "G"]):
        for host in range(7 - index):  # A has 7 addresses, G has 1
            record(f"192.0.2.{10 * index + host}", days_ago=1, family=family)
    record("192.0.2.0", days_ago=1, family="A", port=9)  # the same address again: once
    record("192.0.2.200", days_ago=1)  # no family known: in the rest
    figures = compute_statistics(90)
    by_family = figures.by_family
    assert by_family.names == ("A", "B", "C", "D", "E", OTHER)
    yesterday = by_family.days.index(_today() - dt.timedelta(days=1))
    assert [row[yesterday] for row in by_family.values] == [7, 6, 5, 4, 3, 2 + 1 + 1]
    assert len(by_family.days) == 90 and by_family.days[-1] == _today()


def test_it_counts_only_networks_of_isps_by_their_name(record, networks, personas) -> None:
    from cleannet.server.networks import services as network_services

    network_services.add_prefix(None, "192.0.2.0/24", personas.bank, dt.date(2020, 1, 1))
    record("203.0.113.5", days_ago=2, family="Mozi")
    record("203.0.113.6", days_ago=2, family="Mozi")
    record("198.51.100.7", days_ago=2, family="Mozi")
    record("192.0.2.9", days_ago=2, family="Mozi")  # a bank's network: not an ISP
    by_isp = compute_statistics(90).by_isp
    assert set(by_isp.names) == {"Song Hong Net", "Phuong Nam Net"}
    day = by_isp.days.index(_today() - dt.timedelta(days=2))
    counts = {name: by_isp.values[i][day] for i, name in enumerate(by_isp.names)}
    assert counts == {"Song Hong Net": 2, "Phuong Nam Net": 1}


def test_it_leaves_out_events_older_than_the_window(record) -> None:
    record("192.0.2.1", days_ago=95, family="Mozi")
    assert compute_statistics(90).by_family.empty


def test_it_draws_each_chart_with_its_data_table_and_no_address(client, record) -> None:
    record("192.0.2.77", days_ago=1, family="Mozi")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/statistics/").content.decode()
    assert page.count('<svg class="chart"') == 3
    assert page.count("<table>") == 3
    assert "Infected addresses per day by malware family" in page
    assert "Mozi" in page
    assert "192.0.2.77" not in page


def test_it_shows_the_reports_received_and_handled(client, monkeypatch) -> None:
    yesterday = _today() - dt.timedelta(days=1)
    monkeypatch.setattr(series, "_report_counts", lambda days: [(yesterday, 12, 7)])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/statistics/").content.decode()
    assert "Reports received" in page and "Reports handled" in page
    assert "<td>12</td><td>7</td>" in page


def test_it_does_not_break_when_the_report_channel_has_nothing(client, monkeypatch) -> None:
    monkeypatch.setattr(series, "_report_counts", lambda days: [])
    response = client.get("/statistics/")
    assert response.status_code == 200
    assert response.content.decode().count('<svg class="chart"') == 3


def test_it_reads_the_report_channel_counts(client) -> None:
    reports = compute_statistics(90).reports
    assert reports.names == ("received", "handled")
    assert len(reports.values[0]) == 90


def test_it_keeps_the_computed_series_for_a_few_minutes(client, record) -> None:
    client.get("/statistics/")
    record("192.0.2.77", days_ago=1, family="Mozi")
    assert "Mozi" not in client.get("/statistics/").content.decode()
    assert series.statistics(90) is not None
