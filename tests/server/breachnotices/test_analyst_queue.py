"""The analysts' queue: open notices by due time, late ones highlighted, and the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.models import Status

pytestmark = pytest.mark.django_db


def _file(personas, notice_data, hours_ago: float, summary: str, **changes):
    member = personas.member.user
    data = notice_data(
        summary=summary, discovered_at=timezone.now() - dt.timedelta(hours=hours_ago), **changes
    )
    return services.save_and_file(member, member.organisation, data)


def test_it_lists_open_notices_by_due_time_with_late_ones_highlighted(
    client, personas, notice_data, draft
) -> None:
    _file(personas, notice_data, 5, "Recent phishing kit")
    _file(personas, notice_data, 100, "Old backup leak", late_reason="Found by an auditor.")
    _file(personas, notice_data, 30, "Stolen laptop")
    client.force_login(personas.analyst.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/breach-notices/queue/").content.decode()

    order = [page.index(s) for s in ("Old backup leak", "Stolen laptop", "Recent phishing kit")]
    assert order == sorted(order)
    assert page.count('class="overdue"') == 1
    assert "Filed 28 hours late" in page
    assert draft.summary not in page  # drafts stay with the organisation


def test_closed_notices_leave_the_queue(client, personas, filed) -> None:
    services.close_notice(personas.analyst.user, filed)
    client.force_login(personas.analyst.user)

    assert filed.reference not in client.get("/breach-notices/queue/").content.decode()
    assert filed.reference in client.get("/breach-notices/queue/?closed=1").content.decode()


def test_an_analyst_acknowledges_asks_and_closes_from_the_page(client, personas, filed) -> None:
    client.force_login(personas.analyst.user)
    base = f"/breach-notices/{filed.pk}"

    assert client.post(f"{base}/acknowledge/").status_code == 302
    filed.refresh_from_db()
    assert filed.status == Status.ACKNOWLEDGED

    client.post(f"{base}/follow-up/", {"message": "Which backups were exposed?"})
    filed.refresh_from_db()
    assert filed.status == Status.FOLLOW_UP

    client.post(f"{base}/close/", {"note": ""})
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED
    assert [m.kind for m in filed.messages.all()] == ["follow_up"]


def test_an_empty_follow_up_is_refused_on_the_page(client, personas, filed) -> None:
    client.force_login(personas.analyst.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/breach-notices/{filed.pk}/follow-up/", {"message": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.FILED


def test_a_second_acknowledgement_is_refused_not_an_error(client, personas, filed) -> None:
    services.acknowledge(personas.analyst.user, filed)
    client.force_login(personas.admin.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(f"/breach-notices/{filed.pk}/acknowledge/")

    assert response.status_code == 400
    assert "Not possible while the notice is Acknowledged." in response.content.decode()
    filed.refresh_from_db()
    assert filed.acknowledged_by == personas.analyst.user
