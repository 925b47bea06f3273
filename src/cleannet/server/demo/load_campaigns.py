"""The demo's campaigns: an active public campaign against IoT botnets over the demo ISPs,
simulated at demo scale (``campaigns.simulation``), and a draft the analysts are preparing.

Idempotent like the rest of the demo: a campaign whose slug exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from cleannet.server.accounts.models import Organisation
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.campaigns import services
from cleannet.server.campaigns.models import Campaign
from cleannet.server.campaigns.simulation import simulate_campaign
from cleannet.server.intel import services as intel

__all__ = ["ACTIVE_SLUG", "DRAFT_SLUG", "load_campaigns"]

ACTIVE_SLUG = "botnet-iot-2026"
DRAFT_SLUG = "ma-doc-danh-cap-thong-tin"
DRAFT_FAMILIES = ("AgentTesla", "Formbook", "RedLine", "Lumma")


def load_campaigns(
    orgs: Mapping[str, Organisation], *, addresses: int = 20_000, days: int = 30, seed: int = 2026
) -> int:
    """Add the demo's campaigns over the ISPs among ``orgs`` that are missing; return how many
    were created. The active one has run ``days`` days with ``addresses`` infected at first
    (Mirai, Mozi and Gafgyt), measured through yesterday; the draft starts in two weeks."""
    isps = [org for org in orgs.values() if org.kind == OrganisationKind.ISP]
    if not isps:
        return 0
    created = 0
    if not Campaign.objects.filter(slug=ACTIVE_SLUG).exists():
        simulate_campaign(
            days=days, addresses=addresses, families=3, seed=seed, organisations=isps,
            name="Làm sạch botnet IoT 2026", slug=ACTIVE_SLUG, goal_reduction=50,
            summary_vi="Các nhà mạng cùng cảnh báo thuê bao có camera, bộ định tuyến nhiễm "
            "Mirai, Mozi hoặc Gafgyt và hỗ trợ đổi mật khẩu, cập nhật phần mềm: mục tiêu giảm "
            "một nửa số địa chỉ nhiễm trong 60 ngày.",
            summary_en="The ISPs warn subscribers whose cameras and routers are infected with "
            "Mirai, Mozi or Gafgyt and help them change passwords and update firmware: the "
            "goal is half as many infected addresses within 60 days.",
        )  # fmt: skip
        created += 1
    if not Campaign.objects.filter(slug=DRAFT_SLUG).exists():
        _draft(isps)
        created += 1
    return created


def _draft(isps: list[Organisation]) -> Campaign:
    """A campaign against infostealers the analysts are still preparing (not launched)."""
    starts_on = timezone.now().astimezone(dt.UTC).date() + dt.timedelta(days=14)
    families = intel.resolve_families(DRAFT_FAMILIES)
    return services.create_campaign(
        None, name="Chống mã độc đánh cắp thông tin", slug=DRAFT_SLUG, starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=90), families=list(families.values()),
        classification_types=["infected-system"], participants=isps, goal_reduction=40,
        summary_vi="Thu hẹp các máy tính nhiễm mã độc đánh cắp mật khẩu và ví tiền mã hóa.",
        summary_en="Fewer computers infected with stealers of passwords and crypto wallets.",
    )  # fmt: skip
