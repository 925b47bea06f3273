"""Converting a whole column of a block at once, with exactly the row plan's results.

A column is converted per **distinct** value: the block's values are dictionary-encoded and
each distinct text goes once through ``rowplan.value_function`` (the very code a plan runs
per row), remembered across blocks in a bounded cache. Columns whose values change on
every row (a sinkhole hit's time and source port) take a vectorised path for their common
shape (``YYYY-MM-DD HH:MM:SS`` times, digit strings within range) and send anything else
through the same per-value function. A value the function refuses marks its rows as
``failed``: the columnar reader hands those rows to the row plan, which says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.records import RowError
from cleannet.engines.feeds.rowplan import Column, ValueOf, value_function

_VALUES_LIMIT = 500_000
_TIME_SHAPE = r"^\d{4}-\d{2}-\d{2}[ T](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ABSENT = -1
"""A code meaning: the row sets no value for this field."""
FAST = -2
"""A code meaning: the value is in ``Converted.dense`` (a vectorised row)."""
_FAILED = -9

Codes = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]


@dataclass
class Converted:
    """One event field of a block: per row a code, an index into ``values`` or ABSENT or
    FAST; ``dense`` holds the FAST rows' numbers (and, for a time field, every set row's
    microseconds since the epoch, handy for windows and days)."""

    target: str
    codes: Codes
    values: list[FieldValue]
    dense: npt.NDArray[np.int64] | None = None
    is_time: bool = False

    def value(self, row: int) -> tuple[bool, FieldValue]:
        """Return ``(set, value)`` of ``row``."""
        code = self.codes[row]
        if code >= 0:
            return True, self.values[code]
        if code == FAST and self.dense is not None:
            number = int(self.dense[row])
            if self.is_time:
                return True, _EPOCH + dt.timedelta(microseconds=number)
            return True, number
        return False, None


class ColumnConverter:
    """Converts one planned column of successive blocks.

    Distinct texts get a lasting code (an index into ``values``), so a text met in an
    earlier block costs one dictionary look-up; the table is started afresh when it holds
    ``_VALUES_LIMIT`` values (batches already made keep the list they point into).
    """

    def __init__(self, column: Column, convert: Any) -> None:
        self.target = column.target
        self.zero_is_empty = column.zero_is_empty
        self.one: ValueOf = value_function(column, convert)
        self.int_range: tuple[int, int] | None = getattr(convert, "int_range", None)
        self.is_time = self.int_range is None and bool(getattr(convert, "iso_time", False))
        self.values: list[FieldValue] = []
        self.codes: dict[str, int] = {}

    @property
    def dense_input(self) -> bool:
        """Whether the column is read as plain text (vectorised) rather than dictionary."""
        return self.int_range is not None or self.is_time

    def convert(self, array: pa.Array) -> tuple[Converted, Mask]:
        """Return the converted column and the rows whose value the plan refuses."""
        if len(self.values) >= _VALUES_LIMIT:
            self.values, self.codes = [], {}
        if self.int_range is not None:
            return self._integers(array)
        if self.is_time:
            return self._times(array)
        codes = self._codes(array)
        failed = codes == _FAILED
        codes[failed] = ABSENT
        return Converted(self.target, codes, self.values), failed

    def _code(self, text: str) -> int:
        try:
            fields = self.one(text)
        except RowError:
            code = _FAILED
        else:
            if self.target in fields:
                code = len(self.values)
                self.values.append(fields[self.target])
            else:
                code = ABSENT
        self.codes[text] = code
        return code

    def _codes(self, array: pa.Array) -> Codes:
        """Return each row's code (_FAILED included), one look-up per distinct text."""
        encoded = array if pa.types.is_dictionary(array.type) else pc.dictionary_encode(array)
        get, new = self.codes.get, self._code
        texts = encoded.dictionary.to_pylist()
        known = [get(text) for text in texts]
        for number, code in enumerate(known):
            if code is None:
                known[number] = new(texts[number])
        table = np.asarray(known, dtype=np.int32)
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        return table[indices] if len(table) else np.full(len(array), ABSENT, dtype=np.int32)

    def _integers(self, array: pa.Array) -> tuple[Converted, Mask]:
        low, high = self.int_range or (0, 0)
        simple = pc.match_substring_regex(array, r"^[0-9]{1,18}$").to_numpy(zero_copy_only=False)
        numbers = np.zeros(len(array), dtype=np.int64)
        if simple.any():
            numbers[simple] = pc.cast(pc.filter(array, simple), pa.int64()).to_numpy()
        fast = simple & (numbers >= low) & (numbers <= high)
        if self.zero_is_empty:
            fast &= numbers != 0
        return self._with_slow_rows(array, fast, numbers)

    def _times(self, array: pa.Array) -> tuple[Converted, Mask]:
        shaped = pc.match_substring_regex(array, _TIME_SHAPE).to_numpy(zero_copy_only=False)
        micros = np.zeros(len(array), dtype=np.int64)
        if shaped.any():
            text = pc.replace_substring(pc.filter(array, shaped), "T", " ")
            # strptime is lenient with dates (30 February, year 0): the few distinct dates
            # are checked by Python's own calendar; the pattern already bounds the clock.
            valid = _real_dates(text)
            parsed = pc.strptime(text, format=_TIME_FORMAT, unit="s", error_is_null=True)
            stamps = pc.fill_null(pc.cast(parsed, pa.int64()), 0).to_numpy() * 1_000_000
            valid &= parsed.is_valid().to_numpy(zero_copy_only=False)
            shaped_rows = np.flatnonzero(shaped)
            micros[shaped_rows] = stamps
            shaped[shaped_rows[~valid]] = False
        return self._with_slow_rows(array, shaped, micros)

    def _with_slow_rows(
        self, array: pa.Array, fast: Mask, dense: npt.NDArray[np.int64]
    ) -> tuple[Converted, Mask]:
        """Rows off the fast path go text by text through the plan's function."""
        codes = np.full(len(array), FAST, dtype=np.int32)
        failed = np.zeros(len(array), dtype=np.bool_)
        slow_rows = np.flatnonzero(~fast)
        if len(slow_rows):
            slow = self._codes(pc.take(array, pa.array(slow_rows)))
            failed[slow_rows] = slow == _FAILED
            slow[slow == _FAILED] = ABSENT
            codes[slow_rows] = slow
            if self.is_time:
                _fill_micros(dense, slow_rows, slow, self.values)
        return Converted(self.target, codes, self.values, dense, self.is_time), failed


def _real_dates(text: pa.Array) -> Mask:
    """Return which ``YYYY-MM-DD …`` values start with a date Python's calendar has."""
    dates = pc.dictionary_encode(pc.utf8_slice_codeunits(text, 0, 10))
    good = np.array([_is_date(day) for day in dates.dictionary.to_pylist()], dtype=np.bool_)
    indices = dates.indices.to_numpy(zero_copy_only=False)
    return good[indices] if len(good) else np.zeros(len(text), dtype=np.bool_)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _fill_micros(
    micros: npt.NDArray[np.int64], rows: npt.NDArray[np.intp], codes: Codes,
    values: list[FieldValue],
) -> None:  # fmt: skip
    """Write the slow rows' datetimes into the per-row microseconds (for windows)."""
    for row, code in zip(rows.tolist(), codes.tolist(), strict=True):
        value = values[code] if code >= 0 else None
        if isinstance(value, dt.datetime):
            micros[row] = (value - _EPOCH) // dt.timedelta(microseconds=1)
