"""A batch of values read from one file, and what the readers of every format share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "BATCH_ROWS",
    "COLUMN_NAMES",
    "COUNT_NAMES",
    "MAX_VALUE_CHARS",
    "Batch",
    "parse_count",
    "without_ending",
]

BATCH_ROWS = 8192
MAX_VALUE_CHARS = 1024
# Header names (lower case, without spaces, '_' or '-') that hold each kind of value.
COLUMN_NAMES: Mapping[str, tuple[str, ...]] = {
    "email": ("email", "mail", "emailaddress", "useremail", "thudientu"),
    "phone": (
        "phone",
        "phonenumber",
        "mobile",
        "msisdn",
        "tel",
        "telephone",
        "sdt",
        "sđt",
        "sodienthoai",
        "dienthoai",
    ),
    "password": ("password", "pass", "passwd", "pwd", "plaintext", "matkhau"),
    "hash": ("hash", "sha1", "ntlm", "nthash", "passwordhash"),
}
COUNT_NAMES = ("count", "occurrences", "prevalence", "seen", "times")
_MAX_COUNT_DIGITS = 12


@dataclass
class Batch:
    """Values read from ``source``: ``None`` refused by the reader, ``""`` nothing to import.

    ``counts`` is ``None`` when every count is 1; ``lines`` is ``None`` when value ``i`` was
    read on line ``first_line + i``.
    """

    source: str
    values: list[str | None]
    first_line: int = 1
    counts: list[int] | None = None
    lines: list[int] | None = None

    def line(self, index: int) -> int:
        """Return the line number of value ``index``."""
        return self.lines[index] if self.lines is not None else self.first_line + index


def parse_count(text: str) -> int | None:
    """Return ``text`` as a count (a whole number, 0 or more) or ``None`` if it is not one."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_COUNT_DIGITS:
        return None
    return int(text)


def without_ending(raw: bytes) -> bytes:
    """Return a line without its ``\\n`` or ``\\r\\n``."""
    if raw.endswith(b"\n"):
        return raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    return raw
