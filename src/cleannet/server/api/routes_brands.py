"""``/api/v1/url-check…`` and ``/api/v1/brands/…``: URL checks, the hash-prefix list of
confirmed fakes, the analysts' alert queue and the organisations' own brands and alerts.

The hash-prefix interface works as Safe Browsing's: a client keeps the 4-byte prefixes
(``GET /url-check/prefixes``), hashes the lookup expressions of a URL itself
(``cleannet.engines.lookalike.hashprefix.expression_hashes``) and only on a local prefix
hit asks for the full hashes (``POST /url-check/hashes``), so the URL never leaves it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.api.auth import ANY_ROLE, roles
from cleannet.server.brands import alerts, urlcheck
from cleannet.server.brands.models import AlertStatus, Brand, LookalikeAlert

router = Router(tags=["brands"])

AUTHORITY = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)
MAX_PREFIXES = 500
_HEX_PREFIX = re.compile(r"(?:[0-9a-fA-F]{2}){4,32}")


class ReasonOut(Schema):
    code: str
    text: str
    points: int
    detail: str


class UrlCheckOut(Schema):
    input: str
    canonical: str
    host: str
    registrable: str | None
    verdict: str
    brand: str | None
    score: int
    reasons: list[ReasonOut]


class PrefixListOut(Schema):
    prefix_length: int
    prefixes: list[str]
    checksum: str
    cache_seconds: int


class HashesIn(Schema):
    prefixes: list[str]


class HashMatchOut(Schema):
    hash: str
    host: str
    brand: str


class HashesOut(Schema):
    matches: list[HashMatchOut]
    cache_seconds: int


class AlertOut(Schema):
    id: int
    brand: str
    host: str
    registrable: str
    url: str
    score: int
    reasons: list[ReasonOut]
    source: str
    first_seen: Any
    last_seen: Any
    seen_count: int
    status: str


class DecisionIn(Schema):
    note: str = ""


class DomainOut(Schema):
    domain: str
    control_method: str
    verified: bool
    txt_record: str
    file_url: str
    last_check_at: Any
    last_check_error: str


class BrandOut(Schema):
    key: str
    name: str
    keywords: list[str]
    domains: list[DomainOut]


@router.get("/url-check", response=UrlCheckOut, auth=roles(*ANY_ROLE))
def url_check(request: HttpRequest, url: str) -> Any:
    """What CleanNet knows of ``url``: ``verdict`` is ``confirmed-fake`` (an analyst confirmed
    it, whatever the score), ``official`` (a brand's verified domain), ``alert`` (a lookalike
    at or above the threshold; recorded as an alert from ``url-check``) or ``ok``. 400 names
    ``url`` when it has no host or is too long."""
    checked = urlcheck.check_url(url)
    if checked.verdict == "alert":
        alerts.record_names([checked.canonical], "url-check")
    return checked.as_dict()


@router.get("/url-check/prefixes", response=PrefixListOut, auth=roles(*ANY_ROLE))
def url_check_prefixes(request: HttpRequest) -> Any:
    """The sorted 4-byte SHA-256 prefixes (hex) of the confirmed fakes' expressions and the
    SHA-256 of their concatenation (``checksum``): a mismatch means reload the whole list."""
    return urlcheck.prefix_list()


def _prefixes(raw: list[str]) -> list[bytes]:
    if len(raw) > MAX_PREFIXES:
        raise ValidationError({"prefixes": f"at most {MAX_PREFIXES} prefixes per request"})
    for index, text in enumerate(raw):
        if not _HEX_PREFIX.fullmatch(text):
            raise ValidationError(
                {f"prefixes[{index}]": "must be 4 to 32 bytes written as even-length hex"}
            )
    return [bytes.fromhex(text) for text in raw]


@router.post("/url-check/hashes", response=HashesOut, auth=roles(*ANY_ROLE))
def url_check_hashes(request: HttpRequest, payload: HashesIn) -> Any:
    """The full hashes of confirmed fakes under the given ``prefixes`` (at most 500, each 4–32
    bytes in hex); only a full-hash match is a hit. 400 names a malformed prefix."""
    matches = urlcheck.full_hash_matches(_prefixes(payload.prefixes))
    return {"matches": matches, "cache_seconds": urlcheck.cache_seconds()}


def _alert_out(alert: LookalikeAlert) -> dict[str, Any]:
    fields = ("id", "host", "registrable", "url", "score", "reasons", "source", "status")
    data = {name: getattr(alert, name) for name in fields}
    return data | {
        "brand": alert.brand.key,
        "first_seen": alert.first_seen,
        "last_seen": alert.last_seen,
        "seen_count": alert.seen_count,
    }


def _status_filter(status: str | None) -> str | None:
    if status is not None and status not in AlertStatus.values:
        raise ValidationError({"status": f"must be one of {', '.join(AlertStatus.values)}"})
    return status


@router.get("/brands/alerts", response=list[AlertOut], auth=roles(*AUTHORITY))
def analyst_alerts(request: HttpRequest, status: str | None = "new", limit: int = 200) -> Any:
    """Alerts of every brand (``status`` new by default), the highest score first."""
    found = LookalikeAlert.objects.select_related("brand").order_by("-score", "-last_seen")
    if (wanted := _status_filter(status)) is not None:
        found = found.filter(status=wanted)
    return [_alert_out(alert) for alert in found[: max(1, min(limit, 1000))]]


@router.post("/brands/alerts/{alert_id}/confirm", response=AlertOut, auth=roles(*AUTHORITY))
def confirm(request: HttpRequest, alert_id: int, payload: DecisionIn) -> Any:
    """Confirm an alert as a fake site (listed and blocked). 400 names ``host`` for an
    official domain."""
    user: User = request.auth  # type: ignore[attr-defined]
    alert = get_object_or_404(LookalikeAlert, pk=alert_id)
    return _alert_out(alerts.confirm_alert(user, alert, payload.note))


@router.post("/brands/alerts/{alert_id}/dismiss", response=AlertOut, auth=roles(*AUTHORITY))
def dismiss(request: HttpRequest, alert_id: int, payload: DecisionIn) -> Any:
    """Dismiss an alert (a confirmed fake dismissed later leaves the lists)."""
    user: User = request.auth  # type: ignore[attr-defined]
    alert = get_object_or_404(LookalikeAlert, pk=alert_id)
    return _alert_out(alerts.dismiss_alert(user, alert, payload.note))


@router.get("/brands/mine", response=list[BrandOut], auth=roles(Role.ORG_MEMBER))
def my_brands(request: HttpRequest) -> Any:
    """The brands of the caller's organisation with their domains and control status."""
    user: User = request.auth  # type: ignore[attr-defined]
    brands = Brand.objects.filter(organisation_id=user.organisation_id).prefetch_related("domains")
    return [
        {
            "key": brand.key,
            "name": brand.name,
            "keywords": brand.keyword_list(),
            "domains": [
                {
                    "domain": d.domain,
                    "control_method": d.control_method,
                    "verified": d.is_verified,
                    "txt_record": d.txt_record,
                    "file_url": d.file_url,
                    "last_check_at": d.last_check_at,
                    "last_check_error": d.last_check_error,
                }
                for d in brand.domains.all()
            ],
        }
        for brand in brands
    ]


@router.get("/brands/mine/alerts", response=list[AlertOut], auth=roles(Role.ORG_MEMBER))
def my_alerts(request: HttpRequest, status: str | None = None, limit: int = 200) -> Any:
    """Alerts about the caller's organisation's brands, the latest first."""
    user: User = request.auth  # type: ignore[attr-defined]
    found = LookalikeAlert.objects.filter(brand__organisation_id=user.organisation_id)
    if (wanted := _status_filter(status)) is not None:
        found = found.filter(status=wanted)
    found = found.select_related("brand").order_by("-last_seen", "-id")
    return [_alert_out(alert) for alert in found[: max(1, min(limit, 1000))]]
