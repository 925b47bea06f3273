"""What notice templates are rendered with: the real contexts and the sample one.

Every value is plain data (strings, numbers, datetimes, lists): a template can reach no
model and call no method. The keys are fixed by the notices contract; ``sample_context``
has every key the real contexts have, so a template that renders with the sample renders
with real data too.

The database look-ups behind them (a family's encyclopedia page, the ISP's name) are
remembered per process in ``LookupCache``s: emptied at once when this process saves a
template, family, alias, page or organisation (signals) or when Django's cache is cleared,
and at the latest ``FAMILY_TTL_SECONDS`` after they were filled (what changes made by other
processes wait for).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import NoReverseMatch, reverse

from cleannet.server.accounts.models import Organisation
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.encyclopedia.models import FamilyProfile, localised
from cleannet.server.intel.models import MalwareAlias, MalwareFamily
from cleannet.server.intel.naming import alias_key
from cleannet.server.notices.models import (
    NoticeTemplate,
    OwnerReport,
    SubscriberContact,
    WarningTicket,
)
from cleannet.server.notices.vocabulary import NoticeKind

__all__ = [
    "FAMILY_TTL_SECONDS",
    "OWNER_REPORT_KEYS",
    "SUBSCRIBER_KEYS",
    "LookupCache",
    "family_details",
    "forget_lookups",
    "owner_report_context",
    "sample_context",
    "scanner_url",
    "site_link",
    "subscriber_context",
]

SUBSCRIBER_KEYS = (
    "ticket", "family", "family_url", "removal_steps", "page_url", "scanner_url", "isp",
    "ip", "first_found", "last_found", "stage", "reinfected",
)  # fmt: skip
OWNER_REPORT_KEYS = (
    "ticket", "organisation", "period_start", "period_end", "event_count", "by_type",
    "by_family", "format", "download_url", "attached",
)  # fmt: skip


FAMILY_TTL_SECONDS = 60.0
"""How long another process may show a family's old page or the ISP's old name: the
encyclopedia and the organisations change rarely, and a warning a minute behind is fine."""

_GENERATION_KEY = "cleannet:notices:lookup-generation"
_V = TypeVar("_V")


def _generation() -> str:
    """The current generation of notice data, kept in Django's cache: a new one starts
    when this process saves a template, family or organisation, or the cache is cleared."""
    token = cache.get(_GENERATION_KEY)
    if token is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(_GENERATION_KEY)
    return str(token)


def forget_lookups() -> None:
    """Start a new generation: every ``LookupCache`` of this process (and of every process
    when Django's cache is shared) is emptied before its next use."""
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, None)


class LookupCache(Generic[_V]):
    """A bounded per-process memo of database look-ups, emptied when the generation
    changes (``forget_lookups``) and ``ttl`` seconds after it was first filled (what other
    processes' changes wait for at most)."""

    def __init__(self, ttl: float, max_entries: int = 4096) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._entries: dict[object, _V] = {}
        self._generation, self._expires = "", 0.0
        self._lock = threading.Lock()

    def fresh(self) -> bool:
        """Empty the memo when it is out of date; True when it was kept."""
        generation, now = _generation(), time.monotonic()
        if generation == self._generation and now < self._expires:
            return True
        with self._lock:
            self._entries = {}
            self._generation, self._expires = generation, now + self.ttl
        return False

    def get(self, key: object, load: Callable[[], _V]) -> _V:
        """Return the value remembered for ``key``, else ``load()`` (remembered)."""
        self.fresh()
        try:
            return self._entries[key]
        except KeyError:
            pass
        value = load()
        self.put(key, value)
        return value

    def put(self, key: object, value: _V) -> None:
        """Remember ``value`` for ``key`` (until the memo is emptied)."""
        with self._lock:
            if len(self._entries) >= self.max_entries and key not in self._entries:
                self._entries = {}  # a cold start is cheap; an unbounded memo is not
            self._entries[key] = value


def _changed(**_kwargs: Any) -> None:
    # Now for this connection (it sees its own writes); after the commit again, so that a
    # thread which refilled its memo from the old rows in between forgets them too.
    forget_lookups()
    transaction.on_commit(forget_lookups)


for _model in (NoticeTemplate, MalwareFamily, MalwareAlias, FamilyProfile, Organisation):
    for _signal in (post_save, post_delete):
        _signal.connect(_changed, sender=_model, dispatch_uid=f"notices-lookups-{_model.__name__}")

# The addresses depend on the settings (CLEANNET_SITE_URL, the URL configuration).
setting_changed.connect(lambda **_kwargs: forget_lookups(), weak=False, dispatch_uid="notices")

_DETAILS: LookupCache[tuple[str, str, tuple[str, ...]]] = LookupCache(FAMILY_TTL_SECONDS)
_LINKS: LookupCache[str] = LookupCache(FAMILY_TTL_SECONDS, max_entries=16)
_UNLINKED: LookupCache[list[tuple[frozenset[str], FamilyProfile]]] = LookupCache(FAMILY_TTL_SECONDS)
_ISP: LookupCache[str] = LookupCache(FAMILY_TTL_SECONDS, max_entries=1)


def site_link(url_name: str, *args: object, fallback: str = "") -> str:
    """Return the named page's address, absolute under ``CLEANNET_SITE_URL`` when it is set
    (a path otherwise); ``fallback`` (a path) when the name is not mounted."""
    try:
        path = reverse(url_name, args=args)
    except NoReverseMatch:
        path = fallback
    site = str(getattr(settings, "CLEANNET_SITE_URL", "") or "").rstrip("/")
    return site + path if path.startswith("/") else path


def scanner_url() -> str:
    """The free tools page (the endpoint scanner's download)."""
    return _LINKS.get("scanner", lambda: site_link("selfcheck:tools", fallback="/tools/"))


def _unlinked_pages() -> list[tuple[frozenset[str], FamilyProfile]]:
    """Pages not linked to an intel family yet, with their folded names (a few hundred)."""
    return [
        (frozenset(alias_key(n) for n in (page.name, page.slug, *page.aliases)), page)
        for page in FamilyProfile.objects.filter(family__isnull=True)
    ]


def _family_page(name: str) -> FamilyProfile | None:
    """The encyclopedia page about ``name`` (its name, short name or an alias, folded)."""
    key = alias_key(name)
    if not key:
        return None
    keys = {key}
    family = MalwareAlias.objects.filter(alias=key).select_related("family").first()
    if family is not None:
        page = FamilyProfile.objects.filter(family_id=family.family_id).first()
        if page is not None:
            return page
        keys |= {alias_key(family.family.name), alias_key(family.family.slug)}
    for names, page in _UNLINKED.get("all", _unlinked_pages):
        if keys & names:
            return page
    return None


def family_details(name: str, language: str) -> tuple[str, str, list[str]]:
    """Return (display name, encyclopedia address, removal steps in ``language``) of the
    family ``name``; the name as given, the encyclopedia's list and no steps when the
    encyclopedia has no page about it. Remembered for ``FAMILY_TTL_SECONDS``."""
    found, url, steps = _DETAILS.get((name, language), lambda: _family_details(name, language))
    return found, url, list(steps)


def _family_details(name: str, language: str) -> tuple[str, str, tuple[str, ...]]:
    page = _family_page(name)
    if page is None:
        return name, site_link("encyclopedia:list", fallback="/malware/"), ()
    steps = [line.strip() for line in localised(page, "removal", language).splitlines()]
    url = site_link("encyclopedia:family", page.slug, fallback=f"/malware/{page.slug}/")
    return page.name, url, tuple(step for step in steps if step)


def _isp_name() -> str:
    """The ISP this node belongs to: the one ISP organisation in its database, else ""."""
    return _ISP.get("isp", _find_isp_name)


def _find_isp_name() -> str:
    names = list(
        Organisation.objects.filter(kind=OrganisationKind.ISP).values_list("name", flat=True)[:2]
    )
    return names[0] if len(names) == 1 else ""


def subscriber_context(
    ticket: WarningTicket,
    contact: SubscriberContact,
    page_url: str,
    *,
    stage: str | None = None,
    isp: str | None = None,
) -> dict[str, Any]:
    """Return the context of a subscriber warning about ``ticket`` in ``contact``'s language.

    ``stage`` is the stage being sent (the ticket's last stage by default); ``isp`` the
    ISP's name (the node's one ISP organisation by default, "" when there is none or many).
    """
    family, family_url, steps = family_details(ticket.family, contact.language)
    return {
        "ticket": ticket.number,
        "family": family,
        "family_url": family_url,
        "removal_steps": steps,
        "page_url": page_url,
        "scanner_url": scanner_url(),
        "isp": _isp_name() if isp is None else isp,
        "ip": ticket.last_ip or "",
        "first_found": ticket.first_found,
        "last_found": ticket.last_found,
        "stage": ticket.stage if stage is None else stage,
        "reinfected": ticket.reinfected,
    }


def _pairs(value: Any) -> list[tuple[str, int]]:
    """``[[name, n], …]`` or ``{name: n}`` from a report's summary, as (name, n) pairs."""
    items = value.items() if isinstance(value, dict) else value or []
    return [(str(name), int(n)) for name, n in items]


def owner_report_context(
    report: OwnerReport, download_url: str = "", *, attached: bool = True
) -> dict[str, Any]:
    """Return the context of the e-mail that sends ``report`` to its network owner.

    ``by_type``/``by_family`` come from the report's summary, most events first; a family
    of "" stands for events of no known family.
    """
    summary = report.summary or {}
    return {
        "ticket": report.number,
        "organisation": report.organisation.name,
        "period_start": report.first_event_at,
        "period_end": report.last_event_at,
        "event_count": report.event_count,
        "by_type": _pairs(summary.get("by_type")),
        "by_family": _pairs(summary.get("by_family")),
        "format": report.get_format_display(),
        "download_url": download_url,
        "attached": attached,
    }


_SAMPLE_STEPS = {
    "vi": [
        "Khởi động lại thiết bị (camera, bộ định tuyến, đầu ghi).",
        "Đổi ngay mật khẩu quản trị mặc định thành mật khẩu mạnh, riêng cho từng thiết bị.",
        "Cập nhật firmware mới nhất từ nhà sản xuất.",
    ],
    "en": [
        "Restart the device (camera, router, video recorder).",
        "Change the default administrator password at once to a strong one.",
        "Install the latest firmware from the manufacturer.",
    ],
}
_SAMPLE_SITE = "https://cleannet.example"
# As long as the real ones (tickets.new_page_token: 32 characters), so the SMS length
# checked on the sample is the length sent.
_SAMPLE_TOKEN = "q3Xv9TbL0pWm2sKd7fRhYc4Nz8Ua1eGo"  # noqa: S105 (made up)


def _sample_site() -> str:
    return str(getattr(settings, "CLEANNET_SITE_URL", "") or "").rstrip("/") or _SAMPLE_SITE


def _sample_subscriber(language: str) -> dict[str, Any]:
    site = _sample_site()
    return {
        "ticket": "W-2026-000123",
        "family": "Mirai",
        "family_url": f"{site}/malware/mirai/",
        "removal_steps": list(_SAMPLE_STEPS["en" if language == "en" else "vi"]),
        "page_url": f"{site}/notice/{_SAMPLE_TOKEN}/",
        "scanner_url": f"{site}/tools/",
        "isp": "Song Hong Net",
        "ip": "203.0.113.45",
        "first_found": dt.datetime(2026, 3, 1, 8, 15, tzinfo=dt.UTC),
        "last_found": dt.datetime(2026, 3, 3, 21, 40, tzinfo=dt.UTC),
        "stage": "first",
        "reinfected": False,
    }


def _sample_owner_report() -> dict[str, Any]:
    return {
        "ticket": "R-2026-000042",
        "organisation": "Song Hong Net",
        "period_start": dt.datetime(2026, 3, 2, 0, 5, tzinfo=dt.UTC),
        "period_end": dt.datetime(2026, 3, 2, 23, 50, tzinfo=dt.UTC),
        "event_count": 37,
        "by_type": [("infected-system", 30), ("c2-server", 5), ("scanner", 2)],
        "by_family": [("Mirai", 21), ("Emotet", 9), ("", 7)],
        "format": "CSV",
        "download_url": f"{_sample_site()}/workspace/reports/R-2026-000042/csv/",
        "attached": True,
    }


def sample_context(kind: str, language: str = "vi") -> dict[str, Any]:
    """Return made-up but realistic values for every key of ``kind``'s context (the removal
    steps in ``language``): what previews and template checks render with."""
    if kind == NoticeKind.OWNER_REPORT:
        return _sample_owner_report()
    return _sample_subscriber(language)
