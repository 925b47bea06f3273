"""``/api/v1/networks/…``: prefixes, autonomous systems and who owns an address.

Authority staff see every organisation's records; anyone else sees their own
organisation's only, and another organisation's address is "not found" to them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.api.auth import ANY_ROLE, roles
from cleannet.server.networks.models import AutonomousSystem, Prefix
from cleannet.server.networks.services import add_prefix, owner_of, parse_time, validity_day

router = Router(tags=["networks"])

MAX_LIMIT = 1000
_AUTHORITY = tuple(AUTHORITY_ROLES)


class PrefixOut(Schema):
    id: int
    cidr: str
    family: int
    prefix_len: int
    organisation: str
    asn: int | None
    valid_from: dt.date
    valid_until: dt.date | None
    note: str

    @staticmethod
    def resolve_organisation(obj: Prefix) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_asn(obj: Prefix) -> int | None:
        return obj.asn.number if obj.asn else None


class PrefixIn(Schema):
    cidr: str
    organisation: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    asn: int | None = None
    note: str = ""


class AutonomousSystemOut(Schema):
    number: int
    name: str
    organisation: str | None
    country: str

    @staticmethod
    def resolve_organisation(obj: AutonomousSystem) -> str | None:
        return obj.organisation.slug if obj.organisation else None


class OwnerOut(Schema):
    ip: str
    at: dt.date
    prefix: str
    organisation: str
    organisation_name: str
    asn: int | None
    as_name: str | None
    valid_from: dt.date
    valid_until: dt.date | None


class Page(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _scoped_to_user(queryset: QuerySet[Prefix], user: User, slug: str | None) -> QuerySet[Prefix]:
    if not user.is_authority:
        queryset = queryset.filter(organisation=user.organisation)
    if slug:
        queryset = queryset.filter(organisation__slug=slug)
    return queryset


@router.get("/networks/prefixes", response=list[PrefixOut], auth=roles(*ANY_ROLE))
def list_prefixes(
    request: HttpRequest, page: Query[Page], organisation: str | None = None
) -> QuerySet[Prefix]:
    """List prefixes (all for authority staff, else your organisation's), by block."""
    prefixes = Prefix.objects.select_related("organisation", "asn")
    prefixes = _scoped_to_user(prefixes, _user(request), organisation)
    return prefixes[page.offset : page.offset + page.limit]


def _organisation(slug: str) -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError({"organisation": f"No organisation is called {slug!r}."})
    return found


def _autonomous_system(number: int | None) -> AutonomousSystem | None:
    if number is None:
        return None
    found = AutonomousSystem.objects.filter(number=number).first()
    if found is None:
        raise ValidationError({"asn": f"AS{number} is not known; add it first."})
    return found


@router.post(
    "/networks/prefixes",
    response={201: PrefixOut},
    auth=roles(Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST),
)
def create_prefix(request: HttpRequest, payload: PrefixIn) -> Status[Prefix]:
    """Record that an organisation holds a block; 400 names the refused field."""
    prefix = add_prefix(
        _user(request),
        payload.cidr,
        _organisation(payload.organisation),
        payload.valid_from,
        payload.valid_until,
        _autonomous_system(payload.asn),
        payload.note,
    )
    return Status(201, prefix)


@router.get("/networks/owner", response=OwnerOut, auth=roles(*_AUTHORITY, Role.ISP_OPERATOR))
def get_owner(request: HttpRequest, ip: str, at: str | None = None) -> OwnerOut:
    """Who held ``ip`` at ``at`` (default now): the longest matching prefix.

    ``at`` is ISO 8601 (a bare date or a time without zone is UTC). An ISP operator only
    gets an answer for addresses in its own prefixes; any other address is 404.
    """
    when = parse_time(at, "at") if at else timezone.now()
    found = owner_of(ip, when)
    user = _user(request)
    if found is None or not (user.is_authority or found.organisation.pk == user.organisation_id):
        raise HttpError(404, "No owner is known for this address at that time.")
    system = found.autonomous_system
    return OwnerOut(
        ip=found.ip,
        at=validity_day(when),
        prefix=found.prefix.cidr,
        organisation=found.organisation.slug,
        organisation_name=found.organisation.name,
        asn=system.number if system else None,
        as_name=system.name if system else None,
        valid_from=found.prefix.valid_from,
        valid_until=found.prefix.valid_until,
    )


@router.get(
    "/networks/autonomous-systems", response=list[AutonomousSystemOut], auth=roles(*ANY_ROLE)
)
def list_autonomous_systems(
    request: HttpRequest, page: Query[Page], organisation: str | None = None
) -> QuerySet[AutonomousSystem]:
    """List autonomous systems (public routing data, so every role sees all), by number."""
    systems = AutonomousSystem.objects.select_related("organisation")
    if organisation:
        systems = systems.filter(organisation__slug=organisation)
    return systems[page.offset : page.offset + page.limit]
