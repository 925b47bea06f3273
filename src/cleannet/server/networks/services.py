"""State changes and look-ups for networks; views, API, admin, CLI and tests all call these.

Every change is made in one transaction together with its audit entry. Refused input
raises Django's ``ValidationError`` with a dict naming the field, which the API turns
into a 400 answer.
"""

from __future__ import annotations

import datetime as dt
from ipaddress import ip_network

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import IndicatorKind, normalise, parse_asn
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.networks.attribution import Attribution, owner_of, owners_of, parse_address
from cleannet.server.networks.keys import network_keys
from cleannet.server.networks.models import AbuseContact, AutonomousSystem, Prefix
from cleannet.server.networks.validity import parse_time, validity_day

__all__ = [
    "Attribution",
    "add_abuse_contact",
    "add_autonomous_system",
    "add_prefix",
    "check_prefix",
    "check_validity",
    "edit_prefix",
    "end_prefix",
    "normalised",
    "owner_of",
    "owners_of",
    "parse_address",
    "parse_time",
    "validity_day",
]


def normalised(kind: IndicatorKind, raw: object, field: str) -> str:
    """Return ``raw`` normalised as ``kind``; raise ``ValidationError`` naming ``field``."""
    try:
        return str(normalise(kind, str(raw)).value)
    except InvalidIndicator as error:
        raise ValidationError({field: error.reason}) from None


@transaction.atomic
def add_autonomous_system(
    actor: User | None,
    number: int | str,
    name: str,
    organisation: Organisation | None = None,
    country: str = "VN",
) -> AutonomousSystem:
    """Create an autonomous system; ``number`` may be written ``AS64500``.

    Returns the new record. Raises ``ValidationError`` naming ``number`` (malformed or
    already known), ``name`` or ``country``.
    """
    try:
        value = parse_asn(number)
    except InvalidIndicator as error:
        raise ValidationError({"number": error.reason}) from None
    if AutonomousSystem.objects.filter(number=value).exists():
        raise ValidationError({"number": _("AS%(n)s is already known.") % {"n": value}})
    system = AutonomousSystem(
        number=value, name=name.strip(), organisation=organisation, country=country.upper()
    )
    if not (len(system.country) == 2 and system.country.isalpha()):
        raise ValidationError({"country": _("Give a two-letter country code.")})
    system.full_clean()
    system.save()
    record_change(actor, "autonomous_system.add", system, after=snapshot(system))
    return system


def _strict_network(cidr: str) -> str:
    """Return the canonical CIDR text; host bits set are refused, not masked."""
    return normalised(IndicatorKind.CIDR, cidr, "cidr")


def _overlapping(prefix: Prefix) -> Prefix | None:
    """Return another holding of the same block whose validity overlaps ``prefix``'s."""
    others = Prefix.objects.filter(cidr=prefix.cidr).exclude(pk=prefix.pk)
    others = others.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=prefix.valid_from))
    if prefix.valid_until is not None:
        others = others.filter(valid_from__lt=prefix.valid_until)
    return others.select_related("organisation").first()


def check_validity(prefix: Prefix) -> None:
    """Raise ``ValidationError`` if ``prefix``'s validity is empty or overlaps another holding.

    The field named is ``valid_until`` (not after ``valid_from``) or ``valid_from`` (overlap).
    """
    if prefix.valid_until is not None and prefix.valid_until <= prefix.valid_from:
        raise ValidationError({"valid_until": _("Must be after the first day held.")})
    clash = _overlapping(prefix)
    if clash is not None:
        until = clash.valid_until.isoformat() if clash.valid_until else _("now")
        raise ValidationError(
            {
                "valid_from": _("%(cidr)s is held by %(org)s from %(start)s to %(end)s.")
                % {
                    "cidr": clash.cidr,
                    "org": clash.organisation,
                    "start": clash.valid_from.isoformat(),
                    "end": until,
                }
            }
        )


def check_prefix(
    cidr: str,
    organisation: Organisation,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    asn: AutonomousSystem | None = None,
    note: str = "",
) -> Prefix:
    """Return an unsaved, fully checked ``Prefix`` (what ``add_prefix`` would store).

    Raises ``ValidationError`` naming ``cidr`` (malformed, host bits set), ``valid_until``
    (not after ``valid_from``) or ``valid_from`` (the same block is held at that time).
    """
    text = _strict_network(cidr)
    network = ip_network(text)
    start_key, end_key = network_keys(network)
    prefix = Prefix(
        cidr=text,
        family=network.version,
        prefix_len=network.prefixlen,
        start_key=start_key,
        end_key=end_key,
        asn=asn,
        organisation=organisation,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
    )
    check_validity(prefix)
    prefix.full_clean(validate_constraints=False)
    return prefix


@transaction.atomic
def add_prefix(
    actor: User | None,
    cidr: str,
    organisation: Organisation,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    asn: AutonomousSystem | None = None,
    note: str = "",
) -> Prefix:
    """Record that ``organisation`` holds ``cidr`` from ``valid_from`` (until ``valid_until``).

    ``valid_until`` is exclusive; None means still held. Returns the saved prefix.
    Raises ``ValidationError`` as ``check_prefix`` does.
    """
    prefix = check_prefix(cidr, organisation, valid_from, valid_until, asn, note)
    prefix.save()
    record_change(actor, "prefix.add", prefix, after=snapshot(prefix))
    return prefix


_EDITABLE_PREFIX_FIELDS = frozenset({"valid_until", "asn", "note"})


@transaction.atomic
def edit_prefix(actor: User | None, prefix: Prefix, **changes: object) -> Prefix:
    """Change ``valid_until``, ``asn`` or ``note`` of ``prefix``; return it saved.

    The block, holder and start day are history and cannot change: end the holding and
    add a new one instead. Raises ``ValueError`` for another field name and
    ``ValidationError`` if the new validity is empty or overlaps another holding.
    """
    unknown = set(changes) - _EDITABLE_PREFIX_FIELDS
    if unknown:
        raise ValueError(f"edit_prefix cannot change {sorted(unknown)}")
    locked = Prefix.objects.select_for_update().get(pk=prefix.pk)
    before = snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    check_validity(locked)
    locked.save()
    record_change(actor, "prefix.edit", locked, before, snapshot(locked))
    return locked


def end_prefix(actor: User | None, prefix: Prefix, valid_until: dt.date) -> Prefix:
    """Record that ``prefix`` is no longer held from ``valid_until`` on; return it saved.

    Raises ``ValidationError`` (field ``valid_until``) if that is not after ``valid_from``,
    or (field ``valid_from``) if it would now overlap a later holding of the same block.
    """
    return edit_prefix(actor, prefix, valid_until=valid_until)


def _demote_primary(actor: User | None, contact: AbuseContact) -> None:
    """Clear the current primary contact of the same organisation/prefix, if any."""
    current = AbuseContact.objects.filter(
        organisation=contact.organisation, prefix=contact.prefix, is_primary=True
    ).first()
    if current is not None:
        before = snapshot(current)
        current.is_primary = False
        current.save(update_fields=["is_primary"])
        record_change(actor, "abuse_contact.demote", current, before, snapshot(current))


@transaction.atomic
def add_abuse_contact(
    actor: User | None,
    organisation: Organisation,
    name: str,
    email: str,
    phone: str = "",
    language: str = AbuseContact.Language.VI,
    is_primary: bool = False,
    prefix: Prefix | None = None,
) -> AbuseContact:
    """Add where abuse reports go for ``organisation`` (or only for its ``prefix``).

    A new primary contact replaces the previous primary of the same scope. ``phone`` is
    stored in E.164. Returns the saved contact. Raises ``ValidationError`` naming
    ``email``, ``phone``, ``language`` or ``prefix`` (another organisation's prefix).
    """
    if prefix is not None and prefix.organisation_id != organisation.pk:
        raise ValidationError({"prefix": _("This prefix belongs to another organisation.")})
    contact = AbuseContact(
        organisation=organisation,
        prefix=prefix,
        name=name.strip(),
        email=normalised(IndicatorKind.EMAIL, email, "email"),
        phone=normalised(IndicatorKind.PHONE, phone, "phone") if phone.strip() else "",
        language=language,
        is_primary=is_primary,
    )
    contact.full_clean(validate_constraints=False)
    if is_primary:
        _demote_primary(actor, contact)
    contact.save()
    record_change(actor, "abuse_contact.add", contact, after=snapshot(contact))
    return contact
