"""Fixtures of the breach-notice tests: a complete notice's fields, drafts and filed notices.

``notice_data(**changes)`` gives the fields a member types into the form (discovered 10
hours ago unless changed); ``draft`` and ``filed`` are the bank member's notices;
``outsider`` is a member of another organisation (an e-commerce shop).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cleannet.server.accounts import services as account_services
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.models import BreachNotice


@pytest.fixture
def notice_data() -> Callable[..., dict[str, Any]]:
    def make(**changes: Any) -> dict[str, Any]:
        now = timezone.now()
        data: dict[str, Any] = {
            "summary": "Customer database copied from a test server",
            "what_happened": "A test server with a copy of the customer table was left open.",
            "occurred_at": now - dt.timedelta(days=10),
            "discovered_at": now - dt.timedelta(hours=10),
            "data_types": ["contact", "identity"],
            "other_data_types": "",
            "records_affected": 120_000,
            "people_affected": 95_000,
            "likely_consequences": "Phishing of customers by e-mail and phone.",
            "measures_taken": "Server taken offline; credentials rotated.",
            "measures_planned": "Review of test data handling.",
            "contact_name": "Nguyễn Thị Lan",
            "contact_email": "DPO@Demo-Bank.Example",
            "contact_phone": "0912 345 678",
            "affected_people_notified": False,
            "notify_affected_through_notices": False,
            "affected_people_message": "",
            "late_reason": "",
        }
        data.update(changes)
        return data

    return make


@pytest.fixture
def draft(personas: Any, notice_data: Callable[..., dict[str, Any]]) -> BreachNotice:
    member = personas.member.user
    return services.save_draft(member, member.organisation, notice_data())


@pytest.fixture
def filed(personas: Any, notice_data: Callable[..., dict[str, Any]]) -> BreachNotice:
    member = personas.member.user
    return services.save_and_file(member, member.organisation, notice_data())


@pytest.fixture
def outsider(personas: Any) -> Any:
    shop = account_services.create_organisation(None, "Demo Shop", OrganisationKind.ECOMMERCE)
    return account_services.create_user(
        None, "shop-member", "member@shop.example", "x-long-password-1", Role.ORG_MEMBER, shop
    )
