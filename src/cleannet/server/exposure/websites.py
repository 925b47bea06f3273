"""The website check of a scan run: the pages of the scope's sites, read for signs of compromise.

Which sites: every exact host name among the run's targets (a scope's ``*.`` patterns name no
site) that ``check_hostname`` still accepts, on each of its addresses where a port of
``WEBSITE_PORTS`` answered in this run's port scan. Nothing else is fetched: a name is never
checked on an address the scope does not cover, nor on a port this run found closed.

Each site's ``/`` is fetched with the engine's ``fetch_and_check`` (scanner User-Agent, body
cap, redirects only to names of the scope) and its findings (``injected-script``,
``malicious-link``, ``defacement``) join the probes' findings. The known-bad domains are the
host names of currently valid domain and URL indicators that may be shared with the site's
owner (not TLP:RED nor AMBER+STRICT), most recently seen first, at most ``MAX_BAD_DOMAINS``.

Fixing: a website finding is fixed only when its (address, port) was checked again and the
page no longer shows it, or the port was found closed; ``held_back`` lists the ones a run did
not look at, so the generic ``mark_fixed`` leaves them open.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import IndicatorKind, registrable_domain, url_host
from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import ProbeContext, set_probe_context
from cleannet.engines.exposure.ratelimit import NetworkPacer
from cleannet.engines.exposure.scanner import user_agent
from cleannet.engines.exposure.scope import OutOfScope, Resolver, Scope, check_hostname
from cleannet.engines.exposure.targets import system_resolver
from cleannet.engines.exposure.website import fetch_and_check
from cleannet.server.exposure.models import ExposureFinding, ScanRun, ScanScope
from cleannet.server.intel.models import Indicator, Tlp

__all__ = [
    "MAX_BAD_DOMAINS",
    "WEBSITE_PORTS",
    "WEBSITE_TAGS",
    "Site",
    "SiteCheck",
    "check_websites",
    "held_back",
    "known_bad_domains",
    "mark_sites_fixed",
    "own_domains",
    "remembering",
    "site_names",
    "websites_to_check",
]

logger = logging.getLogger(__name__)

WEBSITE_PORTS: dict[int, str] = {80: "http", 443: "https"}
"""The ports a site is fetched on, and the scheme used on each."""

WEBSITE_TAGS = frozenset({"injected-script", "malicious-link", "defacement"})
"""The tags only the website check produces."""

MAX_BAD_DOMAINS = 100_000
"""At most this many known-bad names are compared with a page (the most recently seen)."""

WEBSITE_TIMEOUT = 10.0
SITE_CONCURRENCY = 20
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CHUNK = 500  # keeps "pk IN (...)" under SQLite's bound-parameter limit
_SHAREABLE_TLP = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER)  # the finding names the domain to the owner

Pair = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Site:
    """One page to fetch: the address and port to connect to, and the URL asked for."""

    target: Target
    url: str


@dataclass
class SiteCheck:
    """What the website check of a run looked at (address, port) and what it found."""

    checked: set[Pair] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)


def remembering(resolve: Resolver = system_resolver) -> Resolver:
    """``resolve`` asked once per name: the port scan and the website check of one run see
    the same addresses, and DNS is queried once."""

    @functools.cache
    def remembered(name: str) -> tuple[str, ...]:
        return tuple(resolve(name))

    return remembered


def site_names(targets: Iterable[str]) -> list[str]:
    """The exact host names among ``targets`` (not addresses, networks or ``*.`` patterns)."""
    names = (t.strip().rstrip(".").lower() for t in targets)
    return [n for n in dict.fromkeys(names) if n and _is_name(n)]


def _is_name(text: str) -> bool:
    return "/" not in text and ":" not in text and not text.startswith("*.") and not _dotted(text)


def _dotted(text: str) -> bool:
    return all(part.isdigit() for part in text.split("."))


def own_domains(hostnames: Iterable[str]) -> set[str]:
    """The scope's names as domains: ``*.example.vn`` stands for ``example.vn`` and below."""
    return {h.removeprefix("*.").rstrip(".").lower() for h in hostnames if h.strip()}


def known_bad_domains(now: dt.datetime, limit: int = MAX_BAD_DOMAINS) -> set[str]:
    """The host names of domain and URL indicators valid at ``now`` that may be shown to a
    site's owner, the most recently seen first, at most ``limit``.

    Names are kept as they are (the engine matches them and every name below them), never
    widened to their registrable domain, and a URL on a public suffix names nothing: one bad
    URL on a shared host must not make every link to that host look malicious.
    """
    valid = Q(valid_from__lte=now) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
    rows = (
        Indicator.objects.filter(valid, tlp__in=_SHAREABLE_TLP)
        .filter(kind__in=(IndicatorKind.DOMAIN.value, IndicatorKind.URL.value))
        .order_by("-last_seen", "-id")
        .values_list("kind", "value")
    )
    names: set[str] = set()
    for kind, value in rows.iterator(chunk_size=2000):
        name = _indicator_host(kind, value)
        if name:
            names.add(name)
            if len(names) >= limit:
                break
    return names


def _indicator_host(kind: str, value: str) -> str:
    """The name an indicator condemns, or "" for an address or a public suffix."""
    try:
        host = value.rstrip(".").lower() if kind == IndicatorKind.DOMAIN.value else url_host(value)
        return host if not _dotted(host) and registrable_domain(host) else ""
    except (InvalidIndicator, ValueError):  # an IPv6 host, or a host no domain rule accepts
        return ""


def websites_to_check(
    scope: Scope,
    names: Iterable[str],
    open_ports: Collection[Pair],
    today: dt.date,
    resolve: Resolver,
) -> list[Site]:
    """The pages to fetch: each name ``scope`` accepts on ``today``, on each of its addresses
    whose ``WEBSITE_PORTS`` port is among ``open_ports``. A refused name is skipped (the port
    scan already logged its refusal)."""
    sites: list[Site] = []
    for name in names:
        try:
            addresses = check_hostname(scope, name, today, resolve)
        except OutOfScope:
            continue
        for ip in addresses:
            for port, scheme in WEBSITE_PORTS.items():
                if (ip, port) in open_ports:
                    sites.append(Site(Target(ip, port, name), _url(scheme, name, port)))
    return sites


def _url(scheme: str, name: str, port: int) -> str:
    return f"{scheme}://{name}/" if _DEFAULT_PORTS[scheme] == port else f"{scheme}://{name}:{port}/"


@dataclass(frozen=True)
class _Checking:
    scope: Scope
    today: dt.date
    resolve: Resolver
    bad: set[str]
    own: set[str]
    timeout: float

    def allowed(self, host: str) -> bool:
        try:
            check_hostname(self.scope, host, self.today, self.resolve)
        except OutOfScope:
            return False
        return True


def check_websites(
    scope: Scope,
    sites: list[Site],
    *,
    today: dt.date,
    now: dt.datetime,
    contact_url: str,
    resolve: Resolver,
    timeout: float = WEBSITE_TIMEOUT,
) -> SiteCheck:
    """Fetch every site's page and return what was checked and found.

    A page that cannot be fetched gives no findings (and its earlier findings count as fixed,
    as a probe's do when the service stops answering). Must not be called from a running
    event loop. Raises ``ScopeError`` for a bad ``contact_url``.
    """
    if not sites:
        return SiteCheck()
    agent = user_agent(contact_url)
    checking = _Checking(
        scope, today, resolve, known_bad_domains(now), own_domains(scope.hostnames), timeout
    )
    results = asyncio.run(_check_all(sites, checking, agent))
    # A site whose page could not be read was not checked: its open findings stay open.
    checked = {(site.target.ip, site.target.port) for site, found in results if found is not None}
    return SiteCheck(checked, [finding for _, found in results for finding in found or ()])


async def _check_all(
    sites: list[Site], checking: _Checking, agent: str
) -> list[tuple[Site, list[Finding] | None]]:
    set_probe_context(ProbeContext(user_agent=agent))  # fetch_page names the scanner with it
    pacer = NetworkPacer([(net, checking.scope.rate_per_second) for net in checking.scope.networks])
    slots = asyncio.Semaphore(SITE_CONCURRENCY)

    async def one(site: Site) -> tuple[Site, list[Finding] | None]:
        async with slots:
            await pacer.wait(site.target.ip)
            try:
                found = await fetch_and_check(
                    site.target,
                    site.url,
                    known_bad_domains=checking.bad,
                    own_domains=checking.own,
                    allowed=checking.allowed,
                    timeout=checking.timeout,
                )
            except Exception:  # one site's trouble must not fail the run of the whole scope
                logger.exception("website check of %s failed", site.url)
                found = None
            return site, found

    return list(await asyncio.gather(*(one(site) for site in sites)))


def _open_site_rows(scope: ScanScope) -> list[ExposureFinding]:
    return list(
        ExposureFinding.objects.filter(scope=scope, fixed_at__isnull=True, tag__in=WEBSITE_TAGS)
    )


def held_back(
    scope: ScanScope, checked: Collection[Pair], closed: Collection[Pair]
) -> list[ExposureFinding]:
    """The open website findings of ``scope`` on an (address, port) this run neither checked
    nor found closed: the generic ``mark_fixed`` must count them as seen."""
    return [
        row
        for row in _open_site_rows(scope)
        if (row.ip, row.port) not in checked and (row.ip, row.port) not in closed
    ]


def mark_sites_fixed(
    run: ScanRun, seen: Collection[ExposureFinding], checked: Collection[Pair], now: dt.datetime
) -> int:
    """Set ``fixed_at`` on the open website findings of ``run``'s scope on a checked
    (address, port) that the check did not see again; return how many."""
    seen_ids = {row.pk for row in seen}
    stale = [
        row.pk
        for row in _open_site_rows(run.scope)
        if row.pk not in seen_ids and (row.ip, row.port) in checked
    ]
    fixed = 0
    for start in range(0, len(stale), _CHUNK):
        chunk = stale[start : start + _CHUNK]
        fixed += ExposureFinding.objects.filter(pk__in=chunk).update(fixed_at=now, last_run=run)
    return fixed
