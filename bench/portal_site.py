"""The scratch site of the portal benchmark: a fresh database with the demo world, an API
token, and the request lists wrk rotates through.

Usage (in the site's environment, see ``portal_http.site_env``):
``python bench/portal_site.py SITE_DIR SEED DAYS EVENTS``. It migrates the database named by
``DATABASE_URL``, loads the demo world of ``SEED`` through ``load_world`` (the services, as
``cleannet demo --no-serve`` does), issues an API token to the world's first analyst and
writes ``SITE_DIR/plan.json`` (the token, counts) and one request list per page
(``SITE_DIR/<page>.txt``, see ``bench/portal_wrk.lua``).
"""

from __future__ import annotations

import ipaddress
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any

# Names no brand resembles: the URL check answers "ok" for these.
BENIGN_HOSTS = (
    "hoa-sen-travel.example",
    "maytre.example",
    "news.example",
    "thoitiet.example",
    "dulich-halong.example",
    "sach-cu.example",
)
# Lookalikes not seen before: the check scores them (the API also records an alert).
FRESH_LOOKALIKES = (
    "saomaibank-khuyenmai.example",
    "trucxanhbank-xacthuc.example",
    "cholua-quatang.example",
)


def _address_order(text: str) -> tuple[int, int]:
    address = ipaddress.ip_address(text)
    return address.version, int(address)


def hit_and_miss_addresses(seen: list[str], count: int) -> tuple[list[str], list[str]]:
    """Return up to ``count`` addresses of ``seen`` (in events) and as many neighbours that
    are not in ``seen`` (the same prefixes, no events): both kinds of visitor."""
    known = set(seen)
    hits = sorted(known, key=_address_order)
    step = max(1, len(hits) // count) if hits else 1
    hits = hits[::step][:count]
    misses: list[str] = []
    for text in hits:
        address = ipaddress.ip_address(text)
        for offset in range(1, 256):
            candidate = str(address + offset)
            if candidate not in known:
                misses.append(candidate)
                break
    return hits, misses


def url_lines(official: list[str], fakes: list[str], lookalikes: list[str]) -> list[str]:
    """Return the URLs the URL check is asked, in a fixed interleaved order: official
    sites, confirmed fakes, lookalikes and benign names, each with a path."""
    groups = [
        [f"https://{host}/" for host in official],
        [f"https://{host}/dang-nhap" for host in fakes],
        [f"http://{host}/login?next=/tai-khoan" for host in [*lookalikes, *FRESH_LOOKALIKES]],
        [f"https://{host}/bai-viet/123" for host in BENIGN_HOSTS],
    ]
    lines: list[str] = []
    longest = max(len(group) for group in groups)
    for index in range(longest):
        lines += [group[index % len(group)] for group in groups if group]
    return lines


def request_lists(hits: list[str], misses: list[str], urls: list[str]) -> dict[str, list[str]]:
    """Return each page's request lines: ``PATH`` or ``PATH<TAB>X-Forwarded-For value``."""
    visitors = [address for pair in zip(hits, misses, strict=False) for address in pair]
    quoted = [urllib.parse.quote(url, safe="") for url in urls]
    return {
        "home": ["/"],
        "check_ip": [f"/check-ip/\t{address}" for address in visitors],
        "url_check_page": [f"/brands/check/?url={url}" for url in quoted],
        "url_check_api": [f"/api/v1/url-check?url={url}" for url in quoted],
    }


def _load(seed: int, days: int, events: int) -> dict[str, Any]:
    from django.core.management import call_command

    from cleannet.server.demo import demo_passwords, generate_world, load_world

    call_command("migrate", interactive=False, verbosity=0)
    world = generate_world(seed=seed, days=days, events=events)
    summary = load_world(world, passwords=demo_passwords(world.users))
    return {"events_accepted": summary.events_accepted, "families": summary.families}


def _token() -> str:
    from cleannet.server.accounts.models import User
    from cleannet.server.accounts.roles import Role
    from cleannet.server.accounts.services import issue_api_token

    analyst = User.objects.filter(role=Role.AUTHORITY_ANALYST).order_by("pk").first()
    if analyst is None:
        raise RuntimeError("the demo world has no analyst to hold the API token")
    return issue_api_token(None, analyst, "portal benchmark").token


def _seen_addresses(limit: int) -> list[str]:
    from cleannet.server.intel.models import Event

    found = Event.objects.exclude(source_ip=None).order_by("-time_source")
    seen = found.values_list("source_ip", flat=True).distinct()[: limit * 4]
    return [str(address) for address in seen]


def _brand_hosts() -> tuple[list[str], list[str], list[str]]:
    from cleannet.server.brands.models import AlertStatus, LookalikeAlert, OfficialDomain

    official = sorted(OfficialDomain.objects.values_list("domain", flat=True))
    alerts = LookalikeAlert.objects.order_by("host")
    fakes = list(alerts.filter(status=AlertStatus.CONFIRMED).values_list("host", flat=True))
    others = list(alerts.exclude(status=AlertStatus.CONFIRMED).values_list("host", flat=True))
    return official, fakes, others


def prepare(site_dir: Path, seed: int, days: int, events: int, addresses: int = 200) -> None:
    """Load the site and write its plan and request lists under ``site_dir``."""
    loaded = _load(seed, days, events)
    hits, misses = hit_and_miss_addresses(_seen_addresses(addresses), addresses // 2)
    urls = url_lines(*_brand_hosts())
    for page, lines in request_lists(hits, misses, urls).items():
        (site_dir / f"{page}.txt").write_text("\n".join(lines) + "\n")
    plan = loaded | {
        "token": _token(),
        "seed": seed,
        "days": days,
        "events": events,
        "addresses_in_events": len(hits),
        "addresses_not_in_events": len(misses),
        "urls": len(urls),
    }
    (site_dir / "plan.json").write_text(json.dumps(plan, indent=2) + "\n")


def main(argv: list[str]) -> int:
    site_dir = Path(argv[0])
    site_dir.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    prepare(site_dir, int(argv[1]), int(argv[2]), int(argv[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
