"""The back office: authority administrators edit notice templates, checked and previewed;
the outbox and tickets are shown read-only with addresses masked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.notices.admin import mask_recipient
from cleannet.server.notices.models import NoticeTemplate, OutboxMessage, WarningTicket
from cleannet.server.notices.templating import render_notice, sample_context

pytestmark = pytest.mark.django_db

ADD = "/admin/notices/noticetemplate/add/"


def _form(**changes) -> dict:
    return {
        "kind": "subscriber_warning", "channel": "sms", "stage": "first", "language": "vi",
        "family": "", "subject": "", "body": "Thiết bị nhiễm mã độc. Xem: {{ page_url }}",
        **changes,
    }  # fmt: skip


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas.admin.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English text
    return client


def test_it_saves_a_checked_template_and_audits_it(admin_client, personas) -> None:
    response = admin_client.post(ADD, _form())

    assert response.status_code == 302, response.content.decode()[:3000]
    template = NoticeTemplate.objects.get()
    assert template.updated_by == personas.admin.user
    assert AuditEntry.objects.filter(action="notice_template.add").exists()


@pytest.mark.parametrize(
    ("changes", "field", "shown"),
    [
        ({"body": "{% if x %}{{ page_url }}"}, "body", "does not compile"),
        ({"body": "{{ page_url|shout }}"}, "body", "shout"),
        ({"body": '{% include "notices/page.html" %} {{ page_url }}'}, "body", "include"),
        ({"body": "Thiết bị nhiễm mã độc."}, "body", "page_url"),
        ({"channel": "email", "subject": "", "body": "{{ ticket }} {{ page_url }}"},
         "subject", "subject"),
    ],
)  # fmt: skip
def test_it_refuses_a_bad_template_on_the_field_at_fault(
    admin_client, changes, field, shown
) -> None:
    response = admin_client.post(ADD, _form(**changes))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert shown in " ".join(errors[field])
    assert not NoticeTemplate.objects.exists()


def test_it_shows_the_rendered_sample_on_the_change_page(admin_client) -> None:
    template = NoticeTemplate.objects.create(
        kind="subscriber_warning", channel="email", stage="first", language="en",
        subject="[{{ ticket }}] Warning about {{ family }}",
        body="Ticket {{ ticket }} from {{ ip }}: {{ page_url }}",
    )  # fmt: skip

    page = admin_client.get(f"/admin/notices/noticetemplate/{template.pk}/change/")

    text = page.content.decode()
    assert "[W-2026-000123] Warning about Mirai" in text
    assert "Ticket W-2026-000123 from 203.0.113.45: https://" in text


def test_it_starts_a_new_template_from_the_shipped_text(admin_client) -> None:
    page = admin_client.get(ADD + "?kind=owner_report&channel=email&stage=first&language=en")
    assert "Dear abuse team of {{ organisation }}" in page.content.decode()


def test_it_lets_analysts_read_but_not_change_templates(client, personas) -> None:
    template = NoticeTemplate.objects.create(**_form(family=None))
    client.force_login(personas.analyst.user)
    url = f"/admin/notices/noticetemplate/{template.pk}/change/"

    assert client.get(url).status_code == 200
    assert client.post(url, _form(body="changed {{ page_url }}")).status_code == 403
    assert client.get(ADD).status_code == 403
    template.refresh_from_db()
    assert template.body.startswith("Thiết bị")


@pytest.mark.parametrize("persona", ["isp", "member"])
def test_it_keeps_other_roles_out(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona).user)
    assert client.get("/admin/notices/noticetemplate/").status_code == 302  # to the login page
    assert client.post(ADD, _form()).status_code == 302
    assert not NoticeTemplate.objects.exists()


def test_it_lists_the_outbox_with_recipients_masked(admin_client) -> None:
    OutboxMessage.objects.create(
        key="k" * 64, message_id="<k@x>", kind="subscriber_warning", channel="email",
        stage="first", language="vi", ticket_ref="W-2026-000001",
        recipient="nguyen.van.a@example.org", recipient_hash="ab12cd34ef56" + "0" * 52,
        body="…",
    )  # fmt: skip

    listing = admin_client.get("/admin/notices/outboxmessage/").content.decode()
    message = OutboxMessage.objects.get()
    detail = admin_client.get(f"/admin/notices/outboxmessage/{message.pk}/change/")

    assert "ab12cd34ef56" in listing
    assert "nguyen.van.a" not in listing
    assert "n***@example.org" in detail.content.decode()
    assert "nguyen.van.a" not in detail.content.decode()
    assert admin_client.get("/admin/notices/outboxmessage/add/").status_code == 403


def test_it_never_shows_a_tickets_page_token(admin_client) -> None:
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    ticket = WarningTicket.objects.create(
        number="W-2026-000009", subscriber="sub-9", family="Mirai", first_found=at,
        last_found=at, page_token="secret-token-0123456789abcdef",
    )  # fmt: skip

    for url in (
        "/admin/notices/warningticket/",
        f"/admin/notices/warningticket/{ticket.pk}/change/",
    ):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert "secret-token" not in page.content.decode()


@pytest.mark.parametrize("page", ["contactimport", "ownerreport", "suppressedrecipient"])
def test_it_shows_the_other_notice_records_read_only(admin_client, page) -> None:
    assert admin_client.get(f"/admin/notices/{page}/").status_code == 200
    assert admin_client.get(f"/admin/notices/{page}/add/").status_code == 403


def test_it_masks_addresses_enough_to_recognise_them() -> None:
    assert mask_recipient("email", "an@example.org") == "a***@example.org"
    assert mask_recipient("sms", "+84901234567") == "+849******67"
    assert mask_recipient("page", "W-2026-000001") == "W-2026-000001"
    assert mask_recipient("email", "") == "—"


def test_it_sends_the_text_saved_in_the_admin_from_the_next_notice(admin_client) -> None:
    template = NoticeTemplate.objects.create(**_form(family=None))
    context = sample_context("subscriber_warning", "vi")
    assert render_notice("subscriber_warning", "sms", "first", "vi", "", context).body.startswith(
        "Thiết bị"
    )

    url = f"/admin/notices/noticetemplate/{template.pk}/change/"
    response = admin_client.post(url, _form(body="Đã sửa. {{ page_url }}"))

    assert response.status_code == 302
    rendered = render_notice("subscriber_warning", "sms", "first", "vi", "", context)
    assert rendered.body.startswith("Đã sửa.")
