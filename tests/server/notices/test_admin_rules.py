"""The back office: authority staff create and change owner-report rules through the
service (checked on the field at fault, audited once); other roles may not."""

from __future__ import annotations

import pytest
from django.conf import settings

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.notices.models import ReportRule

pytestmark = pytest.mark.django_db

ADD = "/admin/notices/reportrule/add/"


def _form(personas, **changes) -> dict:
    return {
        "organisation": personas.isp_org.pk, "contact": "", "format": "csv",
        "interval": "daily", "enabled": "on", "recipients": "abuse@songhong.example",
        "classifications": "infected-system, c2-server", **changes,
    }  # fmt: skip


def _login(client, persona):
    client.force_login(persona.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_it_creates_a_rule_through_the_service_and_audits_it_once(client, personas) -> None:
    response = _login(client, personas.analyst).post(ADD, _form(personas))

    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ReportRule.objects.get()
    assert rule.classifications == ["c2-server", "infected-system"]
    assert (rule.organisation, rule.recipients) == (personas.isp_org, "abuse@songhong.example")
    assert AuditEntry.objects.filter(action__startswith="notices.report_rule").count() == 1


def test_it_shows_the_bad_line_of_the_recipients_on_its_field(client, personas) -> None:
    bad = _form(personas, recipients="abuse@songhong.example\nnot-an-address")

    response = _login(client, personas.admin).post(ADD, bad)

    assert response.status_code == 200
    assert "Line 2" in str(response.context["adminform"].form.errors["recipients"])
    assert not ReportRule.objects.exists()


def test_it_refuses_an_unknown_classification_type(client, personas) -> None:
    response = _login(client, personas.admin).post(ADD, _form(personas, classifications="x"))

    assert "classifications" in response.context["adminform"].form.errors


def test_it_changes_a_rule_and_keeps_its_watermark(client, personas) -> None:
    _login(client, personas.admin).post(ADD, _form(personas))
    rule = ReportRule.objects.get()
    ReportRule.objects.filter(pk=rule.pk).update(last_event_id=42)

    response = client.post(
        f"/admin/notices/reportrule/{rule.pk}/change/", _form(personas, interval="hourly")
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.interval, rule.last_event_id) == ("hourly", 42)


@pytest.mark.parametrize("who", ["isp", "member"])
def test_it_refuses_other_roles(client, personas, who) -> None:
    response = _login(client, getattr(personas, who)).post(ADD, _form(personas))

    assert response.status_code in (302, 403)
    assert not ReportRule.objects.exists()
