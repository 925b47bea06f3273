"""The address plan of the demo world: AS numbers, prefixes and abuse contacts.

Only numbers nobody routes are handed out: AS numbers from the private-use range
64512–65534 (RFC 6996); IPv4 from RFC 1918, shared address space (RFC 6598), the
benchmarking range 198.18.0.0/15 (RFC 2544); IPv6 from the documentation prefix
2001:db8::/32 (RFC 3849) and unique local addresses fd00::/8 (RFC 4193). The IPv4
documentation ranges (RFC 5737) are left out of every prefix on purpose: the event
generator uses them for sinkholes, honeypots and hosts no ISP holds.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from ipaddress import IPv6Network

from cleannet.server.demo.world_catalogue import ISPS, IspProfile
from cleannet.server.demo.world_model import (
    DemoAbuseContact,
    DemoAutonomousSystem,
    DemoPrefix,
)

PRIVATE_ASNS = range(64512, 65535)

# The ISP that sells a block during the window, and the one that buys it.
TRANSFER_FROM = "phuongnam"
TRANSFER_TO = "songhong"


@dataclass(frozen=True, slots=True)
class NetworkPlan:
    """The ASNs, prefixes and abuse contacts of every ISP, and the day a block moved."""

    autonomous_systems: tuple[DemoAutonomousSystem, ...]
    prefixes: tuple[DemoPrefix, ...]
    abuse_contacts: tuple[DemoAbuseContact, ...]
    transfer_day: dt.date


@dataclass(frozen=True, slots=True)
class _Blocks:
    """Distinct blocks drawn once for all ISPs, so no two prefixes overlap."""

    ten: list[str]
    cgnat: list[str]
    rfc1918: list[str]
    lab: list[str]
    home: list[str]
    doc6: list[str]
    ula: list[str]


def _draw_blocks(rng: random.Random, count: int) -> _Blocks:
    """Return ``count`` non-overlapping blocks of each sort (the lab range gets one extra)."""
    lab = rng.sample(range(32), count + 1)
    p172 = rng.sample(range(256), count)
    return _Blocks(
        ten=[f"10.{x}.0.0/16" for x in rng.sample(range(1, 255), count)],
        cgnat=[f"100.{x}.0.0/16" for x in rng.sample(range(64, 128), count)],
        rfc1918=[f"172.{16 + k // 16}.{(k % 16) * 16}.0/20" for k in p172],
        lab=[f"198.{18 + k // 16}.{(k % 16) * 16}.0/20" for k in lab],
        home=[f"192.168.{k * 4}.0/22" for k in rng.sample(range(64), count)],
        # 2001:db8:ff00::/40 stays free for the sinkholes and honeypots.
        doc6=[_v6(0x20010DB8 << 96 | x << 88, 40) for x in rng.sample(range(255), count)],
        ula=[_ula_prefix(rng) for _ in range(count)],
    )


def _v6(first: int, length: int) -> str:
    """Return the canonical (compressed) text of an IPv6 prefix."""
    return str(IPv6Network((first, length)))


def _ula_prefix(rng: random.Random) -> str:
    """Return an RFC 4193 /48: ``fd`` followed by a random 40-bit global ID."""
    return _v6((0xFD << 40 | rng.getrandbits(40)) << 80, 48)


def _autonomous_systems(numbers: list[int], isp: IspProfile) -> list[DemoAutonomousSystem]:
    names = [f"{isp.as_label}-AS-VN", f"{isp.as_label}-MOBILE-VN"]
    return [
        DemoAutonomousSystem(n, name, isp.slug) for n, name in zip(numbers, names, strict=False)
    ]


def _isp_prefixes(
    rng: random.Random,
    isp: IspProfile,
    asns: list[int],
    blocks: _Blocks,
    index: int,
    start: dt.date,
) -> list[DemoPrefix]:
    """Return the prefixes ``isp`` holds for the whole window, weighted by where users live."""
    since = start - dt.timedelta(days=rng.randint(400, 3650))
    fixed, mobile = asns[0], asns[-1]
    # Fixed broadband dominates; mobile subscribers sit behind CGNAT; IPv6 is a minority.
    layout: list[tuple[str, int, float]] = [
        (blocks.ten[index], fixed, 0.45),
        (blocks.cgnat[index], mobile, 0.30),
        (blocks.rfc1918[index], fixed, 0.10),
        (blocks.doc6[index], fixed, 0.08),
    ]
    if len(asns) > 1:
        layout += [(blocks.home[index], mobile, 0.03), (blocks.ula[index], mobile, 0.04)]
    if isp.slug == "caonguyen":
        layout.append((blocks.lab[index], fixed, 0.05))
    return [DemoPrefix(cidr, isp.slug, since, None, asn, weight) for cidr, asn, weight in layout]


def _transferred(
    rng: random.Random, cidr: str, asns: dict[str, list[int]], start: dt.date, days: int
) -> tuple[list[DemoPrefix], dt.date]:
    """Return the two holdings of a block sold mid-window, and the day it changed hands."""
    offset = max(1, min(days - 1, round(days * rng.uniform(0.4, 0.6))))
    day = start + dt.timedelta(days=offset)
    since = start - dt.timedelta(days=rng.randint(400, 2000))
    old = DemoPrefix(cidr, TRANSFER_FROM, since, day, asns[TRANSFER_FROM][0], 0.12)
    new = DemoPrefix(cidr, TRANSFER_TO, day, None, asns[TRANSFER_TO][0], 0.12)
    return [old, new], day


def _abuse_contacts(isp: IspProfile) -> list[DemoAbuseContact]:
    contacts = [
        DemoAbuseContact(isp.slug, "Bộ phận xử lý lạm dụng", f"abuse@{isp.domain}", "vi", True)
    ]
    if isp.as_count > 1:
        contacts.append(
            DemoAbuseContact(
                isp.slug, "Security Operations Centre", f"soc@{isp.domain}", "en", False
            )
        )
    return contacts


_BANK_CONTACTS = (
    DemoAbuseContact(
        "saomai-bank", "Trung tâm An ninh mạng", "security@saomaibank.example", "vi", True
    ),
    DemoAbuseContact(
        "trucxanh-bank", "Phòng An toàn thông tin", "cert@trucxanhbank.example", "vi", True
    ),
)


def plan_networks(rng: random.Random, start: dt.date, days: int) -> NetworkPlan:
    """Return the address plan: 1–2 private ASNs per ISP, 4–6 prefixes each, one sale."""
    blocks = _draw_blocks(rng, len(ISPS))
    numbers = rng.sample(PRIVATE_ASNS, sum(isp.as_count for isp in ISPS))
    systems: list[DemoAutonomousSystem] = []
    prefixes: list[DemoPrefix] = []
    contacts: list[DemoAbuseContact] = []
    asns: dict[str, list[int]] = {}
    for index, isp in enumerate(ISPS):
        asns[isp.slug] = sorted(numbers[len(systems) : len(systems) + isp.as_count])
        systems += _autonomous_systems(asns[isp.slug], isp)
        prefixes += _isp_prefixes(rng, isp, asns[isp.slug], blocks, index, start)
        contacts += _abuse_contacts(isp)
    moved, day = _transferred(rng, blocks.lab[len(ISPS)], asns, start, days)
    return NetworkPlan(
        tuple(systems), tuple(prefixes + moved), tuple(contacts) + _BANK_CONTACTS, day
    )
