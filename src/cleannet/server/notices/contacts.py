"""Import subscribers' contacts from the ISP's CSV list (the node keeps them; never the hub).

The file has the header ``subscriber,email,phone,language,channels`` (any order, UTF-8, a
byte-order mark tolerated). ``channels`` is ``email;sms;page`` or empty (every channel the
subscriber has an address for); a row with neither e-mail nor phone is fine, the page needs
no address. A bad row is kept as a ``ContactImportRejection`` (line, field, reason, the row as
read) and the others are imported; a subscriber listed again in the same file is counted as a
duplicate (the first row wins). ``read = accepted + rejected + duplicates`` always.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.core.indicators.email import normalise_email
from cleannet.core.indicators.phone import normalise_phone
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.config_notices import SUBSCRIBER_CHANNELS
from cleannet.server.notices.models import (
    ContactImport,
    ContactImportRejection,
    SubscriberContact,
)
from cleannet.server.notices.vocabulary import Language

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "import_contacts"]

COLUMNS = ("subscriber", "email", "phone", "language", "channels")
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
CHUNK = 500
_MAX_RAW = 1000
_MAX_SUBSCRIBER = 255

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Row:
    line: int
    raw: str
    values: dict[str, str]


@dataclass(frozen=True)
class _Contact:
    subscriber: str
    email: str
    phone: str
    language: str
    channels: list[str]


class _Refused(Exception):
    def __init__(self, field: str, reason: str) -> None:
        self.field, self.reason = field, reason


def _text(source: Path | str | bytes) -> str:
    """Return the file's text; ``InvalidValue`` (field ``file``) when too big or not UTF-8."""
    if isinstance(source, Path):
        if source.stat().st_size > MAX_BYTES:
            raise InvalidValue("file", source.name, f"is over {MAX_BYTES // 2**20} MiB")
        source = source.read_bytes()
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            raise InvalidValue("file", "", f"is over {MAX_BYTES // 2**20} MiB")
        try:
            return source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidValue("file", "", f"is not UTF-8 (byte {error.start})") from None
    if len(source) > MAX_BYTES:
        raise InvalidValue("file", "", f"is over {MAX_BYTES // 2**20} MiB")
    return source.removeprefix("\ufeff")


def _header(reader: Iterator[list[str]]) -> list[str]:
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InvalidValue("file", ",".join(header), f"has no column {', '.join(missing)}")
    return header


def _raw(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()[:_MAX_RAW]


def _rows(text: str) -> Iterator[_Row | tuple[int, str]]:
    """Yield each data row, or (line, reason) for a line the CSV reader could not read."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, f"cannot be read as CSV: {error}"
            continue
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            yield reader.line_num, f"has {len(fields)} fields, the header {len(header)}"
            continue
        yield _Row(reader.line_num, _raw(fields), dict(zip(header, fields, strict=True)))


def _address(raw: str, field: str, normalise: Callable[[str], str]) -> str:
    if not raw.strip():
        return ""
    try:
        return normalise(raw)
    except InvalidIndicator as error:
        raise _Refused(field, error.reason) from None


def _channels(raw: str) -> list[str]:
    names = [name.strip().lower() for name in raw.replace(",", ";").split(";")]
    names = [name for name in names if name]
    for name in names:
        if name not in SUBSCRIBER_CHANNELS:
            raise _Refused("channels", f"{name!r} is not one of {', '.join(SUBSCRIBER_CHANNELS)}")
    return list(dict.fromkeys(names))


def _contact(values: dict[str, str]) -> _Contact:
    """The row as a contact; raises ``_Refused`` naming the first bad field."""
    subscriber = values["subscriber"].strip()
    if not subscriber:
        raise _Refused("subscriber", "is empty")
    if len(subscriber) > _MAX_SUBSCRIBER:
        raise _Refused("subscriber", f"is over {_MAX_SUBSCRIBER} characters")
    language = values["language"].strip().lower() or Language.VI
    if language not in Language.values:
        raise _Refused("language", f"{language!r} is not one of {', '.join(Language.values)}")
    return _Contact(
        subscriber=subscriber,
        email=_address(values["email"], "email", normalise_email),
        phone=_address(values["phone"], "phone", normalise_phone),
        language=language,
        channels=_channels(values["channels"]),
    )


@dataclass
class _Read:
    contacts: dict[str, _Contact]
    rejections: list[ContactImportRejection]
    read: int = 0
    duplicates: int = 0


def _read(text: str) -> _Read:
    result = _Read(contacts={}, rejections=[])
    for row in _rows(text):
        result.read += 1
        if result.read > MAX_ROWS:
            raise InvalidValue("file", "", f"has more than {MAX_ROWS:,} rows")
        if isinstance(row, tuple):
            result.rejections.append(ContactImportRejection(line=row[0], reason=row[1], raw=""))
            continue
        try:
            contact = _contact(row.values)
        except _Refused as refused:
            result.rejections.append(
                ContactImportRejection(
                    line=row.line, field=refused.field, reason=refused.reason[:300], raw=row.raw
                )
            )
            continue
        if contact.subscriber in result.contacts:
            result.duplicates += 1
        else:
            result.contacts[contact.subscriber] = contact
    return result


_FIELDS = ["email", "phone", "language", "channels", "updated_at", "source"]


def _upsert(chunk: list[_Contact], source: ContactImport) -> None:
    stored = SubscriberContact.objects.in_bulk(
        [c.subscriber for c in chunk], field_name="subscriber"
    )
    new: list[SubscriberContact] = []
    changed: list[SubscriberContact] = []
    for contact in chunk:
        row = stored.get(contact.subscriber) or SubscriberContact(subscriber=contact.subscriber)
        row.email, row.phone, row.language = contact.email, contact.phone, contact.language
        row.channels, row.updated_at, row.source = contact.channels, source.imported_at, source
        (changed if row.pk else new).append(row)
    SubscriberContact.objects.bulk_create(new)
    SubscriberContact.objects.bulk_update(changed, _FIELDS)


def import_contacts(
    source: Path | str | bytes,
    file_name: str = "",
    *,
    actor: User | None = None,
    progress: Progress | None = None,
) -> ContactImport:
    """Read a contact list (a ``Path``, its text or its bytes) and upsert its contacts.

    Returns the stored ``ContactImport`` (its ``rejections`` list the refused rows). Raises
    ``InvalidValue`` (field ``file``) and stores nothing when the file as a whole is unusable:
    over ``MAX_BYTES``, over ``MAX_ROWS`` rows, not UTF-8, or a header missing a column.
    """
    if isinstance(source, Path):
        file_name = file_name or source.name
    result = _read(_text(source))
    contacts = list(result.contacts.values())
    with transaction.atomic():
        run = ContactImport.objects.create(
            file_name=file_name[:255] or "-", imported_at=timezone.now(), read=result.read,
            accepted=len(contacts), rejected=len(result.rejections), duplicates=result.duplicates,
        )  # fmt: skip
        for rejection in result.rejections:
            rejection.contact_import = run
        ContactImportRejection.objects.bulk_create(result.rejections, batch_size=CHUNK)
        for start in range(0, len(contacts), CHUNK):
            _upsert(contacts[start : start + CHUNK], run)
            if progress is not None:
                progress(min(start + CHUNK, len(contacts)), len(contacts))
        record_change(actor, "contact_import.run", run, after=snapshot(run))
    return run
