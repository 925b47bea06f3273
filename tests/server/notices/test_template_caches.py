"""Rendering remembers templates and family pages, yet shows what the back office saved:
at once in this process, within a second (templates) or a minute (families) elsewhere."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from cleannet.server.encyclopedia.models import FamilyProfile
from cleannet.server.intel import services as intel
from cleannet.server.intel.models import MalwareAlias
from cleannet.server.notices.models import NoticeTemplate
from cleannet.server.notices.template_context import FAMILY_TTL_SECONDS, family_details
from cleannet.server.notices.template_engine import date, tidy_body
from cleannet.server.notices.templating import VERSION_CHECK_SECONDS, render_notice, sample_context

pytestmark = pytest.mark.django_db

COMBINATION = {"kind": "subscriber_warning", "channel": "sms", "stage": "first", "language": "vi"}


class Clock:
    """``time.monotonic`` under the test's control: another process's change is seen when
    the clock passes the check interval, not after a real wait."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(time, "monotonic", fake)
    return fake


def _sms(family: str = "mirai") -> str:
    context = sample_context("subscriber_warning", "vi")
    return render_notice(*COMBINATION.values(), family, context).body


def test_it_sees_a_template_saved_in_this_process_at_once(clock) -> None:
    shipped = _sms()
    row = NoticeTemplate.objects.create(**COMBINATION, body="one {{ page_url }}")
    assert _sms().startswith("one ")

    row.body = "two {{ page_url }}"
    row.save()
    assert _sms().startswith("two ")

    row.delete()
    assert _sms() == shipped


def test_it_sees_a_template_changed_by_another_process_within_the_check_interval(clock) -> None:
    row = NoticeTemplate.objects.create(**COMBINATION, body="old {{ page_url }}")
    assert _sms().startswith("old ")
    # Another process saves (no signal here), stamping the time as the back office does.
    later = timezone.now() + dt.timedelta(seconds=1)
    NoticeTemplate.objects.filter(pk=row.pk).update(body="new {{ page_url }}", updated_at=later)

    clock.now += VERSION_CHECK_SECONDS / 2
    assert _sms().startswith("old ")
    clock.now += VERSION_CHECK_SECONDS
    assert _sms().startswith("new ")


def test_it_sees_a_template_added_or_removed_by_another_process(clock) -> None:
    shipped = _sms()
    NoticeTemplate.objects.bulk_create([NoticeTemplate(**COMBINATION, body="added {{ page_url }}")])
    clock.now += VERSION_CHECK_SECONDS
    assert _sms().startswith("added ")

    NoticeTemplate.objects.all()._raw_delete(NoticeTemplate.objects.db)
    clock.now += VERSION_CHECK_SECONDS
    assert _sms() == shipped


def test_it_finds_a_familys_template_by_an_alias_added_elsewhere_within_the_ttl(clock) -> None:
    gafgyt = intel.add_family(None, "Gafgyt", "botnet", [])
    NoticeTemplate.objects.create(**COMBINATION, family=gafgyt, body="gafgyt {{ page_url }}")
    assert not _sms("bashlite").startswith("gafgyt ")
    MalwareAlias.objects.bulk_create([MalwareAlias(family=gafgyt, alias="bashlite")])

    clock.now += VERSION_CHECK_SECONDS
    assert not _sms("bashlite").startswith("gafgyt ")  # the templates did not change
    clock.now += FAMILY_TTL_SECONDS
    assert _sms("bashlite").startswith("gafgyt ")


def test_it_finds_an_alias_added_in_this_process_at_once(clock) -> None:
    assert family_details("okiru", "en")[0] == "okiru"
    intel.add_family(None, "Mirai", "botnet", ["Okiru"])
    assert family_details("okiru", "en")[0] == "Mirai"


def test_it_shows_an_encyclopedia_edit_from_elsewhere_within_the_ttl(clock) -> None:
    name, _url, steps = family_details("mozi", "en")
    assert name == "Mozi" and steps
    FamilyProfile.objects.filter(slug="mozi").update(removal_en="Unplug it.")

    assert family_details("mozi", "en")[2] == steps
    clock.now += FAMILY_TTL_SECONDS
    assert family_details("mozi", "en")[2] == ["Unplug it."]


def test_it_forgets_everything_when_the_cache_is_cleared(clock) -> None:
    family_details("mozi", "en")
    FamilyProfile.objects.filter(slug="mozi").update(removal_en="Unplug it.")
    cache.clear()
    assert family_details("mozi", "en")[2] == ["Unplug it."]


def test_it_hands_out_a_list_the_caller_may_change(clock) -> None:
    family_details("mozi", "en")[2].clear()
    assert family_details("mozi", "en")[2]


def test_it_formats_a_remembered_date_in_the_zone_and_language_asked_for() -> None:
    utc = dt.datetime(2026, 3, 3, 21, 40, tzinfo=dt.UTC)
    hanoi = utc.astimezone(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    assert (date(utc, "H:i j"), date(hanoi, "H:i j")) == ("21:40 3", "04:40 4")
    with translation.override("en"):
        english = date(utc, "F")
    with translation.override("vi"):
        vietnamese = date(utc, "F")
    assert english == "March"
    assert vietnamese != english
    assert date("", "F") == ""


@pytest.mark.parametrize(
    ("text", "tidy"),
    [
        ("a  \nb\t\n\n\n\nc \r\n", "a\nb\n\nc"),
        ("\n\n a \n \n \n b", "a\n\n b"),  # a line's leading spaces stay
        ("one\n\ntwo", "one\n\ntwo"),
    ],
)
def test_it_tidies_a_body_as_before(text, tidy) -> None:
    assert tidy_body(text) == tidy
