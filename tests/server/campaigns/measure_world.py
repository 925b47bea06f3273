"""A small campaign world for the measurement tests: two ISPs (the ``networks`` fixture's
address space), the families Mirai (alias "mirai.botnet") and Emotet, and helpers that record
real events and node counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.server.campaigns.models import Campaign, CampaignStatus, Participant
from cleannet.server.intel.events import record_events
from cleannet.server.intel.families import add_family
from cleannet.server.intel.models import MalwareFamily
from cleannet.server.node.models import NodeDailyCount, NodeNoticeCount

STARTS = dt.date(2026, 3, 10)
ENDS = dt.date(2026, 4, 8)  # 30 days


@dataclass
class World:
    personas: Any
    mirai: MalwareFamily
    emotet: MalwareFamily
    make_event: Callable[..., Event]

    def campaign(
        self,
        *,
        families: Sequence[MalwareFamily] = (),
        types: Sequence[str] = (),
        baseline_days: int = 3,
        goal: int = 50,
        other_isp: bool = True,
        slug: str = "spring",
    ) -> Campaign:
        campaign = Campaign.objects.create(
            name=slug.title(), slug=slug, starts_on=STARTS, ends_on=ENDS,
            classification_types=list(types), baseline_days=baseline_days,
            goal_reduction=goal, status=CampaignStatus.ACTIVE,
        )  # fmt: skip
        campaign.families.set(families)
        Participant.objects.create(campaign=campaign, organisation=self.personas.isp_org)
        if other_isp:
            Participant.objects.create(campaign=campaign, organisation=self.personas.other_isp_org)
        return campaign

    def events(self, *rows: tuple[str, dt.date, str | None], kind: str = "infected-system") -> None:
        """Record one event per (source IP, day, malware name) at noon UTC."""
        events = []
        for index, (ip, day, malware) in enumerate(rows):
            fields: dict[str, Any] = {
                "source.ip": ip,
                "time.source": f"{day.isoformat()}T12:{index % 60:02d}:00+00:00",
                "classification.type": kind,
            }
            if malware:
                fields["malware.name"] = malware
            events.append(self.make_event(fields))
        record_events(None, events)

    def notices(self, org: Any, day: dt.date, family: str, **figures: Any) -> None:
        NodeNoticeCount.objects.create(organisation=org, day=day, family=family, **figures)

    def subscribers(self, org: Any, day: dt.date, family: str, kind: str, count: int) -> None:
        NodeDailyCount.objects.create(
            organisation=org, day=day, family=family, indicator_kind=kind,
            subscribers=count, records=count,
        )  # fmt: skip


@pytest.fixture(name="world")
def world_fixture(personas: Any, networks: Any, make_event: Callable[..., Event]) -> World:
    mirai = add_family(None, "Mirai", "botnet", aliases=["mirai.botnet"])
    emotet = add_family(None, "Emotet", "banking_trojan")
    return World(personas=personas, mirai=mirai, emotet=emotet, make_event=make_event)
