"""Table ``record_names``: the distinct names (``qname``) of the records, plan a's input.

A name is read once per row group from the Parquet dictionary pages (``parquet_dictionaries``)
instead of once per record: 50M records of a day hold about 12.6M dictionary entries for 1.6M
names, and the records' data pages (the indices) are not decoded at all. A file whose
``qname`` column is not wholly dictionary-encoded is read in full, as before.

The pages are gathered in a thread from the moment the session opens, while DuckDB loads the
indicators (DuckDB releases the interpreter lock while it works). Should DuckDB refuse the
scratch file (pages it cannot decode), every file is read in full instead, and an error then
names the file it is in.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from cleannet.engines.matching.parquet_dictionaries import DictionaryFile

__all__ = ["RecordNames"]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _gather(files: Sequence[Path], target: Path) -> tuple[bool, list[Path]]:
    """Write the dictionary pages of ``files`` to ``target``; return whether it holds any
    value and the files that have no dictionary pages (to be read in full)."""
    out = DictionaryFile(target)
    full = [path for path in files if not out.add(path, "qname")]
    return out.close() > 0, full


class RecordNames:
    """The records' names for one session: made when the session opens (the pages are
    gathered at once), ``create_table`` when a plan needs them, ``close`` at the end (it
    removes the scratch file)."""

    def __init__(self, files: Sequence[Path], work_dir: Path) -> None:
        self._files = list(files)
        self._target = work_dir / f"qname-dictionaries-{uuid.uuid4().hex}.parquet"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cleannet-names")
        self._gathered = self._pool.submit(_gather, self._files, self._target)

    def create_table(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create ``record_names(qname)`` on ``con``, whose view ``records`` reads the files."""
        written, full = self._gathered.result()
        try:
            self._create(con, written, full)
        except duckdb.Error:
            if not written:
                raise
            self._create(con, False, self._files)

    def _create(self, con: duckdb.DuckDBPyConnection, written: bool, full: list[Path]) -> None:
        parts = []
        if full or not self._files:
            names = ", ".join(_literal(str(path)) for path in full)
            where = f"filename IN ({names}) AND " if self._files else ""
            parts.append(f"SELECT qname FROM records WHERE {where}qname IS NOT NULL")  # noqa: S608
        if written:
            source = f"read_parquet({_literal(str(self._target))})"
            parts.append(f"SELECT value AS qname FROM {source}")  # noqa: S608
        if not parts:  # the files hold no name
            con.execute("CREATE OR REPLACE TEMP TABLE record_names (qname VARCHAR)")
            return
        union = " UNION ALL ".join(parts)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE record_names AS SELECT DISTINCT qname FROM ({union})"  # noqa: S608
        )

    def close(self) -> None:
        self._gathered.cancel()
        self._pool.shutdown(wait=True)
        self._target.unlink(missing_ok=True)
