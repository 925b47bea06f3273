"""The URL check's answers, shared by the public page and the API.

``check_url`` says what CleanNet knows of a URL: a confirmed fake (whatever the score),
an official site of a brand, an alert (a lookalike scoring at or above the threshold) or
nothing known ("ok"). ``fake_hash_list`` is the Safe Browsing-style list: the SHA-256 of
each confirmed fake's expression ``host/`` (which covers its paths and, through the
client's host suffixes, its subdomains), served as 4-byte prefixes and, on request, as
full hashes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.url import canonicalise_url, url_host
from cleannet.engines.lookalike.hashprefix import HashPrefixIndex
from cleannet.engines.lookalike.model import Verdict
from cleannet.server.brands.alerts import (
    alert_threshold,
    confirmed_alerts,
    confirmed_fake_for,
    reasons_json,
)
from cleannet.server.brands.models import Brand
from cleannet.server.brands.services import current_scorer

MAX_URL_LENGTH = 4096
PREFIX_LENGTH = 4


@dataclass(frozen=True)
class UrlCheck:
    """The answer about one URL; ``verdict`` is ``confirmed-fake``, ``official``, ``alert`` or
    ``ok``; ``brand`` the brand's key and ``brand_name`` its name when one is concerned."""

    input: str
    canonical: str
    host: str
    registrable: str | None
    verdict: str
    brand: str | None
    brand_name: str | None
    score: int
    reasons: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "canonical": self.canonical,
            "host": self.host,
            "registrable": self.registrable,
            "verdict": self.verdict,
            "brand": self.brand,
            "score": self.score,
            "reasons": self.reasons,
        }


def _canonical(url: str) -> tuple[str, str]:
    if not url.strip():
        raise InvalidValue("url", url, "is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidValue("url", url, f"is longer than {MAX_URL_LENGTH} characters")
    return canonicalise_url(url), url_host(url)


def check_url(url: str) -> UrlCheck:
    """Return what is known of ``url``. Raises ``InvalidValue`` (field ``url``) for input that
    is not a URL with a host."""
    canonical, host = _canonical(url)
    verdict = current_scorer().score(canonical)
    kind, key, name = _answer(host, verdict)
    return UrlCheck(
        input=url,
        canonical=canonical,
        host=host,
        registrable=verdict.registrable,
        verdict=kind,
        brand=key,
        brand_name=name,
        score=verdict.score,
        reasons=reasons_json(verdict),
    )


def _answer(host: str, verdict: Verdict) -> tuple[str, str | None, str | None]:
    """The verdict word, the brand's key and name: a confirmed fake wins over any score."""
    fake = confirmed_fake_for(host)
    if fake is not None:
        return "confirmed-fake", fake.brand.key, fake.brand.name
    if verdict.official:
        kind = "official"
    else:
        kind = "alert" if verdict.is_alert(alert_threshold()) else "ok"
    return kind, verdict.brand, _brand_name(verdict.brand)


def _brand_name(key: str | None) -> str | None:
    if key is None:
        return None
    return Brand.objects.filter(key=key).values_list("name", flat=True).first()


# --- Hash prefixes ----------------------------------------------------------------------


def cache_seconds() -> int:
    return settings.CLEANNET_BRANDS.hash_cache_seconds


@dataclass(frozen=True)
class FakeHashList:
    index: HashPrefixIndex
    entries: dict[bytes, tuple[str, str]]  # full hash -> (host, brand key)


def fake_hash_list() -> FakeHashList:
    """The expressions of every confirmed fake, indexed for prefix and full-hash look-ups."""
    expressions = {f"{alert.host}/": alert.brand.key for alert in confirmed_alerts()}
    entries = {
        hashlib.sha256(expression.encode("ascii")).digest(): (expression[:-1], key)
        for expression, key in expressions.items()
    }
    return FakeHashList(HashPrefixIndex.from_expressions(expressions), entries)


def prefix_list() -> dict[str, Any]:
    """The 4-byte prefixes (hex, sorted) and the SHA-256 of their sorted concatenation."""
    prefixes = fake_hash_list().index.prefixes(PREFIX_LENGTH)
    return {
        "prefix_length": PREFIX_LENGTH,
        "prefixes": [p.hex() for p in prefixes],
        "checksum": hashlib.sha256(b"".join(prefixes)).hexdigest(),
        "cache_seconds": cache_seconds(),
    }


def full_hash_matches(prefixes: list[bytes]) -> list[dict[str, Any]]:
    """The full hashes of the confirmed fakes that begin with one of ``prefixes``."""
    hashes = fake_hash_list()
    found = hashes.index.full_hashes(prefixes)
    matches = []
    for full in found:
        host, brand = hashes.entries.get(full, ("", ""))
        matches.append({"hash": full.hex(), "host": host, "brand": brand})
    return matches
