"""Blocklists of confirmed fake sites: an RPZ zone for DNS resolvers, a hosts file, CSV, STIX 2.1.

Every renderer takes the same ``BlockEntry`` records and first puts them in one shape
(``prepare_entries``): names normalised to lower-case A-labels (IDN in punycode, upper case and a
trailing dot folded), one entry per name (the earliest listing wins; subdomains are blocked if any
duplicate asked for them), sorted by name. A name that is not a valid hostname raises
``InvalidValue`` naming the entry, so a bad row never yields a broken file.

RPZ (``render_rpz``) follows the BIND / Unbound policy-zone format: a QNAME trigger per name and
``*.name`` for its subdomains; the action is the policy:

* ``nxdomain``: ``CNAME .`` — the name does not exist;
* ``nodata``: ``CNAME *.`` — the name exists without records;
* ``walled-garden``: ``A``/``AAAA`` local data (the warning page's addresses) or ``CNAME`` to the
  warning page's host name, so a browser lands on an explanation instead of the fake.

Serial: any value in 1‥2³²−1 that grows with each publication. ``serial_from_time`` gives the
UNIX time in seconds of the publication (or of the newest change), which grows however many times
a day the list is re-published, unlike ``YYYYMMDDnn`` that stops at 100 a day; it fits until 2106.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import domain_to_unicode, normalise_domain

__all__ = [
    "BlockEntry",
    "RpzPolicy",
    "prepare_entries",
    "render_csv",
    "render_hosts",
    "render_rpz",
    "render_stix",
    "serial_from_time",
]

RpzPolicy = Literal["nxdomain", "nodata", "walled-garden"]

_MAX_NAME = 253  # text form without the trailing dot: 255 octets on the wire
_MAX_SERIAL = 2**32 - 1
_MAX_TTL = 2**31 - 1
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Fixed so that the identity object is the same in every publication (STIX versions by time).
_IDENTITY_CREATED = "2024-01-01T00:00:00.000Z"
_STIX_NAMESPACE = uuid.UUID("6f1c3d4e-2b7a-5c8d-9e0f-1a2b3c4d5e6f")


@dataclass(frozen=True, slots=True)
class BlockEntry:
    """One confirmed fake site to block.

    ``name`` is a host name or registrable domain (normalised by the renderers); ``brand`` the
    key of the impersonated brand, if known; ``reason`` a short English sentence; ``listed_at``
    when it was confirmed (timezone-aware; shown in UTC); ``include_subdomains`` whether every
    name below it is blocked too (RPZ ``*.name``; hosts files cannot express it).
    """

    name: str
    brand: str | None
    reason: str
    listed_at: datetime
    include_subdomains: bool = True


def _prepared_one(entry: BlockEntry, index: int) -> BlockEntry:
    field = f"entries[{index}]"
    try:
        name = normalise_domain(entry.name)
    except InvalidValue as error:
        raise InvalidValue(f"{field}.name", entry.name, error.reason) from None
    if entry.listed_at.tzinfo is None or entry.listed_at.utcoffset() is None:
        raise InvalidValue(f"{field}.listed_at", entry.listed_at, "has no time zone")
    return replace(entry, name=name, listed_at=entry.listed_at.astimezone(UTC))


def prepare_entries(entries: Iterable[BlockEntry]) -> list[BlockEntry]:
    """Return the entries normalised, one per name, sorted by name.

    Of duplicates (after normalisation) the earliest listing keeps its brand and reason, and
    ``include_subdomains`` is true if any duplicate asked for it. Raises ``InvalidValue`` naming
    ``entries[i].name`` or ``entries[i].listed_at`` for a name that is not a valid hostname or a
    time without a zone.
    """
    merged: dict[str, BlockEntry] = {}
    for index, raw in enumerate(entries):
        entry = _prepared_one(raw, index)
        seen = merged.get(entry.name)
        if seen is None:
            merged[entry.name] = entry
            continue
        first = seen if seen.listed_at <= entry.listed_at else entry
        subdomains = seen.include_subdomains or entry.include_subdomains
        merged[entry.name] = replace(first, include_subdomains=subdomains)
    return [merged[name] for name in sorted(merged)]


def serial_from_time(at: datetime) -> int:
    """Return an RPZ serial for a publication at ``at``: UNIX time in whole seconds.

    Raises ``InvalidValue`` for a naive time or one outside 1970‥2106 (the 32-bit serial).
    """
    if at.tzinfo is None:
        raise InvalidValue("serial", at, "has no time zone")
    serial = int(at.timestamp())
    if not 1 <= serial <= _MAX_SERIAL:
        raise InvalidValue("serial", at, "is outside the 32-bit serial range (1970-2106)")
    return serial


def _utc_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_line(text: str) -> str:
    """Return ``text`` safe inside a one-line comment (no line breaks or control characters)."""
    return "".join(ch if ch.isprintable() else " " for ch in text).strip()


# --- RPZ -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Zone:
    origin: str  # absolute, with the trailing dot
    actions: tuple[tuple[str, str], ...]  # (type, rdata) of every trigger


def _absolute(field: str, value: str, *, single_label: bool = False) -> str:
    try:
        return normalise_domain(value, allow_single_label=single_label) + "."
    except InvalidValue as error:
        raise InvalidValue(field, value, error.reason) from None


def _walled_garden_actions(
    ipv4: str | None, ipv6: str | None, cname: str | None
) -> tuple[tuple[str, str], ...]:
    if cname is not None and (ipv4 is not None or ipv6 is not None):
        raise InvalidValue(
            "walled_garden_cname", cname, "a CNAME cannot stand beside A/AAAA at the same name"
        )
    if cname is not None:
        return (("CNAME", _absolute("walled_garden_cname", cname)),)
    actions: list[tuple[str, str]] = []
    if ipv4 is not None:
        try:
            actions.append(("A", str(ipaddress.IPv4Address(ipv4))))
        except ValueError:
            raise InvalidValue("walled_garden_ipv4", ipv4, "is not an IPv4 address") from None
    if ipv6 is not None:
        try:
            actions.append(("AAAA", str(ipaddress.IPv6Address(ipv6))))
        except ValueError:
            raise InvalidValue("walled_garden_ipv6", ipv6, "is not an IPv6 address") from None
    if not actions:
        raise InvalidValue("policy", "walled-garden", "needs walled_garden_ipv4, _ipv6 or _cname")
    return tuple(actions)


def _policy_actions(
    policy: str, ipv4: str | None, ipv6: str | None, cname: str | None
) -> tuple[tuple[str, str], ...]:
    if policy == "nxdomain":
        return (("CNAME", "."),)
    if policy == "nodata":
        return (("CNAME", "*."),)
    if policy == "walled-garden":
        return _walled_garden_actions(ipv4, ipv6, cname)
    raise InvalidValue("policy", policy, "must be nxdomain, nodata or walled-garden")


def _owners(entry: BlockEntry, origin: str) -> tuple[list[str], int]:
    """Return the owner names (relative to the origin) that fit, and how many did not."""
    wanted = [entry.name, f"*.{entry.name}"] if entry.include_subdomains else [entry.name]
    fitting = [owner for owner in wanted if len(owner) + len(origin) <= _MAX_NAME]
    return fitting, len(wanted) - len(fitting)


def _check_numbers(serial: int, ttl: int) -> None:
    if not 1 <= serial <= _MAX_SERIAL:
        raise InvalidValue("serial", serial, f"must be between 1 and {_MAX_SERIAL}")
    if not 0 <= ttl <= _MAX_TTL:
        raise InvalidValue("ttl", ttl, f"must be between 0 and {_MAX_TTL} seconds")


def _rpz_head(zone: _Zone, serial: int, ttl: int, mname: str, rname: str) -> list[str]:
    return [
        f"$ORIGIN {zone.origin}",
        f"$TTL {ttl}",
        f"@ IN SOA {mname} {rname} {serial} 3600 600 604800 {ttl}",
        f"@ IN NS {mname}",
    ]


def _rpz_body(entries: list[BlockEntry], zone: _Zone) -> tuple[list[str], int, int]:
    lines: list[str] = []
    listed = skipped = 0
    for entry in entries:
        owners, too_long = _owners(entry, zone.origin)
        skipped += too_long
        listed += bool(owners)
        note = _one_line(f"{entry.brand or '-'}: {entry.reason}")[:120]
        for owner in owners:
            for rtype, rdata in zone.actions:
                lines.append(f"{owner} IN {rtype} {rdata} ; {note}")
    return lines, listed, skipped


def render_rpz(
    entries: Iterable[BlockEntry],
    *,
    serial: int,
    policy: RpzPolicy,
    origin: str = "rpz.cleannet.vn.",
    walled_garden_ipv4: str | None = None,
    walled_garden_ipv6: str | None = None,
    walled_garden_cname: str | None = None,
    ttl: int = 300,
    soa_mname: str = "localhost.",
    soa_rname: str = "hostmaster.cleannet.vn.",
    generated_at: datetime | None = None,
) -> str:
    """Return a complete RPZ zone file (SOA, NS, one trigger per name, ``*.name`` for subdomains).

    Owner names are relative to ``$ORIGIN``. A trigger whose name would exceed 253 characters
    under the origin is left out and counted in the header (``; skipped:``), never written as a
    broken line. ``soa_mname`` is also the NS target and must lie outside the origin (no glue
    needed). Raises ``InvalidValue`` naming the field for an invalid entry name, origin, SOA name,
    walled-garden target, serial, TTL or policy.
    """
    zone = _Zone(
        origin=_absolute("origin", origin),
        actions=_policy_actions(
            policy, walled_garden_ipv4, walled_garden_ipv6, walled_garden_cname
        ),
    )
    mname = _absolute("soa_mname", soa_mname, single_label=True)
    if mname.endswith("." + zone.origin) or mname == zone.origin:
        raise InvalidValue("soa_mname", soa_mname, "must lie outside the zone (no glue records)")
    rname = _absolute("soa_rname", soa_rname)
    _check_numbers(serial, ttl)
    body, listed, skipped = _rpz_body(prepare_entries(entries), zone)
    header = [
        f"; CleanNet blocklist of confirmed fake sites, response policy zone {zone.origin}",
        f"; generated: {_utc_text(generated_at or datetime.now(UTC))}",
        f"; policy: {policy}",
        f"; names: {listed}",
        f"; skipped: {skipped} triggers too long under the origin",
    ]
    return "\n".join([*header, *_rpz_head(zone, serial, ttl, mname, rname), *body]) + "\n"


# --- hosts, CSV ------------------------------------------------------------------------------


def _hosts_names(entry: BlockEntry) -> list[str]:
    # A hosts file has no wildcards: the common "www." is the one subdomain worth adding.
    names = [entry.name]
    www = f"www.{entry.name}"
    if entry.include_subdomains and not entry.name.startswith("www.") and len(www) <= _MAX_NAME:
        names.append(www)
    return names


def render_hosts(
    entries: Iterable[BlockEntry],
    *,
    address: str = "0.0.0.0",  # noqa: S104 - the customary "nowhere" of hosts blocklists
    generated_at: datetime | None = None,
) -> str:
    """Return a hosts file mapping every name (and ``www.name`` when subdomains are blocked)
    to ``address``; names in punycode. Hosts files have no wildcards, so other subdomains are
    not blocked — the header says so. Raises ``InvalidValue`` for a bad address or name.
    """
    try:
        target = str(ipaddress.ip_address(address))
    except ValueError:
        raise InvalidValue("address", address, "is not an IP address") from None
    prepared = prepare_entries(entries)
    lines = [
        "# CleanNet blocklist of confirmed fake sites (hosts format)",
        f"# generated: {_utc_text(generated_at or datetime.now(UTC))}",
        f"# names: {len(prepared)}",
        "# Hosts files cannot block every subdomain: only each name and its www. are listed.",
        "# Use the RPZ zone on a resolver to block whole domains.",
    ]
    for entry in prepared:
        lines.extend(f"{target} {name}" for name in _hosts_names(entry))
    return "\n".join(lines) + "\n"


def _csv_cell(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


def render_csv(entries: Iterable[BlockEntry]) -> str:
    """Return CSV (RFC 4180, CRLF) with the header ``name,brand,reason,listed_at,
    include_subdomains``: names in punycode, times as ``YYYY-MM-DDTHH:MM:SSZ``, ``true``/
    ``false``. Brand and reason cells starting with ``= + - @`` get a leading ``'`` so that
    spreadsheets do not run them. Raises ``InvalidValue`` as ``prepare_entries`` does.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "brand", "reason", "listed_at", "include_subdomains"])
    for entry in prepare_entries(entries):
        writer.writerow(
            [
                entry.name,
                _csv_cell(entry.brand or ""),
                _csv_cell(entry.reason),
                _utc_text(entry.listed_at),
                "true" if entry.include_subdomains else "false",
            ]
        )
    return out.getvalue()


# --- STIX 2.1 --------------------------------------------------------------------------------


def _stix_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _stix_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _identity(identity_name: str) -> dict[str, object]:
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid5(_STIX_NAMESPACE, 'identity:' + identity_name)}",
        "created": _IDENTITY_CREATED,
        "modified": _IDENTITY_CREATED,
        "name": identity_name,
        "identity_class": "organization",
    }


def _indicator(entry: BlockEntry, identity_id: str) -> dict[str, object]:
    when = _stix_time(entry.listed_at)
    shown = domain_to_unicode(entry.name)
    scope = " and every subdomain" if entry.include_subdomains else ""
    brand = f" impersonating {entry.brand}" if entry.brand else ""
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid5(_STIX_NAMESPACE, 'domain:' + entry.name)}",
        "created_by_ref": identity_id,
        "created": when,
        "modified": when,
        "name": f"Fake site{brand}: {shown}",
        "description": f"{entry.reason} (blocked: {entry.name}{scope})",
        "indicator_types": ["malicious-activity"],
        "pattern": f"[domain-name:value = {_stix_string(entry.name)}]",
        "pattern_type": "stix",
        "valid_from": when,
        "labels": ["phishing", *([f"brand:{entry.brand}"] if entry.brand else [])],
    }


def render_stix(entries: Iterable[BlockEntry], *, identity_name: str = "CleanNet") -> str:
    """Return a STIX 2.1 bundle (JSON): the publisher's ``identity`` and one ``indicator`` per
    name with pattern ``[domain-name:value = 'name']`` (punycode), valid from ``listed_at``.

    Ids are UUIDv5 of the name (the bundle's of its content) and times come from the entries,
    so re-publishing the same list yields the same objects. Raises ``InvalidValue`` as
    ``prepare_entries`` does.
    """
    identity = _identity(identity_name)
    indicators = [_indicator(entry, str(identity["id"])) for entry in prepare_entries(entries)]
    objects = [identity, *indicators]
    content = json.dumps(objects, sort_keys=True, ensure_ascii=False)
    bundle = {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid5(_STIX_NAMESPACE, 'bundle:' + content)}",
        "objects": objects,
    }
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
