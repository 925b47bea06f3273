"""Leak index: identifiers normalised and hashed, and a k-anonymity range store.

Pure (no Django, no database). Nothing here ever keeps a plain identifier: the importer
hashes each value as it reads it, and the store holds hashes and counts only.

The door (implemented by ``identifiers`` and ``md4``; ``store`` and ``store_build``;
``importer`` over ``sources``, ``readers`` (``lines``, ``records``, ``batch``) and ``summary``;
``ranges``):

- ``Kind``: ``password_sha1`` (20-byte SHA-1 of the UTF-8 password, Pwned Passwords'
  SHA-1 mode), ``password_ntlm`` (16-byte MD4 of the UTF-16-LE password, its NTLM mode),
  ``email`` (SHA-1 of ``core`` ``mailbox_key``: ``normalise_email`` in lower case),
  ``phone`` (SHA-1 of the E.164 text ``core`` gives, e.g. ``+84912345678``).
  ``PREFIX_HEX[kind]``: 5 hex for passwords (the Pwned Passwords range), 6 for e-mail and
  phone (HIBP's breached-account range); ``HASH_BYTES[kind]``: 20 or 16.
- ``hash_identifier(kind, raw) -> bytes`` (raises ``InvalidIndicator`` from core for a value
  that is not an e-mail address or phone number); ``identifier_key(kind, raw) -> str`` (the
  text that is hashed); ``password_hashes(password) -> tuple[bytes, bytes]`` (SHA-1, NTLM);
  ``md4(message) -> bytes`` (pure Python; OpenSSL 3 has none).
- ``RangeStore``: a sorted, memory-mapped binary file of fixed-width records
  ``(hash, count: uint32)`` behind a 2**20-entry prefix table (layout in ``store``);
  ``RangeStore.open(path)``; ``store.range(prefix_hex) -> list[tuple[str, int]]``
  (upper-case hex suffixes in order, counts; 5 or 6 hex digits, the 6th filtering the 5-hex
  slice); ``store.range_records(prefix_hex)`` (the raw records); ``store.count(hash) -> int``;
  ``len(store)``; ``store.kind``. ``StoreFormatError`` for a file that is not a store.
- Building out of core: ``build_store(hashes, path, kind) -> int`` (digests or
  ``(digest, count)`` pairs in any order), ``StoreBuilder`` (``add(hashes, counts)``,
  ``finish()``) and ``merge_stores(paths, path) -> int`` (e.g. per-breach stores into one);
  chunks are sorted with numpy and merged window by window; counts of equal hashes are added.
- ``import_files(paths, outputs: {Kind: path}, *, fmt, mapping, hashed, progress) ->
  ImportSummary`` and ``import_file(path, kind, out_path, *, mapping=None, progress=None)``
  (text, ``id:password`` combo lists, CSV, JSONL; ``.gz``; already-hashed ``HASH[:COUNT]``
  input with ``hashed=True``; streaming). ``read == used + bad + skipped``; equal hashes
  merged (``summary.duplicates(kind)``); bad rows counted with file, line and reason, never
  their value. ``ImportFormatError`` for an input unusable as a whole.
- ``render_range(entries, suffix_hex_len, padding: bool) -> str`` (``SUFFIX:COUNT`` lines
  joined by CRLF; with padding, random sorted suffixes with count 0 up to ``max(n, 800)`` +
  0–200 lines), ``range_response(stores, prefix_hex, *, padding=False) -> str`` (one answer
  over several stores, counts added) and ``export_ranges(stores, directory, kind)`` (one
  static file per 5-hex prefix, ``directory/<kind>/<PREFIX>.txt``, as the range API answers
  without padding; password kinds only).
"""

from cleannet.engines.leakindex.identifiers import (
    HASH_BYTES,
    PREFIX_HEX,
    Kind,
    hash_identifier,
    identifier_key,
    password_hashes,
)
from cleannet.engines.leakindex.importer import import_file, import_files
from cleannet.engines.leakindex.md4 import md4
from cleannet.engines.leakindex.ranges import export_ranges, range_response, render_range
from cleannet.engines.leakindex.store import RangeStore, StoreFormatError
from cleannet.engines.leakindex.store_build import StoreBuilder, build_store, merge_stores
from cleannet.engines.leakindex.summary import BadRow, ImportFormatError, ImportSummary

__all__ = [
    "HASH_BYTES",
    "PREFIX_HEX",
    "BadRow",
    "ImportFormatError",
    "ImportSummary",
    "Kind",
    "RangeStore",
    "StoreBuilder",
    "StoreFormatError",
    "build_store",
    "export_ranges",
    "hash_identifier",
    "identifier_key",
    "import_file",
    "import_files",
    "md4",
    "merge_stores",
    "password_hashes",
    "range_response",
    "render_range",
]
