"""A small simulated campaign in a served site's database for the campaign pages' browser tests.

Run as a script with the site's environment (``CLEANNET_VAR_DIR`` …) after ``seed_portal.py``,
like ``seed_notices.py``: ``python seed_campaigns.py`` prints one JSON object on stdout,
``{"slug", "name"}``. The campaign is active and public, measured through yesterday, over the
portal's ISP (whose operator, ``seed_portal.ISP_OPERATOR``, accepted it) and one more ISP;
running the script again answers the campaign already there.
"""

from __future__ import annotations

import json
import os
from typing import Any

SLUG = "e2e-campaign"
NAME = "Chiến dịch làm sạch Mirai (e2e)"
PORTAL_ISP = "Song Hong Net"
OTHER_ISP = "Red River Broadband"
SUMMARY_VI = "Các nhà mạng cảnh báo thuê bao có thiết bị nhiễm Mirai, Mozi và Gafgyt."
SUMMARY_EN = "The ISPs warn subscribers whose devices are infected with Mirai, Mozi and Gafgyt."


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
    import django

    django.setup()


def seed_campaign() -> dict[str, Any]:
    """Simulate 30 days of a campaign over two ISPs and three families (2,000 addresses)."""
    from cleannet.server.accounts import services as accounts
    from cleannet.server.accounts.models import Organisation
    from cleannet.server.accounts.roles import OrganisationKind
    from cleannet.server.campaigns.models import Campaign
    from cleannet.server.campaigns.simulation import simulate_campaign

    found = Campaign.objects.filter(slug=SLUG).first()
    if found is None:
        other = Organisation.objects.filter(name=OTHER_ISP).first() or (
            accounts.create_organisation(None, OTHER_ISP, OrganisationKind.ISP)
        )
        isps = [Organisation.objects.get(name=PORTAL_ISP), other]
        found = simulate_campaign(
            days=30, addresses=2_000, families=3, seed=5, organisations=isps,
            name=NAME, slug=SLUG, remaining_days=30, summary_vi=SUMMARY_VI, summary_en=SUMMARY_EN,
        )  # fmt: skip
    return {"slug": found.slug, "name": found.name}


if __name__ == "__main__":
    _setup()
    print(json.dumps(seed_campaign()))
