"""Brands from CSV: ``brand,name,official_domains,keywords`` (domains and keywords ``;``-separated).

``load_brands(source)`` takes the CSV text, or a path to a UTF-8 file (a BOM is allowed), and
returns the brands it could read and one ``BrandRowError`` per refused row; it raises
``ParseError`` only when the input as a whole is unusable (missing file, wrong header).

- ``brand``: the key, lower-case letters, digits, ``-`` and ``_`` (unique in the file).
- ``name``: the display name (any text, Vietnamese welcome).
- ``official_domains``: normalised by core ``normalise_domain`` (UTS #46, A-labels) and kept as
  given, not cut to registrable form: ``ebanking.example.vn`` allowlists that host and the
  names below it. At least one.
- ``keywords``: folded like the scorer folds (case, marks, ``đ`` -> ``d``, only ``a-z0-9``
  kept): ``Thế Giới Di Động`` -> ``thegioididong``. When empty, the first label of each
  official domain is used.

``BUNDLED_BRANDS`` is the path of ``data/brands-vn.csv``, the Vietnamese brands shipped with
CleanNet.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from cleannet.core.errors import InvalidIndicator, ParseError
from cleannet.core.indicators import normalise_domain
from cleannet.engines.lookalike.model import Brand
from cleannet.engines.lookalike.text import fold_keyword

__all__ = ["BUNDLED_BRANDS", "BrandRowError", "load_brands"]

BUNDLED_BRANDS = Path(__file__).resolve().parent / "data" / "brands-vn.csv"
_HEADER = ("brand", "name", "official_domains", "keywords")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True, slots=True)
class BrandRowError:
    """A refused row: ``row`` is the 1-based line number in the file (the header is row 1),
    ``field`` the column at fault, ``reason`` why."""

    row: int
    field: str
    value: str
    reason: str


class _RowRefused(Exception):
    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def _read_text(source: str | Path) -> tuple[str, str]:
    if isinstance(source, Path) or ("\n" not in source and source.endswith(".csv")):
        path = Path(source)
        try:
            return path.read_text(encoding="utf-8-sig"), str(path)
        except (OSError, UnicodeDecodeError) as error:
            raise ParseError(str(path), 0, f"cannot be read: {error}") from None
    return source.removeprefix("\ufeff"), "<brands>"


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _domains(cell: str | None) -> tuple[str, ...]:
    domains: list[str] = []
    for raw in _split(cell):
        try:
            domains.append(normalise_domain(raw))
        except InvalidIndicator as error:
            raise _RowRefused("official_domains", raw, error.reason) from None
    if not domains:
        raise _RowRefused("official_domains", cell or "", "names no official domain")
    return tuple(dict.fromkeys(domains))


def _keywords(cell: str | None, domains: tuple[str, ...]) -> tuple[str, ...]:
    raw_keywords = _split(cell) or [domain.split(".")[0] for domain in domains]
    keywords: list[str] = []
    for raw in raw_keywords:
        folded = fold_keyword(raw)
        if not folded:
            raise _RowRefused("keywords", raw, "has no letters or digits once folded")
        keywords.append(folded)
    return tuple(dict.fromkeys(keywords))


def _brand(row: dict[str, str | None]) -> Brand:
    key = (row.get("brand") or "").strip().lower()
    if not _KEY.fullmatch(key):
        raise _RowRefused("brand", key, "must be letters, digits, '-' or '_' (up to 64)")
    name = (row.get("name") or "").strip() or key
    domains = _domains(row.get("official_domains"))
    return Brand(key, name, domains, _keywords(row.get("keywords"), domains))


def _check_header(reader: csv.DictReader[str], where: str) -> None:
    fields = tuple(name.strip().lower() for name in reader.fieldnames or ())
    missing = [name for name in _HEADER if name not in fields]
    if missing:
        raise ParseError(where, 1, f"the header lacks {', '.join(missing)} (needs {_HEADER})")
    reader.fieldnames = list(fields)


def load_brands(source: str | Path) -> tuple[list[Brand], list[BrandRowError]]:
    """Return the brands of a CSV (text or path) and the rows refused, each naming its field.

    Raises ``ParseError`` if the file cannot be read or the header lacks a column.
    """
    text, where = _read_text(source)
    reader = csv.DictReader(io.StringIO(text))
    _check_header(reader, where)
    brands: list[Brand] = []
    errors: list[BrandRowError] = []
    keys: set[str] = set()
    for row in reader:
        number = reader.line_num
        try:
            brand = _brand(row)
            if brand.key in keys:
                raise _RowRefused("brand", brand.key, "repeats a brand key of an earlier row")
        except _RowRefused as refused:
            errors.append(BrandRowError(number, refused.field, refused.value, refused.reason))
            continue
        keys.add(brand.key)
        brands.append(brand)
    return brands, errors
