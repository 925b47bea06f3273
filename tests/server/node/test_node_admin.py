"""The back office shows the node's runs and findings and the hub's daily counts, read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.node.models import NodeDailyCount, NodeFinding, NodeRun

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


@pytest.fixture
def records(personas) -> NodeRun:
    run = NodeRun.objects.create(
        status=NodeRun.Status.SUCCEEDED, finished_at=timezone.now(), records=12, findings=1
    )
    NodeFinding.objects.create(
        subscriber="sub-001", ip="10.0.0.5", indicator_kind="domain",
        indicator="evil.example", family="mirai", first_seen=T, last_seen=T, count=2,
        evidence="dns.log:11", run=run,
    )  # fmt: skip
    NodeDailyCount.objects.create(
        organisation=personas.isp_org, day=T.date(), family="mirai",
        indicator_kind="domain", subscribers=1, records=2,
    )  # fmt: skip
    return run


@pytest.mark.parametrize(
    ("page", "shown"),
    [("noderun", "Succeeded"), ("nodefinding", "sub-001"), ("nodedailycount", "Song Hong Net")],
)
def test_it_lists_node_records_to_authority_staff(client, personas, records, page, shown) -> None:
    client.force_login(personas.analyst.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English text

    response = client.get(f"/admin/node/{page}/")

    assert response.status_code == 200
    assert shown in response.content.decode()


@pytest.mark.parametrize("page", ["noderun", "nodefinding", "nodedailycount"])
def test_it_keeps_node_records_read_only_even_for_admins(client, personas, records, page) -> None:
    client.force_login(personas.admin.user)

    assert client.get(f"/admin/node/{page}/add/").status_code == 403
    listing = client.get(f"/admin/node/{page}/").content.decode()
    assert f"/admin/node/{page}/add/" not in listing


def test_it_keeps_isp_operators_out_of_the_back_office(client, personas, records) -> None:
    client.force_login(personas.isp.user)
    assert client.get("/admin/node/nodefinding/").status_code == 302  # to the login page
