"""A node's findings and contacts for the subscriber-warning tests, and the site's URLs with
the warning page and the notices API mounted (``subscriber_urls``), so that the tests work
before and after the lead wires them into the site. The fixtures are imported by their
``*_fixture`` names and used by their short ones.

Song Hong Net's subscribers: ``sub-1`` (e-mail and phone, Vietnamese), ``sub-2`` (e-mail
only, English, e-mail channel only) and ``sub-3`` (no contact). Times start at ``DAY0``.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest
from django.urls import NoReverseMatch, include, path, reverse

from cleannet.server.node.models import NodeFinding, NodeRun
from cleannet.server.notices.models import SubscriberContact

DAY0 = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)


def day(n: float) -> dt.datetime:
    return DAY0 + dt.timedelta(days=n)


@pytest.fixture(name="node_run")
def node_run_fixture(db: Any) -> NodeRun:
    return NodeRun.objects.create(status=NodeRun.Status.SUCCEEDED, finished_at=DAY0)


def find(
    run: NodeRun,
    subscriber: str,
    family: str,
    first: dt.datetime,
    last: dt.datetime | None = None,
    ip: str = "203.0.113.7",
) -> NodeFinding:
    """Store (or widen) the finding of ``family`` for ``subscriber`` from ``ip``."""
    finding, _ = NodeFinding.objects.update_or_create(
        subscriber=subscriber, ip=ip, indicator_kind="domain",
        indicator=f"{family.lower()}.example",
        defaults={"family": family, "first_seen": first, "last_seen": last or first, "count": 3,
                  "evidence": "dns.log:1", "run": run},
    )  # fmt: skip
    return finding


@pytest.fixture(name="contacts")
def contacts_fixture(db: Any) -> dict[str, SubscriberContact]:
    return {
        "sub-1": SubscriberContact.objects.create(
            subscriber="sub-1", email="an@example.org", phone="+84912345678", language="vi"
        ),
        "sub-2": SubscriberContact.objects.create(
            subscriber="sub-2", email="bo@example.org", language="en", channels=["email"]
        ),
    }


_URLCONF: list[types.ModuleType] = []


def _urlconf() -> types.ModuleType:
    """The site's URLs with the warning page and the notices API routes mounted first (built
    once: a Ninja API's namespace may be registered only once a process)."""
    if not _URLCONF:
        from ninja import NinjaAPI

        from cleannet.server import urls as site
        from cleannet.server.api.errors import install_error_handlers
        from cleannet.server.api.routes_notices import router

        api = NinjaAPI(urls_namespace="subscriber-notices-test-api", docs_url=None)
        install_error_handlers(api)
        api.add_router("/", router)
        module = types.ModuleType("subscriber_notices_test_urls")
        module.urlpatterns = [  # type: ignore[attr-defined]
            path("notice/", include("cleannet.server.notices.urls")),
            path("api/v1/", api.urls),
            *site.urlpatterns,
        ]
        _URLCONF.append(module)
    return _URLCONF[0]


@pytest.fixture(name="subscriber_urls")
def subscriber_urls_fixture(settings: Any) -> None:
    try:
        reverse("notices:page", args=["x" * 32])
        reverse("api-v1:list_tickets")
    except NoReverseMatch:
        settings.ROOT_URLCONF = _urlconf()
