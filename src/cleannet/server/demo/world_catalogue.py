"""The fixed cast of the demo world: organisations, users and feeds.

Every name is invented (no real Vietnamese telco, bank or agency) and every domain ends
in ``.example`` (RFC 2606), so nothing in a demo can be mistaken for a real party. The
cast does not depend on the seed: demo guides can name "Viễn thông Sông Hồng" and the
user ``isp-songhong`` and stay true; the seed moves numbers, addresses and events.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleannet.server.demo.world_model import DemoFeed, DemoOrganisation, DemoUser

AUTHORITY_SLUG = "ncsc-demo"


@dataclass(frozen=True, slots=True)
class IspProfile:
    """What the generator needs to know about an ISP beyond its organisation record."""

    slug: str
    name: str
    domain: str
    as_label: str  # stem of its AS names, e.g. SONGHONG-AS-VN
    as_count: int  # 1 or 2
    share: float  # relative size of its subscriber base


ISPS: tuple[IspProfile, ...] = (
    IspProfile("songhong", "Viễn thông Sông Hồng", "songhong.example", "SONGHONG", 2, 0.32),
    IspProfile("phuongnam", "Mạng Phương Nam", "phuongnam.example", "PHUONGNAM", 2, 0.27),
    IspProfile("truongson", "Truyền dẫn Trường Sơn", "truongson.example", "TRUONGSON", 1, 0.18),
    IspProfile("cuulong", "Băng rộng Cửu Long", "cuulong.example", "CUULONG", 1, 0.14),
    IspProfile("caonguyen", "Mạng Cao Nguyên Xanh", "caonguyen.example", "CAONGUYEN", 1, 0.09),
)

# (slug, name, kind, domain): everyone who is neither the authority nor an ISP.
_OTHERS: tuple[tuple[str, str, str, str], ...] = (
    ("saomai-bank", "Ngân hàng TMCP Sao Mai (demo)", "bank", "saomaibank.example"),
    ("trucxanh-bank", "Ngân hàng TMCP Trúc Xanh (demo)", "bank", "trucxanhbank.example"),
    ("cholua", "Sàn thương mại điện tử Chợ Lúa", "ecommerce", "cholua.example"),
    ("maytre", "Sàn Mây Tre", "ecommerce", "maytre.example"),
    ("langviet", "Mạng xã hội Làng Việt", "social_network", "langviet.example"),
    ("vanson-dvc", "Cổng Dịch vụ công tỉnh Vân Sơn (demo)", "government", "dvc-vanson.example"),
    ("vanson-bhxh", "Bảo hiểm Xã hội tỉnh Vân Sơn (demo)", "government", "bhxh-vanson.example"),
    ("binhan-hospital", "Bệnh viện Đa khoa Bình An (demo)", "other", "benhvienbinhan.example"),
)  # fmt: skip


def demo_organisations() -> tuple[DemoOrganisation, ...]:
    """Return the authority, the five ISPs and one or more organisations of every other kind."""
    authority = DemoOrganisation(
        AUTHORITY_SLUG,
        "Trung tâm Giám sát An toàn Không gian mạng Quốc gia (demo)",
        "authority",
        "https://giamsat.example",
    )
    isps = tuple(DemoOrganisation(i.slug, i.name, "isp", f"https://{i.domain}") for i in ISPS)
    others = tuple(DemoOrganisation(s, n, k, f"https://{d}") for s, n, k, d in _OTHERS)
    return (authority, *isps, *others)


def demo_users() -> tuple[DemoUser, ...]:
    """Return at least one user per role; usernames are what the demo guide tells people."""
    users = [
        DemoUser("admin", "admin@giamsat.example", "authority_admin", AUTHORITY_SLUG),
        DemoUser("analyst", "analyst@giamsat.example", "authority_analyst", AUTHORITY_SLUG),
    ]
    users += [DemoUser(f"isp-{i.slug}", f"noc@{i.domain}", "isp_operator", i.slug) for i in ISPS]
    users += [
        DemoUser("bank-member", "soc@saomaibank.example", "org_member", "saomai-bank"),
        DemoUser("shop-member", "security@cholua.example", "org_member", "cholua"),
    ]
    return tuple(users)


def demo_feeds() -> tuple[DemoFeed, ...]:
    """Return feeds named like the real sources CleanNet ingests, with their real traits.

    The URLs are under ``.example`` on purpose: a demo scheduler must never fetch a real feed.
    """
    return (
        DemoFeed("shadowserver-sinkhole", "Shadowserver", "shadowserver-csv",
                 "https://reports.shadowserver.example/event4_sinkhole", "0 6 * * *", "AMBER",
                 100, "infected-system"),
        DemoFeed("shadowserver-scan-http", "Shadowserver", "shadowserver-csv",
                 "https://reports.shadowserver.example/scan_http", "0 6 * * *", "AMBER",
                 90, "vulnerable-system"),
        DemoFeed("urlhaus", "abuse.ch", "urlhaus-csv",
                 "https://urlhaus.abuse.example/downloads/csv_recent/", "*/15 * * * *", "CLEAR",
                 90, "malware-distribution"),
        DemoFeed("threatfox", "abuse.ch", "threatfox-json",
                 "https://threatfox.abuse.example/export/json/recent/", "0 * * * *", "CLEAR",
                 80, "c2-server"),
        DemoFeed("feodotracker", "abuse.ch", "feodotracker-csv",
                 "https://feodotracker.abuse.example/downloads/ipblocklist.csv", "*/30 * * * *",
                 "CLEAR", 100, "c2-server"),
        DemoFeed("demo-honeypot", "CleanNet demo", "intelmq-json",
                 "https://honeypot.giamsat.example/events.json", "0 * * * *", "GREEN",
                 70, ""),
    )  # fmt: skip
