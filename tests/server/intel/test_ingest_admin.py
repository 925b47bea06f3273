"""The back office shows a run's rejected rows and an event's evidence, read-only."""

from pathlib import Path

import pytest
from django.conf import settings

from cleannet.server.intel.ingest import ingest_sources, options_for_feed, sources_from_paths
from cleannet.server.intel.models import Event, FeedRun
from cleannet.server.networks.index import forget_prefix_indexes

pytestmark = pytest.mark.django_db

SINKHOLE = Path(__file__).parent / "fixtures" / "2026-03-04-event4_sinkhole-songhong-asn.csv"


@pytest.fixture
def run(networks) -> FeedRun:
    forget_prefix_indexes()
    sources = sources_from_paths([SINKHOLE])
    return ingest_sources(None, sources, "shadowserver", options_for_feed(None))


def test_it_shows_the_rejected_rows_on_the_run_page(client, personas, run) -> None:
    client.force_login(personas.analyst.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English text
    page = client.get(f"/admin/intel/feedrun/{run.pk}/change/").content.decode()
    assert "looks like a spreadsheet formula" in page
    assert f"/admin/intel/rejectedrow/?run__id__exact={run.pk}" in page
    assert "All 5 kept" in page


def test_it_lists_the_rejected_rows_of_one_run_with_row_and_reason(client, personas, run) -> None:
    client.force_login(personas.analyst.user)
    response = client.get("/admin/intel/rejectedrow/", {"run__id__exact": run.pk})
    assert response.status_code == 200
    assert "is not an IPv4 or IPv6 address" in response.content.decode()


def test_it_shows_the_raw_line_an_event_was_first_seen_in(client, personas, run) -> None:
    event = Event.objects.get(source_ip="203.0.113.9")
    client.force_login(personas.analyst.user)
    page = client.get(f"/admin/intel/event/{event.pk}/change/").content.decode()
    assert "Hikvision" in page
    assert client.get(f"/admin/intel/evidence/{event.evidence_id}/change/").status_code == 200


@pytest.mark.parametrize("page", ["rejectedrow", "evidence"])
def test_it_keeps_rejected_rows_and_evidence_read_only_even_for_admins(
    client, personas, page
) -> None:
    client.force_login(personas.admin.user)
    assert client.get(f"/admin/intel/{page}/").status_code == 200
    assert client.get(f"/admin/intel/{page}/add/").status_code == 403


def test_it_keeps_isp_operators_out_of_the_rejected_rows(client, personas, run) -> None:
    client.force_login(personas.isp.user)
    assert client.get("/admin/intel/rejectedrow/").status_code == 302
