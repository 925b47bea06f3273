"""Look-ups over every breach's stores: password ranges, account ranges, one identifier.

All read the process's open stores (``catalogue``); none queries the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleannet.server.leaks import index
from cleannet.server.leaks.catalogue import catalogue
from cleannet.server.leaks.models import StoreKind

PASSWORD_PREFIX = re.compile(r"[0-9A-Fa-f]{5}")
ACCOUNT_PREFIX = re.compile(r"[0-9A-Fa-f]{6}")
ACCOUNT_KINDS = (StoreKind.EMAIL.value, StoreKind.PHONE.value)


@dataclass(frozen=True)
class AccountMatch:
    """One hash suffix of an account range and the breaches whose store holds it."""

    suffix: str
    breaches: tuple[str, ...]
    sensitive: tuple[bool, ...]


def password_range(prefix: str, ntlm: bool = False) -> list[tuple[str, int]]:
    """Return ``(SUFFIX, count)`` for the 5-hex ``prefix`` over every breach's password
    store of the mode, counts of a hash in several breaches added, suffixes in order.

    The caller checks the prefix (``PASSWORD_PREFIX``); it is upper-cased here.
    """
    kind = StoreKind.PASSWORD_NTLM if ntlm else StoreKind.PASSWORD_SHA1
    stores = catalogue().range_stores(kind)
    prefix = prefix.upper()
    if len(stores) == 1:
        return list(stores[0].range(prefix))
    totals: dict[str, int] = {}
    for store in stores:  # only until the merged store of several breaches is built
        for suffix, count in store.range(prefix):
            totals[suffix] = totals.get(suffix, 0) + count
    return sorted(totals.items())


def account_range(kind: str, prefix: str) -> list[AccountMatch]:
    """Return the suffixes under the 6-hex ``prefix`` of ``kind`` (``email``/``phone``)
    with the breaches holding each, suffixes in order, breaches by name."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for opened in catalogue().stores(kind):
        for suffix, _count in opened.store.range(prefix.upper()):
            found.setdefault(suffix, []).append((opened.breach, opened.sensitive))
    return [
        AccountMatch(suffix, tuple(n for n, _ in holders), tuple(s for _, s in holders))
        for suffix, holders in sorted(found.items())
    ]


def password_count(password: str) -> int:
    """Return how many times ``password`` was seen across every breach (0 if never)."""
    sha1 = index.hash_password(password)
    return sum(store.count(sha1) for store in catalogue().range_stores(StoreKind.PASSWORD_SHA1))


def breaches_holding(kind: str, digest: bytes) -> list[str]:
    """Return the names of the breaches whose ``kind`` store holds ``digest``."""
    return [opened.breach for opened in catalogue().stores(kind) if opened.store.count(digest)]
