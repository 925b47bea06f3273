"""The organisation's pages: list, form (draft or file) and detail with the 72-hour clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.models import BreachNotice, Status

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def _english(client: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _form(data: dict[str, Any], action: str) -> dict[str, Any]:
    """The POST a browser sends for ``data``: local times, repeated checkbox values."""
    post = {name: value for name, value in data.items() if not isinstance(value, bool)}
    post.update({name: "on" for name, value in data.items() if value is True})
    for name in ("occurred_at", "discovered_at"):
        post[name] = timezone.localtime(data[name]).strftime(LOCAL)
    return post | {"action": action}


def test_it_files_a_notice_from_the_form(client, personas, notice_data) -> None:
    client.force_login(personas.member.user)
    response = client.post("/breach-notices/new/", _form(notice_data(), "file"))

    notice = BreachNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/breach-notices/{notice.pk}/"
    assert notice.status == Status.FILED
    assert notice.data_types == ["identity", "contact"]
    assert notice.contact_phone == "+84912345678"


def test_it_reads_the_times_typed_as_local_time(client, personas, notice_data) -> None:
    client.force_login(personas.member.user)
    post = _form(notice_data(), "save") | {"discovered_at": "2026-03-02T08:30", "occurred_at": ""}
    client.post("/breach-notices/new/", post)

    notice = BreachNotice.objects.get()
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert notice.discovered_at == dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
    assert notice.status == Status.DRAFT


def test_the_form_refuses_to_file_late_without_a_reason(client, personas, notice_data) -> None:
    client.force_login(personas.member.user)
    _english(client)
    late = notice_data(discovered_at=timezone.now() - dt.timedelta(hours=90))
    response = client.post("/breach-notices/new/", _form(late, "file"))

    assert response.status_code == 200
    assert "give the reason for the delay" in response.content.decode()
    assert BreachNotice.objects.count() == 0


def test_a_late_draft_may_be_saved_without_the_reason_yet(client, personas, notice_data) -> None:
    client.force_login(personas.member.user)
    late = notice_data(discovered_at=timezone.now() - dt.timedelta(hours=90))
    client.post("/breach-notices/new/", _form(late, "save"))

    assert BreachNotice.objects.get().status == Status.DRAFT


def test_the_form_names_each_refused_field(client, personas, notice_data) -> None:
    client.force_login(personas.member.user)
    _english(client)
    bad = _form(notice_data(contact_phone="0999 999"), "save")
    del bad["data_types"]
    page = client.post("/breach-notices/new/", bad).content.decode()

    assert "Not a valid Vietnamese phone number" in page
    assert "This field is required." in page
    assert BreachNotice.objects.count() == 0


def test_it_shows_the_time_left_on_the_detail_page(client, draft, personas) -> None:
    client.force_login(personas.member.user)
    _english(client)
    page = client.get(f"/breach-notices/{draft.pk}/").content.decode()

    assert draft.reference in page
    assert "61 hours left" in page or "62 hours left" in page
    assert '<progress max="100" value="14"' in page
    assert "Complete and file" in page


def test_it_shows_the_hours_late_in_the_list(client, personas, notice_data) -> None:
    member = personas.member.user
    services.save_draft(
        member,
        member.organisation,
        notice_data(discovered_at=timezone.now() - dt.timedelta(hours=75, minutes=30)),
    )
    client.force_login(member)
    _english(client)
    page = client.get("/breach-notices/").content.decode()

    assert "4 hours late" in page
    assert 'class="overdue"' in page


def test_the_pages_are_in_vietnamese_by_default(client, draft, personas) -> None:
    client.force_login(personas.member.user)
    page = client.get(f"/breach-notices/{draft.pk}/").content.decode()

    assert "Đồng hồ 72 giờ" in page
    assert "Thông báo vi phạm" in page


def test_it_edits_a_draft_then_files_it(client, draft, personas, notice_data) -> None:
    client.force_login(personas.member.user)
    form = client.get(f"/breach-notices/{draft.pk}/edit/").content.decode()
    assert 'value="Customer database copied from a test server"' in form

    changed = _form(notice_data(people_affected=96_500), "file")
    client.post(f"/breach-notices/{draft.pk}/edit/", changed)

    draft.refresh_from_db()
    assert (draft.status, draft.people_affected) == (Status.FILED, 96_500)


def test_a_filed_notice_is_not_editable_but_answerable(client, filed, personas) -> None:
    client.force_login(personas.member.user)
    response = client.get(f"/breach-notices/{filed.pk}/edit/")
    assert response.status_code == 302

    services.request_follow_up(personas.analyst.user, filed, "Send the list of affected systems.")
    detail = client.get(f"/breach-notices/{filed.pk}/").content.decode()
    assert "Send the list of affected systems." in detail
    client.post(f"/breach-notices/{filed.pk}/answer/", {"message": "Only the test server."})

    filed.refresh_from_db()
    assert filed.status == Status.ACKNOWLEDGED
    assert filed.messages.last().text == "Only the test server."
