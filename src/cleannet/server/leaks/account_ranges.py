"""Organisations' k-anonymity look-up of e-mail and phone hashes (a bank checking its
customers): the caller sends the first 6 hex of a SHA-1 and matches the suffixes itself.

Every look-up is counted against the caller's per-minute limit and written to the audit
log with its kind and prefix, never a suffix. Breach names: a non-sensitive breach is named;
a sensitive one is named to authority staff only and shows as ``"sensitive"`` to others
(once per suffix), so a bank learns that an address is in a sensitive breach, not which.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import User
from cleannet.server.leaks.lookups import ACCOUNT_KINDS, ACCOUNT_PREFIX, account_range
from cleannet.server.leaks.ratelimits import MINUTE, Limit, take

SENSITIVE = "sensitive"


class RangeLimitExceeded(Exception):
    """The caller used up this minute's look-ups."""


@dataclass(frozen=True)
class AccountRangeEntry:
    suffix: str
    breaches: list[str]


def check_range_request(kind: str, prefix: str) -> None:
    """Raise ``ValidationError`` naming ``kind`` or ``prefix`` when either is malformed."""
    if kind not in ACCOUNT_KINDS:
        raise ValidationError({"kind": f"{kind!r} is not one of {', '.join(ACCOUNT_KINDS)}"})
    if not ACCOUNT_PREFIX.fullmatch(prefix):
        raise ValidationError({"prefix": "must be 6 hexadecimal characters"})


def _names(breaches: tuple[str, ...], sensitive: tuple[bool, ...], named: bool) -> list[str]:
    shown = [name for name, hidden in zip(breaches, sensitive, strict=True) if named or not hidden]
    if not named and any(sensitive):
        shown.append(SENSITIVE)
    return shown


def look_up_account_range(user: User, kind: str, prefix: str) -> list[AccountRangeEntry]:
    """Return the suffixes of ``kind`` (``email``/``phone``) under ``prefix`` with their
    breaches, for ``user``.

    Raises ``ValidationError`` for a malformed kind or prefix (nothing counted), and
    ``RangeLimitExceeded`` when ``user`` is over ``CLEANNET_LEAKS_RANGES_PER_USER_MINUTE``.
    """
    check_range_request(kind, prefix)
    limit = Limit("range-user", settings.CLEANNET_LEAKS.ranges_per_user_minute, MINUTE)
    if not take(limit, str(user.pk)):
        raise RangeLimitExceeded
    named = user.is_authority
    entries = [
        AccountRangeEntry(m.suffix, _names(m.breaches, m.sensitive, named))
        for m in account_range(kind, prefix)
    ]
    after = {"kind": kind, "prefix": prefix.upper(), "suffixes": len(entries)}
    record_change(user, "leaks.account_range", user.organisation, after=after)
    return entries
