"""``simulate_campaign`` writes a measured campaign: through snapshots (national scale) or
through real events and the real measurement, with the same figures for the same seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import Role
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
    ParticipantStatus,
)
from cleannet.server.campaigns.simulation import simulate_campaign
from cleannet.server.intel.models import Event
from cleannet.server.node.models import NodeDailyCount, NodeNoticeCount

pytestmark = pytest.mark.django_db

SMALL: dict[str, Any] = {"days": 6, "addresses": 240, "isps": 3, "families": 3, "seed": 5,
                         "baseline_days": 3}  # fmt: skip
FIGURES = ("addresses", "addresses_window", "events", "subscribers", "warned", "sent",
           "delivered", "acknowledged", "reinfected", "time_to_clean")  # fmt: skip


def _snapshots(campaign: Any) -> dict[tuple[str, dt.date, str], tuple[Any, ...]]:
    rows = CampaignSnapshot.objects.filter(campaign=campaign).values(
        "organisation__slug", "day", "family", *FIGURES
    )
    return {
        (row["organisation__slug"], row["day"], row["family"]): tuple(row[f] for f in FIGURES)
        for row in rows
    }


def _baselines(campaign: Any) -> dict[tuple[str, str], int]:
    rows = CampaignBaseline.objects.filter(campaign=campaign)
    return {(b.organisation.slug, b.family): b.addresses for b in rows}


def test_it_writes_an_active_measured_campaign_through_snapshots() -> None:
    progress: list[tuple[int, int]] = []
    campaign = simulate_campaign(
        **SMALL, progress=lambda done, total: progress.append((done, total))
    )

    today = timezone.now().astimezone(dt.UTC).date()
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.starts_on == today - dt.timedelta(days=6)
    assert campaign.measured_through == today - dt.timedelta(days=1)
    assert campaign.ends_on > today
    participants = list(campaign.participants.select_related("organisation"))
    assert len(participants) == 3
    assert {p.status for p in participants} == {ParticipantStatus.ACCEPTED}
    assert all(p.organisation.slug.startswith("sim-") for p in participants)
    assert campaign.families.count() == 3
    assert CampaignSnapshot.objects.filter(campaign=campaign).count() == 6 * 3 * (3 + 1)
    baselines = _baselines(campaign)
    assert len(baselines) == 3 * (3 + 1)
    assert sum(v for (_, family), v in baselines.items() if family == ALL_FAMILIES) >= 228
    assert NodeNoticeCount.objects.filter(organisation__slug__startswith="sim-").exists()
    assert NodeDailyCount.objects.filter(organisation__slug__startswith="sim-").exists()
    assert not Event.objects.exists()
    assert progress[-1][0] == progress[-1][1]
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_it_gives_the_same_figures_through_events_and_the_real_measurement() -> None:
    direct = simulate_campaign(**SMALL, slug="direct", name="Direct")
    measured = simulate_campaign(**SMALL, slug="measured", name="Measured", through="events")

    campaign_events = sum(v[2] for k, v in _snapshots(direct).items() if k[2] != ALL_FAMILIES)
    assert Event.objects.count() == campaign_events + _baseline_events(direct)
    assert _baselines(measured) == _baselines(direct)
    assert _snapshots(measured) == _snapshots(direct)
    assert measured.measured_through == direct.measured_through


def _baseline_events(campaign: Any) -> int:
    """Events of the baseline window (before the first snapshot day)."""
    window = dt.datetime.combine(campaign.starts_on, dt.time(), dt.UTC)
    return Event.objects.filter(time_source__lt=window).count()


def test_it_reuses_the_isps_and_takes_a_free_slug_the_second_time() -> None:
    first = simulate_campaign(**SMALL)
    second = simulate_campaign(**SMALL)

    assert second.slug == f"{first.slug}-2"
    assert Organisation.objects.filter(slug__startswith="sim-").count() == 3
    assert User.objects.filter(role=Role.ISP_OPERATOR).count() == 3
    assert _snapshots(second).values() and sorted(_snapshots(second).values()) == sorted(
        _snapshots(first).values()
    )


def test_it_simulates_existing_isps_with_their_operators(personas: Any) -> None:
    isps = [personas.isp_org, personas.other_isp_org]
    campaign = simulate_campaign(**{**SMALL, "isps": 99}, organisations=isps)

    orgs = set(campaign.participants.values_list("organisation_id", flat=True))
    assert orgs == {personas.isp_org.pk, personas.other_isp_org.pk}
    responders = set(campaign.participants.values_list("responded_by", flat=True))
    assert responders == {personas.isp.user.pk, personas.other_isp.user.pk}
    assert not Organisation.objects.filter(slug__startswith="sim-").exists()


@pytest.mark.parametrize(
    ("field", "change"),
    [("through", {"through": "magic"}), ("families", {"families": 99}), ("days", {"days": 0})],
)
def test_it_refuses_a_bad_value_naming_it(field: str, change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        simulate_campaign(**{**SMALL, **change})
    assert field in refused.value.message_dict
    assert not Organisation.objects.filter(slug__startswith="sim-").exists()
