"""A campaign world for the lifecycle tests: two malware families, the personas' ISPs, and a
recorder in place of ``measure.fix_baselines`` (the measurement has its own tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from cleannet.server.campaigns import measure, services
from cleannet.server.campaigns.models import Campaign
from cleannet.server.intel import families as intel
from cleannet.server.intel.models import MalwareFamily

TODAY = timezone.now().astimezone(dt.UTC).date()


@dataclass
class World:
    personas: Any
    mirai: MalwareFamily
    emotet: MalwareFamily
    baselines_fixed: list[Campaign] = field(default_factory=list)

    def draft(self, **changes: Any) -> Campaign:
        """A draft made by the analyst: Mirai, both ISPs, started 10 days ago, 60 days long."""
        values: dict[str, Any] = {
            "name": "Mirai cleanup",
            "slug": "mirai-cleanup",
            "starts_on": TODAY - dt.timedelta(days=10),
            "ends_on": TODAY + dt.timedelta(days=50),
            "families": [self.mirai],
            "classification_types": [],
            "participants": [self.personas.isp_org, self.personas.other_isp_org],
        }
        values.update(changes)
        return services.create_campaign(self.personas.analyst.user, **values)

    def active(self, **changes: Any) -> Campaign:
        return services.launch_campaign(self.personas.admin.user, self.draft(**changes))


@pytest.fixture(name="world")
def world_fixture(personas: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    made = World(
        personas=personas,
        mirai=intel.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET),
        emotet=intel.add_family(None, "Emotet", MalwareFamily.Kind.LOADER),
    )

    def record(campaign: Campaign, now: dt.datetime | None = None) -> int:
        made.baselines_fixed.append(campaign)
        return 0

    monkeypatch.setattr(measure, "fix_baselines", record)
    return made
