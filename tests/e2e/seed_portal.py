"""Seed a migrated site for the portal's browser tests (run as a script against its database).

Usage: ``python seed_portal.py`` with the site's environment (``CLEANNET_VAR_DIR`` …).
Creates the authority with an analyst, an ISP with an operator and its prefix, a bank with its
brand, and one infected-system event at 203.0.113.77 (a documentation address) so that an
analyst's address check has something to find. Logins are the constants below.
"""

from __future__ import annotations

import datetime as dt
import os

ANALYST = ("analyst", "analyst-password-for-e2e-1")
ISP_OPERATOR = ("isp-operator", "isp-password-for-e2e-1")
INFECTED_IP = "203.0.113.77"
FAMILY = "Mirai"


def seed() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
    import django

    django.setup()
    from django.utils import timezone

    from cleannet.core.event import Event
    from cleannet.server.accounts import services as accounts
    from cleannet.server.accounts.roles import OrganisationKind, Role
    from cleannet.server.brands import services as brands
    from cleannet.server.intel import services as intel
    from cleannet.server.networks import services as networks

    authority = accounts.create_organisation(None, "VNCERT", OrganisationKind.AUTHORITY)
    accounts.create_user(
        None, ANALYST[0], "analyst@cert.example", ANALYST[1], Role.AUTHORITY_ANALYST, authority
    )
    isp = accounts.create_organisation(None, "Song Hong Net", OrganisationKind.ISP)
    accounts.create_user(
        None, ISP_OPERATOR[0], "noc@isp.example", ISP_OPERATOR[1], Role.ISP_OPERATOR, isp
    )
    networks.add_prefix(None, "203.0.113.0/24", isp, dt.date(2020, 1, 1))
    bank = accounts.create_organisation(None, "Demo Bank", OrganisationKind.BANK)
    brands.register_brand(None, bank, "demobank", "Demo Bank", "demobank", ["demobank.vn"])
    if intel.resolve_family(FAMILY) is None:
        intel.add_family(None, FAMILY, "botnet", platforms=["Linux"])
    seen = timezone.now() - dt.timedelta(hours=6)
    event = Event.from_dict(
        {
            "feed.name": "e2e-seed",
            "time.source": seen.isoformat(),
            "classification.type": "infected-system",
            "source.ip": INFECTED_IP,
            "malware.name": FAMILY.lower(),
        }
    )
    intel.record_events(None, [event])


if __name__ == "__main__":
    seed()
