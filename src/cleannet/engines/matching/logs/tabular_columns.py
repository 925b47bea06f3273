"""Column-at-a-time conversions for CSV and Parquet input: no Python loop per row.

Times are converted by Arrow kernels; addresses, names and URLs go through core's
normalisers once per distinct value of a batch (``dictionary_encode``), through the same
memoised ``Values`` the line readers use, so every reader gives the same canonical text.
Each function returns the converted column with a null where a value is missing or refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from cleannet.engines.matching.logs.base import LogMappingError

MICROS = 1_000_000
_ISO = (
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})(?:[.,](?P<frac>\d+))?"
    r"\s*(?P<zone>Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$"
)
_EPOCH = r"^\d{1,11}(?:\.\d+)?$"
_PORT = r"^\d{1,5}$"
_WALL = "%Y-%m-%dT%H:%M:%S"


def as_text(column: pa.Array) -> pa.Array:
    """Return ``column`` as trimmed strings, an empty value as null."""
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def map_distinct(
    column: pa.Array,
    convert: Callable[[str], str | None],
    known: Mapping[str, str] | None = None,
) -> pa.Array:
    """Return ``convert`` applied to each value of string ``column``, once per distinct value;
    ``known`` (the converter's cache) is looked in first, saving a call per value it holds."""
    encoded = pc.dictionary_encode(column)
    distinct = encoded.dictionary.to_pylist()
    if known is None:
        mapped = [convert(value) for value in distinct]
    else:  # a cached refusal is "", which falls through to convert and its None
        mapped = [known.get(value) or convert(value) for value in distinct]
    return pa.array(mapped, pa.string()).take(encoded.indices)


def _fraction_micros(fraction: pa.Array) -> pa.Array:
    digits = pc.utf8_rpad(pc.utf8_slice_codeunits(fraction, 0, 6), width=6, padding="0")
    return pc.cast(digits, pa.int64())


def _zone_offset_micros(zone: str) -> int | None:
    if zone in ("", None):
        return None
    if zone in ("Z", "z", "UTC"):
        return 0
    digits = zone[1:].replace(":", "").ljust(4, "0")
    offset = (int(digits[:2]) * 3600 + int(digits[2:4]) * 60) * MICROS
    return -offset if zone[0] == "-" else offset


def _local_micros(naive: pa.Array, tz: ZoneInfo | None) -> pa.Array:
    """Naive timestamps read in ``tz`` → µs since the epoch (all null without ``tz``)."""
    if tz is None:
        return pa.nulls(len(naive), pa.int64())
    # As times.in_zone: an hour repeated when clocks go back is its first occurrence, a time
    # the clocks skipped is refused (it does not read back as itself).
    aware = pc.assume_timezone(naive, timezone=tz.key, ambiguous="earliest", nonexistent="earliest")
    exists = pc.equal(pc.local_timestamp(aware), naive)
    return pc.if_else(exists, aware.cast(pa.int64()), None)


def _iso_text_micros(text: pa.Array, tz: ZoneInfo | None) -> tuple[pa.Array, pa.Array]:
    parts = pc.extract_regex(text, pattern=_ISO)
    date, clock, fraction, zone = (parts.field(name) for name in ("date", "time", "frac", "zone"))
    wall_text = pc.binary_join_element_wise(date, clock, "T")
    parsed = pc.strptime(wall_text, format=_WALL, unit="us", error_is_null=True)
    # strptime rolls 30 February over into March: only a time that prints back is real.
    real = pc.equal(pc.strftime(parsed.cast(pa.timestamp("s")), format=_WALL), wall_text)
    naive = pc.if_else(real, parsed, None)
    offsets = map_distinct_int(zone, _zone_offset_micros)
    wall = pc.add(naive.cast(pa.int64()), _fraction_micros(fraction))
    zoned = pc.subtract(wall, offsets)
    local = pc.add(_local_micros(naive, tz), _fraction_micros(fraction))
    local_rows = pc.and_(pc.is_valid(naive), pc.is_null(offsets))
    zoneless = local_rows if tz is None else _none(text)
    return pc.if_else(local_rows, local, zoned), zoneless


def _epoch_text_micros(text: pa.Array) -> pa.Array:
    # As times.epoch_micros: through a double, rounded to the microsecond.
    epoch = pc.fill_null(pc.match_substring_regex(text, _EPOCH), False)
    seconds = pc.cast(pc.if_else(epoch, text, "0"), pa.float64())
    micros = pc.round(pc.multiply(seconds, float(MICROS))).cast(pa.int64())
    return pc.if_else(epoch, micros, None)


def _cast_or_none(column: pa.Array, to: pa.DataType) -> pa.Array | None:
    try:
        return column.cast(to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _text_micros(text: pa.Array, tz: ZoneInfo | None) -> tuple[pa.Array, pa.Array]:
    """Text times: Arrow's own parser when a whole batch is of one shape (ISO 8601 with an
    offset, or without one), the regular expressions below only for a mixed batch."""
    zoned = _cast_or_none(text, pa.timestamp("us", "UTC"))
    if zoned is not None:
        return zoned.cast(pa.int64()), _none(text)
    shortest = pc.min(pc.utf8_length(text)).as_py()
    naive = _cast_or_none(text, pa.timestamp("us")) if (shortest or 0) >= 19 else None
    if naive is not None:  # every value has a date and a time and no zone
        return _local_micros(naive, tz), pc.is_valid(naive) if tz is None else _none(text)
    iso, zoneless = _iso_text_micros(text, tz)
    return pc.coalesce(iso, _epoch_text_micros(text)), pc.fill_null(zoneless, False)


def map_distinct_int(column: pa.Array, convert: Callable[[str], int | None]) -> pa.Array:
    """Like ``map_distinct`` for a function giving integers."""
    encoded = pc.dictionary_encode(column)
    mapped = pa.array([convert(value) for value in encoded.dictionary.to_pylist()], pa.int64())
    return mapped.take(encoded.indices)


def utc_micros(column: pa.Array, tz: ZoneInfo | None) -> tuple[pa.Array, pa.Array]:
    """Return (µs since the epoch, UTC, null where unusable; True where a time has no zone
    and ``tz`` is None).

    Accepted: Arrow timestamps (naive ones are read in ``tz``), numbers of epoch seconds, and
    text in ISO 8601 (``T`` or a space; an offset, ``Z``/``UTC`` or none) or epoch seconds.
    Raises ``LogMappingError`` for a column of another type.
    """
    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            return column.cast(pa.timestamp("us", "UTC")).cast(pa.int64()), _none(column)
        naive = column.cast(pa.timestamp("us"))
        return _local_micros(naive, tz), pc.is_valid(column) if tz is None else _none(column)
    if pa.types.is_integer(kind):
        return pc.multiply(column.cast(pa.int64()), MICROS), _none(column)
    if pa.types.is_floating(kind):
        scaled = pc.round(pc.multiply(column.cast(pa.float64()), float(MICROS)))
        return scaled.cast(pa.int64()), _none(column)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _text_micros(as_text(column), tz)
    raise LogMappingError(f"the time column has type {kind}; expected timestamps, numbers or text")


def _none(column: pa.Array) -> pa.Array:
    return pa.repeat(pa.scalar(False), len(column))


def _integers(text: pa.Array, valid: pa.Array) -> pa.Array:
    """``text`` as int64 where ``valid`` (its digits were checked), null elsewhere."""
    digits = pc.if_else(valid, text, "0")
    return pc.if_else(valid, pc.cast(digits, pa.int64()), None)


def ports(column: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Return (the ports as int32, null where missing or bad; True where a value was bad)."""
    if pa.types.is_integer(column.type):
        number = column.cast(pa.int64())
    else:
        text = as_text(column)
        looks = pc.fill_null(pc.match_substring_regex(text, _PORT), False)
        number = _integers(text, looks)
    in_range = pc.and_(pc.greater_equal(number, 0), pc.less_equal(number, 65535))
    good = pc.fill_null(in_range, False)
    bad = pc.and_(pc.is_valid(column_text_or(column)), pc.invert(good))
    return pc.if_else(good, number, None).cast(pa.int32()), pc.fill_null(bad, False)


def column_text_or(column: pa.Array) -> pa.Array:
    """Return ``column`` with empty text as null (other types unchanged)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return as_text(column)
    return column
