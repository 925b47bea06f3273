"""A campaign with baselines and snapshot rows written directly, for the chart, CSV and PDF
tests: two ISPs (the personas' ``isp_org`` accepted, ``other_isp_org`` invited), the family
Mirai, a Vietnamese name, and days either side of the end of November 2026."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    Campaign,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)
from cleannet.server.intel.models import MalwareFamily

STARTS = dt.date(2026, 11, 20)
ENDS = dt.date(2026, 12, 31)
NAME = "Chiến dịch làm sạch Mirai"
DAYS = (dt.date(2026, 11, 20), dt.date(2026, 11, 21), dt.date(2026, 11, 30), dt.date(2026, 12, 1))


@dataclass
class ReportWorld:
    personas: Any
    campaign: Campaign
    mirai: MalwareFamily


def _snapshot(campaign: Campaign, org: Any, day: dt.date, family: str, n: int) -> None:
    CampaignSnapshot.objects.create(
        campaign=campaign, organisation=org, day=day, family=family, addresses=n // 2,
        addresses_window=n, events=n * 3, subscribers=n // 3, warned=n // 4, sent=n // 5,
        delivered=n // 6, acknowledged=n // 10, reinfected=n // 50,
        time_to_clean=[1, 2, 3, 4, 5, n // 100],
    )  # fmt: skip


@pytest.fixture(name="report_world")
def report_world_fixture(personas: Any) -> ReportWorld:
    mirai = MalwareFamily.objects.create(name="Mirai", slug="mirai", kind="botnet")
    campaign = Campaign.objects.create(
        name=NAME, slug="mirai-2026", starts_on=STARTS, ends_on=ENDS, goal_reduction=50,
        status=CampaignStatus.ACTIVE, summary_vi="Giảm một nửa số địa chỉ nhiễm Mirai.",
        summary_en="Halve the addresses infected by Mirai.", measured_through=DAYS[-1],
    )  # fmt: skip
    campaign.families.add(mirai)
    isp, other = personas.isp_org, personas.other_isp_org
    Participant.objects.create(
        campaign=campaign, organisation=isp, status=ParticipantStatus.ACCEPTED
    )
    Participant.objects.create(campaign=campaign, organisation=other)
    window = {
        "window_start": STARTS - dt.timedelta(days=7),
        "window_end": STARTS - dt.timedelta(days=1),
    }
    for org, family, n in (
        (isp, ALL_FAMILIES, 1000),
        (isp, "mirai", 800),
        (other, ALL_FAMILIES, 500),
    ):
        CampaignBaseline.objects.create(
            campaign=campaign, organisation=org, family=family, addresses=n, **window
        )
    for i, day in enumerate(DAYS):
        _snapshot(campaign, isp, day, ALL_FAMILIES, 900 - 100 * i)
        _snapshot(campaign, isp, day, "mirai", 700 - 100 * i)
        _snapshot(campaign, other, day, ALL_FAMILIES, 480 - 10 * i)
    return ReportWorld(personas=personas, campaign=campaign, mirai=mirai)
