"""Importers of prefix tables: IPASN dumps, RIR delegated statistics, organisation prefix CSVs.

Every prefix is written through ``services.add_prefix`` / ``services.edit_prefix`` (each with
its audit entry), so an import is checked exactly like a change made by hand. Imports are
idempotent: a holding already recorded is counted ``unchanged``, never added twice. Each
returns an ``ImportReport``: counts of prefixes created / updated / unchanged, the rejected
lines (line number and reason), and what was held aside with why.

What the files say, and how it becomes an owner:

- **IPASN** (routing: prefix → origin AS). The prefix goes to the organisation of its AS if
  CleanNet knows the AS and its organisation; it is held from ``since`` (default today), as
  a routing snapshot says nothing about the past. A prefix whose AS is unknown, or known
  without an organisation, is held aside (counted per AS): an AS number is not an owner.
  A prefix already held by another organisation is rejected, never transferred: a change of
  hands is a decision for a person (end the holding, then import again).
- **Delegated statistics** (registration: block → holder). A record names the holder only by
  its opaque id; the ASN records with the same opaque id in the same file are that holder's
  AS numbers. The holder is matched to the one organisation that owns those AS numbers in
  CleanNet, or to the organisation given for it in ``holders`` (opaque id → short name),
  which wins. No match, or ASes of several organisations, holds the holder's prefixes aside.
  Prefixes are held from the delegation date (``OPEN_START`` when the file has none), without
  an AS: registration says nothing about routing. IPv4 counts that are not one CIDR are
  split into the fewest CIDRs.
- **Organisation prefixes** (CSV ``organisation,cidr,asn,valid_from,valid_until``): the
  history as written. A row matches the holding of the same block, organisation and first
  day; a different ``valid_until`` or AS updates it; an empty AS leaves the AS as it is.
  An unknown organisation (short name) or AS is rejected: create them first.
"""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TextIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.engines.feeds.attribution import (
    DelegatedRecord,
    LineEntry,
    LineReject,
    PrefixEntry,
    iter_delegated,
    iter_ipasn,
    iter_org_prefixes,
)
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.networks.models import AutonomousSystem, Prefix
from cleannet.server.networks.services import add_prefix, edit_prefix, validity_day

__all__ = [
    "OPEN_START",
    "ImportReport",
    "Progress",
    "import_delegated",
    "import_ipasn",
    "import_org_prefixes",
]

OPEN_START = dt.date(1970, 1, 1)
"""First day stored for a holding whose start is not known (before any registry record)."""

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while an import runs (lines, or delegated records)."""

_BATCH = 500  # lines per transaction: a crash keeps whole batches, and locks stay short
_PROGRESS_EVERY = 1000


@dataclass
class ImportReport:
    """What an import did: prefixes created, updated, unchanged; lines rejected; held aside.

    ``held_aside`` counts prefixes that were read but not attributed, per reason (for
    example ``AS64499: not known to CleanNet``).
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[LineReject] = field(default_factory=list)
    held_aside: Counter[str] = field(default_factory=Counter)

    def reject(self, line: int, reason: str, raw: str = "") -> None:
        self.rejected.append(LineReject(line, reason, raw))

    def summary(self) -> str:
        """Return one line such as ``3 created, 0 updated, 1 unchanged, 2 rejected, …``."""
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected, {sum(self.held_aside.values())} held aside"
        )


def _open_text(path: Path) -> TextIO:
    """Open ``path`` as text, unpacking ``.gz``/``.bz2``; undecodable bytes become U+FFFD."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return path.open("r", encoding="utf-8-sig", errors="replace", newline="")


def _count_lines(path: Path) -> int:
    with _open_text(path) as stream:
        return sum(1 for _ in stream)


def _reason(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def _import_lines(
    path: Path,
    read: Callable[[TextIO], Iterable[LineEntry | LineReject]],
    handle: Callable[[LineEntry | LineReject], None],
    progress: Progress | None,
) -> None:
    """Read ``path`` with ``read`` and ``handle`` each row, one transaction per batch."""
    total = _count_lines(path) if progress else 0
    with _open_text(path) as stream:
        rows = iter(read(stream))
        while batch := list(islice(rows, _BATCH)):
            with transaction.atomic():
                for row in batch:
                    handle(row)
            if progress:
                progress(batch[-1].line, total)
    if progress:
        progress(total, total)


def _known_systems() -> dict[int, AutonomousSystem]:
    return {s.number: s for s in AutonomousSystem.objects.select_related("organisation")}


def _current_holdings(today: dt.date) -> dict[str, Prefix]:
    """Return the holding of each block that is held today or later (the latest if several)."""
    rows = Prefix.objects.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=today))
    return {p.cidr: p for p in rows.select_related("organisation").order_by("valid_from")}


@dataclass
class _Writer:
    """Records snapshot holdings (IPASN, delegated) into the prefix table, counting outcomes."""

    actor: User | None
    report: ImportReport
    note: str
    holdings: dict[str, Prefix]

    def hold(
        self,
        line: int,
        cidr: str,
        organisation: Organisation,
        since: dt.date,
        system: AutonomousSystem | None,
    ) -> None:
        """Add the holding, or count it unchanged/updated if the block is already held by it."""
        existing = self.holdings.get(cidr)
        if existing is not None:
            self._compare(line, existing, organisation, system)
            return
        try:
            prefix = add_prefix(self.actor, cidr, organisation, since, None, system, self.note)
        except ValidationError as error:
            self.report.reject(line, _reason(error), cidr)
            return
        self.holdings[cidr] = prefix
        self.report.created += 1

    def _compare(
        self,
        line: int,
        existing: Prefix,
        organisation: Organisation,
        system: AutonomousSystem | None,
    ) -> None:
        if existing.organisation_id != organisation.pk:
            reason = _("%(cidr)s is held by %(org)s since %(day)s; end that holding first.") % {
                "cidr": existing.cidr,
                "org": existing.organisation,
                "day": existing.valid_from.isoformat(),
            }
            self.report.reject(line, f"cidr: {reason}", existing.cidr)
        elif system is not None and existing.asn_id != system.pk:
            self.holdings[existing.cidr] = edit_prefix(self.actor, existing, asn=system)
            self.report.updated += 1
        else:
            self.report.unchanged += 1


def import_ipasn(
    path: Path | str,
    actor: User | None,
    *,
    since: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import an IPASN dump (``.gz``/``.bz2`` unpacked); return what was done.

    Each prefix goes to the organisation of its origin AS, held from ``since`` (default
    today in the platform time zone); see the module docstring for what is held aside.
    """
    path = Path(path)
    day = since or validity_day(timezone.now())
    report = ImportReport()
    systems = _known_systems()
    writer = _Writer(actor, report, f"IPASN {path.name}", _current_holdings(day))
    _import_lines(
        path, iter_ipasn, lambda row: _import_ipasn_row(row, writer, systems, day), progress
    )
    return report


def _import_ipasn_row(
    row: LineEntry | LineReject,
    writer: _Writer,
    systems: Mapping[int, AutonomousSystem],
    day: dt.date,
) -> None:
    if isinstance(row, LineReject):
        writer.report.rejected.append(row)
        return
    asn = row.entry.asn
    system = systems.get(asn) if asn is not None else None
    if system is None or system.organisation is None:
        # An AS number alone is not an owner: count it aside for a person to attach.
        if system is None:
            why = _("AS%(n)s: not known to CleanNet")
        else:
            why = _("AS%(n)s: known, without an organisation")
        writer.report.held_aside[why % {"n": asn}] += 1
        return
    writer.hold(row.line, str(row.entry.network), system.organisation, day, system)


def _holder_organisations(
    records: Iterable[DelegatedRecord],
    systems: Mapping[int, AutonomousSystem],
    holders: Mapping[str, Organisation],
) -> dict[str, Organisation | str]:
    """Return each holder id's organisation, or the reason it has none (see module docstring)."""
    orgs: dict[str, set[Organisation]] = {}
    for record in records:
        if record.holder is None:
            continue
        found = orgs.setdefault(record.holder, set())
        for number in record.asns:
            system = systems.get(number)
            if system is not None and system.organisation is not None:
                found.add(system.organisation)
    answer: dict[str, Organisation | str] = {}
    for holder, found in orgs.items():
        if holder in holders:
            answer[holder] = holders[holder]
        elif len(found) == 1:
            answer[holder] = next(iter(found))
        elif not found:
            answer[holder] = _("holder %(id)s: no AS of an organisation") % {"id": holder}
        else:
            answer[holder] = _("holder %(id)s: ASes of several organisations") % {"id": holder}
    return answer


def _read_delegated(path: Path, country: str | None, report: ImportReport) -> list[DelegatedRecord]:
    records: list[DelegatedRecord] = []
    with _open_text(path) as stream:
        for row in iter_delegated(stream, country):
            if isinstance(row, LineReject):
                report.rejected.append(row)
            else:
                records.append(row)
    return records


def _holder_map(holders: Mapping[str, str] | None) -> dict[str, Organisation]:
    """Return ``holders`` with short names turned into organisations; raise if one is unknown."""
    wanted = dict(holders or {})
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=set(wanted.values()))}
    unknown = sorted(set(wanted.values()) - set(found))
    if unknown:
        message = _("No organisation with the short name %(s)s.") % {"s": ", ".join(unknown)}
        raise ValidationError({"holders": message})
    return {holder: found[slug] for holder, slug in wanted.items()}


def import_delegated(
    path: Path | str,
    actor: User | None,
    country: str | None = None,
    *,
    holders: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a delegated statistics file (records of ``country`` only, if given).

    ``holders`` maps opaque holder ids to organisation short names, ahead of matching by AS
    (see the module docstring). Raises ``ValidationError`` naming ``country`` (not two
    letters) or ``holders`` (an unknown short name) before anything is written.
    """
    if country is not None and not (len(country) == 2 and country.isalpha()):
        raise ValidationError({"country": _("Give a two-letter country code.")})
    path, report = Path(path), ImportReport()
    by_holder = _holder_map(holders)
    records = _read_delegated(path, country, report)
    owners = _holder_organisations(records, _known_systems(), by_holder)
    addresses = [record for record in records if record.networks]
    writer = _Writer(
        actor, report, f"delegated {path.name}", _current_holdings(validity_day(timezone.now()))
    )
    for start in range(0, len(addresses), _BATCH):
        with transaction.atomic():
            for record in addresses[start : start + _BATCH]:
                _import_delegated_record(record, owners, writer)
        if progress:
            progress(min(start + _BATCH, len(addresses)), len(addresses))
    return report


def _import_delegated_record(
    record: DelegatedRecord, owners: Mapping[str, Organisation | str], writer: _Writer
) -> None:
    owner = owners.get(record.holder) if record.holder else None
    if not isinstance(owner, Organisation):
        why = owner or _("line %(n)s: no holder id") % {"n": record.line}
        writer.report.held_aside[why] += len(record.networks)
        return
    for cidr in record.networks:
        writer.hold(record.line, cidr, owner, record.day or OPEN_START, None)


def import_org_prefixes(
    path: Path | str, actor: User | None, *, progress: Progress | None = None
) -> ImportReport:
    """Import a CSV of organisation prefixes with their history; return what was done.

    Each row is one holding (see the module docstring); an empty ``valid_from`` is stored as
    ``OPEN_START``, an empty ``valid_until`` as still held.
    """
    report = ImportReport()
    organisations = {o.slug: o for o in Organisation.objects.all()}
    systems = _known_systems()

    def handle(row: LineEntry | LineReject) -> None:
        _import_org_row(row, report, actor, organisations, systems)

    _import_lines(Path(path), iter_org_prefixes, handle, progress)
    return report


def _import_org_row(
    row: LineEntry | LineReject,
    report: ImportReport,
    actor: User | None,
    organisations: Mapping[str, Organisation],
    systems: Mapping[int, AutonomousSystem],
) -> None:
    if isinstance(row, LineReject):
        report.rejected.append(row)
        return
    entry, cidr = row.entry, str(row.entry.network)
    organisation = organisations.get(entry.owner or "")
    system = systems.get(entry.asn) if entry.asn is not None else None
    if organisation is None:
        reason = _("No organisation with the short name %(s)s.") % {"s": entry.owner}
        report.reject(row.line, f"organisation: {reason}", cidr)
    elif entry.asn is not None and system is None:
        report.reject(row.line, "asn: " + _("AS%(n)s is not known.") % {"n": entry.asn}, cidr)
    else:
        try:
            _record_history(report, actor, entry, organisation, system)
        except ValidationError as error:
            report.reject(row.line, _reason(error), cidr)


def _record_history(
    report: ImportReport,
    actor: User | None,
    entry: PrefixEntry,
    organisation: Organisation,
    system: AutonomousSystem | None,
) -> None:
    """Add the holding, or bring the one with the same block, holder and start up to date."""
    cidr, start, valid_until = str(entry.network), entry.valid_from or OPEN_START, entry.valid_until
    existing = Prefix.objects.filter(cidr=cidr, organisation=organisation, valid_from=start).first()
    if existing is None:
        add_prefix(actor, cidr, organisation, start, valid_until, system)
        report.created += 1
        return
    changes: dict[str, object] = {}
    if existing.valid_until != valid_until:
        changes["valid_until"] = valid_until
    if system is not None and existing.asn_id != system.pk:
        changes["asn"] = system
    if changes:
        edit_prefix(actor, existing, **changes)
        report.updated += 1
    else:
        report.unchanged += 1
