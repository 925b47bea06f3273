"""The hub takes each node's time to clean with its notice figures: six bucket counts per day and
family, zeros when an older node sends none, refused naming ``time_to_clean`` when malformed."""

from __future__ import annotations

import pytest

from cleannet.server.node.models import NodeNoticeCount

pytestmark = pytest.mark.django_db

COUNTS = "/api/v1/node/notice-counts"
WINDOW = {"since": "2026-03-01", "until": "2026-03-01"}
ROW = {"day": "2026-03-01", "family": "mirai", "acknowledged": 4}
ZEROS = [0, 0, 0, 0, 0, 0]


def _send(api_client, personas, **row):
    return api_client(personas.isp.token).post(COUNTS, {**WINDOW, "rows": [{**ROW, **row}]})


def test_it_stores_the_time_to_clean_a_node_sends(api_client, personas) -> None:
    response = _send(api_client, personas, time_to_clean=[1, 2, 0, 0, 0, 1])

    assert response.status_code == 200, response.content
    assert NodeNoticeCount.objects.get().time_to_clean == [1, 2, 0, 0, 0, 1]


@pytest.mark.parametrize("row", [{}, {"time_to_clean": []}], ids=["older node", "empty"])
def test_it_stores_zeros_when_a_node_sends_no_time_to_clean(api_client, personas, row) -> None:
    assert _send(api_client, personas, **row).status_code == 200

    stored = NodeNoticeCount.objects.get()
    assert (stored.acknowledged, stored.time_to_clean) == (4, ZEROS)


@pytest.mark.parametrize(
    "buckets", [[1, 2, 3], [0, 0, 0, 0, 0, 0, 0], [1, -1, 0, 0, 0, 0]], ids=["short", "long", "neg"]
)
def test_it_refuses_a_malformed_time_to_clean_naming_it(api_client, personas, buckets) -> None:
    response = _send(api_client, personas, time_to_clean=buckets)

    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == "time_to_clean"
    assert not NodeNoticeCount.objects.exists()


def test_it_lists_six_counts_even_for_rows_stored_before_them(api_client, personas) -> None:
    _send(api_client, personas, time_to_clean=[0, 0, 1, 0, 0, 0])
    NodeNoticeCount.objects.create(
        organisation=personas.isp_org, day="2026-02-28", family="gafgyt", acknowledged=2
    )  # a row from before time to clean was counted: stored as []

    response = api_client(personas.analyst.token).get(COUNTS)

    assert response.status_code == 200, response.content
    listed = {row["family"]: row["time_to_clean"] for row in response.json()}
    assert listed == {"mirai": [0, 0, 1, 0, 0, 0], "gafgyt": ZEROS}
