"""The event record: one observation from a feed, in IntelMQ's dotted field names.

An :class:`Event` is an immutable mapping of dotted keys (``source.ip``, ``time.source``,
``extra.infection``) to normalised values, checked against the catalogue in
``cleannet.core.event_fields``. It is a ``Mapping`` rather than a dataclass because the
vocabulary is IntelMQ's flat key space: parsers, the database layer and exports all
speak in those keys, ``get``/``in``/iteration come for free, and immutability keeps a
validated event valid (change one with :meth:`Event.with_fields`, which re-validates).

Required fields: ``feed.name`` (where it came from, for trust and takedown requests),
``time.source`` (when it happened, which attribution to a subscriber's lease needs) and
``classification.type`` (what it is; the taxonomy follows from the type). IntelMQ only
recommends these; CleanNet cannot route or attribute an event without them.

Empty values (``None``, blank text) are dropped, not refused: feeds leave columns empty.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator, Mapping
from datetime import datetime

from cleannet.core.errors import InvalidEvent, InvalidTaxonomy
from cleannet.core.event_fields import (
    EXTRA_PREFIX,
    FIELDS,
    KEY_PATTERN,
    REQUIRED_FIELDS,
    FieldType,
)
from cleannet.core.event_values import FieldValue, JSONValue, normalise_value
from cleannet.core.taxonomy import Classification, classify

__all__ = ["NOT_HASHED", "Event", "FieldValue", "JSONValue", "validate_field"]

NOT_HASHED: frozenset[str] = frozenset({"time.observation", "raw", "event_hash"})
"""Keys left out of :meth:`Event.event_hash`: they differ between two collections of the
same observation (collection time, the raw line's bytes, the hash itself), and the hash
exists so that the second collection is recognised as a duplicate."""


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str | bytes) and not value.strip())


def _field_type(name: object, value: object) -> FieldType:
    """Return the type of the field ``name``. Raises ``InvalidEvent`` for a bad key."""
    if not isinstance(name, str):
        raise InvalidEvent(repr(name), value, "field names must be text")
    if not KEY_PATTERN.fullmatch(name):
        reason = f"is not a valid field name (must match {KEY_PATTERN.pattern})"
        raise InvalidEvent(name, value, reason)
    if name.startswith(EXTRA_PREFIX):
        return FieldType.JSON
    spec = FIELDS.get(name)
    if spec is None:
        raise InvalidEvent(name, value, "unknown field; free-form data goes under extra.<key>")
    return spec.type


def validate_field(name: str, value: object) -> FieldValue:
    """Return ``value`` normalised for the field ``name`` (any key ``from_dict`` accepts).

    For parsers that check one column at a time and collect the errors per field.
    ``classification.type`` is checked alone here (legacy names mapped); whether it fits
    a given taxonomy is checked when the event is built.

    Raises ``InvalidEvent`` naming the field, the value and the reason: for an unknown
    or malformed name, an empty value, or a value that is not of the field's type.
    """
    kind = _field_type(name, value)
    if _is_blank(value):
        raise InvalidEvent(name, value, "is empty; leave the field out instead")
    return normalise_value(kind, name, value)


def _expanded(raw: Mapping[str, object]) -> Iterator[tuple[str, object]]:
    """Yield the items of ``raw`` with an ``extra`` object spread into ``extra.<key>``."""
    for name, value in raw.items():
        if name != "extra" or _is_blank(value):
            yield name, value
            continue
        members = validate_field("extra", value)
        assert isinstance(members, dict)
        for key, member in members.items():
            yield EXTRA_PREFIX + key, member


def _classified(values: dict[str, FieldValue]) -> None:
    """Fill ``classification.taxonomy`` from the type, or check that the pair agrees.

    Raises ``InvalidEvent`` naming the taxonomy if the type belongs to another one.
    """
    if "classification.type" not in values:
        return
    try:
        pair = classify(values["classification.type"], values.get("classification.taxonomy"))
    except InvalidTaxonomy as error:
        raise InvalidEvent(error.field, error.value, error.reason) from error
    values["classification.taxonomy"] = pair.taxonomy


def _validated(raw: Mapping[str, object]) -> dict[str, FieldValue]:
    """Return the normalised fields of ``raw``, sorted by key. Raises ``InvalidEvent``."""
    if not isinstance(raw, Mapping):
        raise InvalidEvent("event", raw, "expected a mapping of field names to values")
    values: dict[str, FieldValue] = {}
    for name, value in _expanded(raw):
        if _is_blank(value):
            continue
        if name in values:
            raise InvalidEvent(name, value, "is given twice (in extra and as extra.<key>)")
        values[name] = validate_field(name, value)
    _classified(values)
    for name, why in REQUIRED_FIELDS.items():
        if name not in values:
            raise InvalidEvent(name, None, f"is required ({why})")
    return dict(sorted(values.items()))


def _as_json(value: FieldValue) -> JSONValue:
    if isinstance(value, datetime):
        return value.isoformat()
    return copy.deepcopy(value)


class Event(Mapping[str, FieldValue]):
    """One validated, normalised event; read it like a dict keyed by dotted names.

    ``Event(fields)`` and ``Event.from_dict(fields)`` are the same. Time fields hold aware
    UTC ``datetime`` values; everything else holds JSON values. Equal events have equal
    fields, and an event equals a mapping with the same normalised fields.
    """

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, object]) -> None:
        """Validate and normalise ``fields``. Raises ``InvalidEvent`` (see ``from_dict``)."""
        self._fields = _validated(fields)

    @classmethod
    def from_dict(cls, fields: Mapping[str, object]) -> Event:
        """Return the event for ``fields``: dotted keys, plus ``extra`` as an object or text.

        Raises ``InvalidEvent`` naming the field and reason for the first key that is
        malformed or unknown, a value of the wrong type, a classification type outside
        the given taxonomy, or a missing required field.
        """
        return cls(fields)

    def __getitem__(self, name: str) -> FieldValue:
        # Extra values may be lists or objects: hand out copies so the event stays as built.
        return copy.deepcopy(self._fields[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return f"Event({self.to_dict()!r})"

    @property
    def classification(self) -> Classification:
        """Return the event's RSIT classification, with its identifier if any."""
        identifier = self._fields.get("classification.identifier", "")
        return Classification(
            str(self._fields["classification.taxonomy"]),
            str(self._fields["classification.type"]),
            str(identifier),
        )

    @property
    def extra(self) -> dict[str, JSONValue]:
        """Return the ``extra.*`` fields as one object, prefix removed."""
        prefix = len(EXTRA_PREFIX)
        return {
            name[prefix:]: _as_json(value)
            for name, value in self._fields.items()
            if name.startswith(EXTRA_PREFIX)
        }

    def to_dict(self) -> dict[str, JSONValue]:
        """Return the fields as a new JSON-safe dict, times in ISO 8601 with ``+00:00``.

        ``Event.from_dict(event.to_dict()) == event`` always holds.
        """
        return {name: _as_json(value) for name, value in self._fields.items()}

    def event_hash(self) -> str:
        """Return the SHA-256 (hex) of the canonical JSON of the fields, ``NOT_HASHED`` aside.

        Canonical JSON: keys sorted, no spaces, UTF-8, so equal events hash equally.
        """
        identity = {k: v for k, v in self.to_dict().items() if k not in NOT_HASHED}
        canonical = json.dumps(
            identity, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def with_fields(self, changes: Mapping[str, object]) -> Event:
        """Return a new event with ``changes`` applied; a ``None`` value removes a field.

        A new ``classification.type`` without a taxonomy re-derives the taxonomy.
        Raises ``InvalidEvent`` as ``from_dict`` does.
        """
        merged: dict[str, object] = dict(self.to_dict())
        if "classification.type" in changes and "classification.taxonomy" not in changes:
            del merged["classification.taxonomy"]
        merged.update(changes)
        return Event(merged)
