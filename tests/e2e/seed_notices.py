"""Warning tickets in a served site's database for the notice page's browser tests.

Run as a script with the site's environment (``CLEANNET_VAR_DIR`` …), like ``seed_portal.py``;
each command prints one JSON object on stdout:

- ``python seed_notices.py open <subscriber>=<ip> …``: for each pair a node finding of Mirai
  for ``subscriber`` at ``ip`` (no contact: the page channel only), planned into a warning
  ticket whose page notice is sent (its redirect on) → ``{"tickets": [{"number", "token",
  "ip", "stored"}, …], "steps": {"vi": [...], "en": [...]}}`` (the removal steps the
  encyclopedia gives in each language; ``stored`` is what ``show`` says).
- ``python seed_notices.py show <number>``: the ticket as stored → ``{"state",
  "redirect_active", "acknowledged", "page_viewed", "page_notice", "redirected_ips"}``.

One process per command: Django's start-up is most of its time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from typing import Any

FAMILY = "Mirai"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
    import django

    django.setup()


def open_tickets(pairs: list[str]) -> dict[str, Any]:
    """Warn each ``subscriber=ip`` about Mirai seen there through the real planner and worker."""
    from django.utils import timezone

    from cleannet.server.node.models import NodeFinding, NodeRun
    from cleannet.server.notices.models import WarningTicket
    from cleannet.server.notices.outbox import claim
    from cleannet.server.notices.template_context import family_details
    from cleannet.server.notices.warnings import plan_warnings
    from cleannet.server.notices.worker import deliver_batch

    now = timezone.now()
    run = NodeRun.objects.create(status=NodeRun.Status.SUCCEEDED, finished_at=now)
    found = dict(pair.split("=", 1) for pair in pairs)
    for subscriber, ip in found.items():
        NodeFinding.objects.create(
            subscriber=subscriber, ip=ip, indicator_kind="domain", indicator="mirai.example",
            family=FAMILY, first_seen=now - dt.timedelta(days=1),
            last_seen=now - dt.timedelta(hours=1), count=3, evidence="dns.log:1", run=run,
        )  # fmt: skip
    plan_warnings(now)
    deliver_batch(claim("e2e-seed", 50, now))
    tickets = {t.subscriber: t for t in WarningTicket.objects.filter(subscriber__in=found)}
    return {
        "tickets": [
            {"number": t.number, "token": t.page_token, "ip": ip, "stored": show_ticket(t.number)}
            for t, ip in ((tickets[subscriber], ip) for subscriber, ip in found.items())
        ],
        "steps": {language: family_details(FAMILY, language)[2] for language in ("vi", "en")},
    }


def show_ticket(number: str) -> dict[str, Any]:
    """What the database holds about ticket ``number`` and the walled-garden list."""
    from cleannet.server.notices.models import OutboxMessage, WarningTicket
    from cleannet.server.notices.redirects import active_redirects
    from cleannet.server.notices.vocabulary import Channel

    ticket = WarningTicket.objects.get(number=number)
    page = OutboxMessage.objects.filter(ticket_ref=number, channel=Channel.PAGE).first()
    return {
        "state": ticket.state,
        "redirect_active": ticket.redirect_active,
        "acknowledged": ticket.acknowledged_at is not None,
        "page_viewed": ticket.page_viewed_at is not None,
        "page_notice": page.status if page is not None else None,
        "redirected_ips": [ip for ip, _url in active_redirects()],
    }


if __name__ == "__main__":
    _setup()
    command, *args = sys.argv[1:]
    result = open_tickets(args) if command == "open" else show_ticket(*args)
    print(json.dumps(result))
