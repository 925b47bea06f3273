"""The demo's campaigns: an active simulated one over the demo ISPs and a draft, once."""

from __future__ import annotations

from typing import Any

import pytest

from cleannet.server.campaigns.models import Campaign, CampaignStatus
from cleannet.server.demo.load_campaigns import ACTIVE_SLUG, DRAFT_SLUG, load_campaigns

pytestmark = pytest.mark.django_db


def test_it_adds_an_active_campaign_and_a_draft_once(personas: Any) -> None:
    orgs = {o.slug: o for o in (personas.authority, personas.isp_org, personas.other_isp_org,
                                personas.bank)}  # fmt: skip

    created = load_campaigns(orgs, addresses=300, days=5)
    again = load_campaigns(orgs, addresses=300, days=5)

    assert (created, again) == (2, 0)
    active, draft = Campaign.objects.get(slug=ACTIVE_SLUG), Campaign.objects.get(slug=DRAFT_SLUG)
    assert active.status == CampaignStatus.ACTIVE and active.public
    assert draft.status == CampaignStatus.DRAFT
    isps = {personas.isp_org.pk, personas.other_isp_org.pk}
    for campaign in (active, draft):
        assert set(campaign.participants.values_list("organisation_id", flat=True)) == isps
    assert set(active.families.values_list("name", flat=True)) == {"Mirai", "Mozi", "Gafgyt"}
    assert active.snapshots.count() == 5 * 2 * (3 + 1)


def test_it_adds_nothing_without_isps(personas: Any) -> None:
    assert load_campaigns({personas.bank.slug: personas.bank}) == 0
    assert not Campaign.objects.exists()
