"""Two workers running the rules at once (PostgreSQL: row locks and the unique number)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from cleannet.server.notices.models import OwnerReport, OwnerReportEvent
from cleannet.server.notices.owner_report_rules import save_rule
from cleannet.server.notices.owner_reports import run_report_rules

from .owner_report_world import NOW, report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_reports_each_event_once_with_distinct_numbers(report_world) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    for organisation in (report_world.personas.isp_org, report_world.personas.other_isp_org):
        save_rule(None, organisation, interval="immediate")
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            for _ in range(3):
                run_report_rules(NOW)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(OwnerReport.objects.values_list("number", flat=True))
    assert numbers == ["R-2026-000001", "R-2026-000002"]
    linked = list(OwnerReportEvent.objects.values_list("event_id", flat=True))
    assert len(linked) == len(set(linked)) == 4
