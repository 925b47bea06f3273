"""The simulated world's catalogue: the ISPs (names, market shares) and the malware families
(most common first, how often feeds see them, how often they come back) that
``simulation_model`` draws its profiles from.

Pure numpy, no Django. The same generator gives the same profiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "FAMILIES",
    "MAX_ISPS",
    "SIM_ASN_BASE",
    "FamilyProfile",
    "IspProfile",
    "family_profiles",
    "isp_profiles",
]

SIM_ASN_BASE = 4_200_000_100
"""Simulated ISPs get 32-bit private AS numbers (RFC 6996) from here, clear of the demo's."""

# (slug, name, market share): invented names like the demo world's, shares like Vietnam's
# fixed broadband market (one large, one nearly as large, one mid-sized, a long tail).
_ISPS: tuple[tuple[str, str, float], ...] = (
    ("bachdang", "Viễn thông Bạch Đằng", 0.38),
    ("hoanglien", "Mạng Hoàng Liên", 0.27),
    ("langbiang", "Băng rộng Lang Biang", 0.14),
    ("halong", "Viễn thông Hạ Long", 0.06),
    ("tamdao", "Mạng Tam Đảo", 0.04),
    ("bana", "Truyền hình cáp Bà Nà", 0.03),
    ("phuquoc", "Di động Phú Quốc", 0.03),
    ("conson", "Mạng Côn Sơn", 0.02),
    ("yentu", "Dữ liệu Yên Tử", 0.02),
    ("ngocson", "Internet Ngọc Sơn", 0.01),
)
MAX_ISPS = 50

# Real families the encyclopedia ships (encyclopedia/data/families.json), most common first.
FAMILIES: tuple[tuple[str, str], ...] = (
    ("Mirai", "botnet"), ("Mozi", "botnet"), ("Gafgyt", "botnet"), ("Emotet", "botnet"),
    ("Qakbot", "banking_trojan"), ("AgentTesla", "infostealer"), ("Formbook", "infostealer"),
    ("RedLine", "infostealer"), ("Lumma", "infostealer"), ("njRAT", "rat"), ("AsyncRAT", "rat"),
    ("Remcos", "rat"), ("IcedID", "banking_trojan"), ("Dridex", "banking_trojan"),
    ("XMRig", "miner"), ("SmokeLoader", "loader"), ("Glupteba", "botnet"), ("Ramnit", "worm"),
    ("Sality", "worm"), ("Conficker", "worm"), ("TrickBot", "banking_trojan"),
    ("ZeuS", "banking_trojan"), ("Necurs", "botnet"), ("Andromeda", "botnet"),
    ("LokiBot", "infostealer"), ("Vidar", "infostealer"), ("Cobalt Strike", "c2_framework"),
    ("WannaCry", "ransomware"), ("LockBit", "ransomware"), ("Ryuk", "ransomware"),
)  # fmt: skip

# Sinkholes and honeypots see a botnet or worm host nearly every day; stealers far less often.
_SEEN_RATE = {"botnet": 0.7, "worm": 0.65, "miner": 0.5, "banking_trojan": 0.5, "loader": 0.5}
_DEFAULT_SEEN_RATE = 0.35
_REINFECTION_FACTOR = {"botnet": 1.6, "worm": 1.3}  # IoT with default passwords: again and again


@dataclass(frozen=True)
class IspProfile:
    """One ISP: who it is and how its subscribers and its node behave."""

    slug: str
    name: str
    domain: str
    share: float  # of the infected addresses
    cleanup_rate: float  # daily chance a warned infection is cleaned during the campaign
    delivery_rate: float  # messages delivered of those sent
    ack_share: float  # cleaned subscribers who acknowledge the warning
    reinfection_rate: float  # daily chance a cleaned address is infected again
    match_rate: float  # chance the node finds the subscriber behind a seen address
    asn: int


@dataclass(frozen=True)
class FamilyProfile:
    """One malware family: its share of the infections and how visible it is."""

    name: str
    kind: str
    share: float
    seen_rate: float  # daily chance an infected address shows up in the feeds
    trend: float  # new infections relative to its share (above 1: growing)
    reinfection_factor: float


def isp_profiles(count: int, rng: np.random.Generator) -> tuple[IspProfile, ...]:
    """Return ``count`` ISPs: the named ones first, then a tail of small ones; shares sum to 1."""
    if not 1 <= count <= MAX_ISPS:
        raise ValueError(f"isps: between 1 and {MAX_ISPS}")
    named = [(f"sim-{slug}", f"{name} (mô phỏng)", f"{slug}.example", share)
             for slug, name, share in _ISPS]  # fmt: skip
    named += [(f"sim-isp-{k}", f"Nhà mạng mô phỏng {k}", f"isp{k}.example", 0.1 / k)
              for k in range(len(_ISPS) + 1, MAX_ISPS + 1)]  # fmt: skip
    chosen = named[:count]
    total = sum(share for *_, share in chosen)
    return tuple(
        IspProfile(
            slug=slug, name=name, domain=domain, share=share / total,
            cleanup_rate=float(rng.uniform(0.005, 0.03)),
            delivery_rate=float(rng.uniform(0.90, 0.98)),
            ack_share=float(rng.uniform(0.4, 0.85)),
            reinfection_rate=float(rng.uniform(0.002, 0.01)),
            match_rate=float(rng.uniform(0.85, 0.98)),
            asn=SIM_ASN_BASE + index,
        )
        for index, (slug, name, domain, share) in enumerate(chosen)
    )  # fmt: skip


def family_profiles(count: int, rng: np.random.Generator) -> tuple[FamilyProfile, ...]:
    """Return the ``count`` most common families with Zipf-like shares (1 / rank)."""
    if not 1 <= count <= len(FAMILIES):
        raise ValueError(f"families: between 1 and {len(FAMILIES)}")
    weights = 1.0 / np.arange(1, count + 1) ** 1.1
    shares = weights / weights.sum()
    return tuple(
        FamilyProfile(
            name=name, kind=kind, share=float(share),
            seen_rate=_SEEN_RATE.get(kind, _DEFAULT_SEEN_RATE),
            trend=float(rng.uniform(0.5, 1.5)),
            reinfection_factor=_REINFECTION_FACTOR.get(kind, 0.8),
        )
        for (name, kind), share in zip(FAMILIES[:count], shares, strict=True)
    )  # fmt: skip
