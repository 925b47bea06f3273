import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.encyclopedia import services
from cleannet.server.encyclopedia.models import Advisory
from cleannet.server.intel.services import resolve_family

pytestmark = pytest.mark.django_db


def publish(actor=None, **changes):
    values = {
        "title_vi": "Cảnh báo thử", "title_en": "Test warning",
        "summary_vi": "Tóm tắt", "summary_en": "Summary", "severity": "high",
    }  # fmt: skip
    values.update(changes)
    return services.publish_advisory(actor, **values)


def test_it_publishes_an_advisory_with_its_audit_entry(personas) -> None:
    advisory = publish(personas.analyst.user, families=[resolve_family("Mirai")])
    entry = AuditEntry.objects.get(action="advisory.publish")
    assert entry.actor == personas.analyst.user
    assert entry.after["families"] == [resolve_family("Mirai").pk]
    assert advisory.author == personas.analyst.user


def test_it_refuses_an_advisory_without_an_english_title() -> None:
    with pytest.raises(ValidationError) as refused:
        publish(title_en="  ")
    assert "title_en" in refused.value.message_dict
    assert not Advisory.objects.exists()


def test_it_refuses_an_unknown_severity() -> None:
    with pytest.raises(ValidationError) as refused:
        publish(severity="apocalyptic")
    assert "severity" in refused.value.message_dict


def test_it_audits_a_change_with_before_and_after(personas) -> None:
    advisory = publish()
    services.update_advisory(personas.admin.user, advisory, {"severity": "low"})
    entry = AuditEntry.objects.get(action="advisory.edit")
    assert (entry.before["severity"], entry.after["severity"]) == ("high", "low")


def test_it_puts_the_most_severe_current_warning_first() -> None:
    now = timezone.now()
    publish(title_en="Old", severity="severe", published_at=now - dt.timedelta(days=200))
    publish(title_en="Medium", severity="medium", published_at=now - dt.timedelta(hours=1))
    publish(title_en="Severe", severity="severe", published_at=now - dt.timedelta(days=3))
    publish(title_en="Later", severity="severe", published_at=now + dt.timedelta(days=1))
    titles = [a.title_en for a in services.current_warnings()]
    assert titles == ["Severe", "Medium"]


def test_it_lets_authority_staff_publish_in_the_back_office(client, personas) -> None:
    client.force_login(personas.analyst.user)
    response = client.post(
        "/admin/encyclopedia/advisory/add/",
        {
            "title_vi": "Cảnh báo", "title_en": "Warning", "summary_vi": "Tóm tắt",
            "summary_en": "Summary", "body_vi": "", "body_en": "", "severity": "severe",
            "published_at_0": "2026-03-01", "published_at_1": "08:00:00", "link": "",
            "families": [resolve_family("Emotet").pk],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    advisory = Advisory.objects.get(title_en="Warning")
    assert advisory.author == personas.analyst.user
    assert list(advisory.families.values_list("name", flat=True)) == ["Emotet"]
    assert AuditEntry.objects.filter(action="advisory.publish").count() == 1


@pytest.mark.parametrize("persona", ["isp", "member"])
def test_it_keeps_other_roles_from_publishing(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona).user)
    response = client.get("/admin/encyclopedia/advisory/add/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
