"""The values notices are rendered with, from a warning ticket or an owner report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from cleannet.server.intel import services as intel
from cleannet.server.notices.models import OwnerReport, SubscriberContact, WarningTicket
from cleannet.server.notices.template_context import (
    OWNER_REPORT_KEYS,
    SUBSCRIBER_KEYS,
    owner_report_context,
    sample_context,
    subscriber_context,
)

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def _ticket(family: str) -> WarningTicket:
    return WarningTicket.objects.create(
        number="W-2026-000007", subscriber="sub-7", family=family, stage="reminder",
        last_ip="203.0.113.9", first_found=AT, last_found=AT + dt.timedelta(days=2),
        page_token="t" * 32,
    )  # fmt: skip


@override_settings(CLEANNET_SITE_URL="https://isp.example")
@pytest.mark.parametrize(("language", "step"), [("vi", "Khởi động lại"), ("en", "Restart")])
def test_it_fills_a_subscriber_context_from_the_ticket_and_the_encyclopedia(
    personas, language, step
) -> None:
    contact = SubscriberContact(subscriber="sub-7", language=language)

    context = subscriber_context(_ticket("elf.mirai"), contact, "https://isp.example/notice/x/")

    assert set(context) == set(SUBSCRIBER_KEYS)
    assert context["family"] == "Mirai"
    assert context["family_url"] == "https://isp.example/malware/mirai/"
    assert context["removal_steps"][0].startswith(step)
    assert context["scanner_url"] == "https://isp.example/tools/"
    assert context["isp"] == ""  # the personas hold two ISPs: which one is not known
    assert (context["ip"], context["stage"], context["reinfected"]) == (
        "203.0.113.9", "reminder", False,
    )  # fmt: skip


def test_it_finds_the_page_through_an_intel_alias_and_takes_the_stage_sent(db) -> None:
    intel.add_family(None, "Mirai", "botnet", ["Okiru"])
    contact = SubscriberContact(subscriber="sub-7", language="en")

    context = subscriber_context(_ticket("okiru"), contact, "/notice/x/", stage="final", isp="X")

    assert context["family"] == "Mirai"
    assert context["family_url"] == "/malware/mirai/"  # no site address: a path
    assert (context["stage"], context["isp"]) == ("final", "X")


def test_it_keeps_an_unknown_familys_name_and_links_the_encyclopedia(db) -> None:
    context = subscriber_context(_ticket("NoSuchBot"), SubscriberContact(), "/notice/x/")
    assert (context["family"], context["removal_steps"]) == ("NoSuchBot", [])
    assert context["family_url"] == "/malware/"


def test_it_fills_an_owner_report_context_from_the_summary(personas) -> None:
    report = OwnerReport.objects.create(
        number="R-2026-000001", organisation=personas.isp_org, format="stix",
        first_event_at=AT, last_event_at=AT, event_count=3,
        summary={"by_type": [["infected-system", 2], ["scanner", 1]], "by_family": [["", 3]]},
    )  # fmt: skip

    context = owner_report_context(report, "https://hub.example/r/1")

    assert set(context) == set(OWNER_REPORT_KEYS)
    assert context["by_type"] == [("infected-system", 2), ("scanner", 1)]
    assert context["by_family"] == [("", 3)]
    assert (context["organisation"], context["format"]) == ("Song Hong Net", "STIX 2.1")
    assert context["download_url"] == "https://hub.example/r/1"


def test_it_gives_the_sample_every_key_of_the_real_contexts() -> None:
    assert set(sample_context("subscriber_warning")) == set(SUBSCRIBER_KEYS)
    assert set(sample_context("owner_report")) == set(OWNER_REPORT_KEYS)
