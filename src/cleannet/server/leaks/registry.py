"""The breach registry: add, edit and delete breaches, and import their leaked data.

Each change is made in one transaction with its audit entry, and tells every process to
reload its open stores. Refused input raises Django's ``ValidationError`` naming the field.
Store files are written under a new name on each import and the old file is deleted once
the new one is recorded, so a process still reading the old file is never disturbed.
"""

from __future__ import annotations

import logging
import secrets
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.leaks import index
from cleannet.server.leaks.catalogue import (
    PASSWORD_KINDS,
    breach_dir,
    bump_generation,
    rebuild_combined_passwords,
    store_dir,
)
from cleannet.server.leaks.index import ImportSummary
from cleannet.server.leaks.models import Breach, BreachStore, DataClass, StoreKind

logger = logging.getLogger(__name__)

# What ``import_breach_file`` accepts as ``kind``, the stores each fills, and the data class.
IMPORT_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "password": ((StoreKind.PASSWORD_SHA1, StoreKind.PASSWORD_NTLM), DataClass.PASSWORD),
    "email": ((StoreKind.EMAIL,), DataClass.EMAIL),
    "phone": ((StoreKind.PHONE,), DataClass.PHONE),
}
EDITABLE = frozenset(
    {
        "title",
        "organisation",
        "occurred_on",
        "discovered_on",
        "published_on",
        "data_classes",
        "record_count",
        "sensitive",
        "source",
        "description",
    }
)


def _check_details(details: Mapping[str, Any]) -> None:
    unknown = set(details) - EDITABLE
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "is not a breach detail"})
    classes = details.get("data_classes", [])
    wrong = [code for code in classes if code not in DataClass.values]
    if wrong:
        raise ValidationError({"data_classes": f"{wrong[0]!r} is not a known data class"})
    if "title" in details and not str(details["title"]).strip():
        raise ValidationError({"title": "must not be empty"})


def _check_name(name: str) -> None:
    try:
        validate_slug(name)
    except ValidationError:
        raise ValidationError({"name": f"{name!r} is not a short name (letters, -, _)"}) from None


def add_breach(actor: User | None, name: str, title: str = "", **details: Any) -> Breach:
    """Create the breach ``name`` (a slug); ``details`` are ``Breach`` fields in ``EDITABLE``."""
    _check_name(name)
    _check_details({"title": title or name, **details})
    if Breach.objects.filter(name=name).exists():
        raise ValidationError({"name": f"a breach named {name!r} exists"})
    with transaction.atomic():
        breach = Breach.objects.create(name=name, title=title or name, **details)
        record_change(actor, "breach.add", breach, after=snapshot(breach))
    bump_generation()
    return breach


def edit_breach(actor: User | None, breach: Breach, **changes: Any) -> Breach:
    """Change the breach's details (``EDITABLE`` fields) and return it."""
    _check_details(changes)
    with transaction.atomic():
        before = snapshot(breach)
        for field, value in changes.items():
            setattr(breach, field, value)
        breach.save()
        record_change(actor, "breach.edit", breach, before, snapshot(breach))
    bump_generation()  # the sensitive flag travels with the open stores
    return breach


def _remove_files(paths: Sequence[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def delete_breach(actor: User | None, breach: Breach) -> None:
    """Delete ``breach``, its store records and its store files."""
    directory = breach_dir(breach.name)
    had_passwords = breach.stores.filter(kind__in=PASSWORD_KINDS).exists()
    with transaction.atomic():
        before, pk = snapshot(breach), breach.pk
        breach.delete()
        breach.pk = pk  # the audit entry names what was deleted
        record_change(actor, "breach.delete", breach, before=before)
    if had_passwords:
        rebuild_combined_passwords()
    shutil.rmtree(directory, ignore_errors=True)
    bump_generation()


def _breach_for_import(name: str, data_class: str) -> Breach:
    breach = Breach.objects.filter(name=name).first()
    if breach is None:
        return add_breach(None, name, data_classes=[data_class])
    if data_class not in breach.data_classes:
        edit_breach(None, breach, data_classes=[*breach.data_classes, data_class])
    return breach


def _new_store_path(name: str, kind: str) -> Path:
    directory = breach_dir(name)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    return directory / f"{kind}-{stamp}-{secrets.token_hex(3)}.store"


def _record_store(breach: Breach, kind: str, path: Path, summary: ImportSummary) -> Path | None:
    """Point the breach's ``kind`` store at ``path``; return the file it replaces."""
    counts = index.summary_counts(summary, kind)
    previous = BreachStore.objects.filter(breach=breach, kind=kind).first()
    relative = path.relative_to(store_dir()).as_posix()
    fields = {"path": relative, "imported_at": timezone.now(), **counts}
    row, _ = BreachStore.objects.update_or_create(breach=breach, kind=kind, defaults=fields)
    record_change(None, "breach_store.import", row, after={"kind": kind, **counts})
    return store_dir() / previous.path if previous and previous.path != relative else None


def import_breach_file(
    breach_name: str,
    kind: str,
    paths: Sequence[Path | str],
    *,
    hashed: bool = False,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    fmt: str | None = None,
) -> ImportSummary:
    """Import leaked ``paths`` of ``kind`` (``password``, ``email``, ``phone``) into the
    breach ``breach_name`` (created if new), replacing what an earlier import of that kind
    stored; return the engine's ``ImportSummary`` (``read == used + bad + skipped``).

    Only hashes are stored; a password fills the SHA-1 and the NTLM store. ``fmt``: ``text``,
    ``combo``, ``csv`` or ``jsonl`` (default: from the extension); ``mapping``:
    ``{"value": column, "count": column}`` when the header names are not the usual ones;
    ``hashed``: the rows hold hex digests (``HASH[:COUNT]``); ``progress(rows_read)``.
    Raises ``ValidationError`` for an unknown kind or a bad breach name, the engine's
    ``ImportFormatError`` or ``OSError`` for input it cannot read; nothing changes then.
    """
    if kind not in IMPORT_KINDS:
        raise ValidationError({"kind": f"{kind!r} is not one of {', '.join(IMPORT_KINDS)}"})
    _check_name(breach_name)
    store_kinds, data_class = IMPORT_KINDS[kind]
    written = {k: _new_store_path(breach_name, k) for k in store_kinds}
    try:
        summary = index.import_into_stores(
            [Path(p) for p in paths], written, fmt=fmt, hashed=hashed, mapping=mapping,
            progress=progress,
        )  # fmt: skip
        with transaction.atomic():
            breach = _breach_for_import(breach_name, data_class)
            replaced = [_record_store(breach, k, written[k], summary) for k in store_kinds]
    except BaseException:
        _remove_files(list(written.values()))
        raise
    if set(store_kinds) & set(PASSWORD_KINDS):
        rebuild_combined_passwords()
    _remove_files([path for path in replaced if path is not None])
    bump_generation()
    logger.info(
        "imported %s into breach %s: %d rows read, %d bad", kind, breach_name, summary.read,
        summary.bad,
    )  # fmt: skip
    return summary


def breach_counts(breach: Breach) -> dict[str, int]:
    """Return the distinct hashes per store kind of ``breach`` (what analysts see)."""
    return dict(breach.stores.values_list("kind", "hashes"))
