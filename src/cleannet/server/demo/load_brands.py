"""The demo's brand protection: the demo banks' brands, lookalikes seen in "streams", and
two fakes the demo analyst confirmed, so the alert queue, the public list of fake sites and
the blocklists have something to show. Deterministic and idempotent like the rest of the demo;
every name ends in ``.example``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cleannet.server.accounts.models import Organisation, User
from cleannet.server.brands import alerts, services
from cleannet.server.brands.models import AlertStatus, Brand, LookalikeAlert

# (organisation slug, brand key, brand name, keywords, official domains)
BRANDS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("saomai-bank", "saomaibank", "Sao Mai Bank", ("saomaibank", "smbank"),
     ("saomaibank.example", "saomaisecurities.example")),
    ("trucxanh-bank", "trucxanhbank", "Trúc Xanh Bank", ("trucxanhbank", "txbank"),
     ("trucxanhbank.example",)),
    ("cholua", "cholua", "Chợ Lúa", ("cholua",), ("cholua.example",)),
)  # fmt: skip

# What the certificate stream "saw": lookalikes, the banks' own names, unrelated names.
SEEN = (
    "saomaibank-xacminh.example",
    "dangnhap-saomaibank.example",
    "saomaibnak.example",
    "saornaibank.example",
    "www.saomaibank.example",
    "ebanking.saomaibank.example",
    "saomaisecurities.example",
    "trucxanhbank-hotro247.example",
    "trucxanhbank.vn.com",
    "cholua-khuyenmai.example",
    "hoa-sen-travel.example",
    "maytre.example",
)
CONFIRMED = ("saomaibank-xacminh.example", "trucxanhbank-hotro247.example")


def load_brand_protection(orgs: Mapping[str, Organisation], analyst: User | None) -> int:
    """Register the demo brands (once), record the names seen and confirm two fakes;
    return how many brands were created."""
    created = 0
    for slug, key, name, keywords, domains in BRANDS:
        if slug in orgs and not Brand.objects.filter(key=key).exists():
            services.register_brand(None, orgs[slug], key, name, keywords, domains)
            created += 1
    alerts.record_names(SEEN, "certstream")
    if analyst is not None:
        pending = LookalikeAlert.objects.filter(host__in=CONFIRMED, status=AlertStatus.NEW)
        for alert in pending:
            alerts.confirm_alert(analyst, alert, "Demo: reported by the bank's customers.")
    return created
