"""What a report is about: its URL, domain and IP normalised by core, and the group key.

The group key is the URL's host, else the domain, else the IP (``""`` when none is
given): reports about the same thing share it, and triage groups them by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import normalise_domain
from cleannet.core.indicators.ip import normalise_ip
from cleannet.core.indicators.url import canonicalise_url, url_host


@dataclass(frozen=True)
class Targets:
    url: str = ""
    domain: str = ""
    ip: str = ""

    @property
    def group_key(self) -> str:
        if self.url:
            return url_host(self.url)
        return self.domain or self.ip


def _as(field: str, raw: str, normalise: Callable[[str], str]) -> str:
    text = raw.strip()
    if not text:
        return ""
    try:
        return normalise(text)
    except InvalidValue as error:
        raise InvalidValue(field, raw, error.reason) from None


def normalise_url(raw: str) -> str:
    """Return the canonical URL (or ""); raises ``InvalidValue`` for field ``target_url``."""
    return _as("target_url", raw, canonicalise_url)


def normalise_domain_field(raw: str, field: str = "target_domain") -> str:
    """Return the ASCII domain (or ""); a URL pasted here gives its host."""
    text = raw.strip()
    if "/" in text:
        return _as(field, text, url_host)
    return _as(field, text, normalise_domain)


def normalise_ip_field(raw: str, field: str = "target_ip") -> str:
    return _as(field, raw, normalise_ip)


def normalise_targets(url: str = "", domain: str = "", ip: str = "") -> Targets:
    """Normalise all three; raises ``InvalidValue`` naming the first refused field."""
    return Targets(normalise_url(url), normalise_domain_field(domain), normalise_ip_field(ip))


def normalise_list(raw: str | list[str], field: str, kind: str) -> list[str]:
    """Split a list typed one per line (or by commas/spaces) and normalise each item as
    ``kind`` (``"ip"`` or ``"domain"``); raises ``InvalidValue`` naming the field."""
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    normalise = normalise_ip_field if kind == "ip" else normalise_domain_field
    result = [normalise(item, field) for item in items if item.strip()]
    return list(dict.fromkeys(result))
