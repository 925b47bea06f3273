"""``/api/v1/leaks/…``: organisations' k-anonymity look-up of e-mail and phone hashes.

A bank checks its own customers without sending their addresses: it sends the first six
hex characters of the SHA-1 of a customer's address (``mailbox_key``: lower case) or of the
E.164 number (``+84…``), and matches the 34-character suffixes it gets back itself.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.api.auth import roles
from cleannet.server.leaks.services import RangeLimitExceeded, look_up_account_range

router = Router(tags=["leaks"])


class AccountRangeOut(Schema):
    suffix: str
    breaches: list[str]


@router.get(
    "/leaks/range/{kind}/{prefix}",
    response=list[AccountRangeOut],
    auth=roles(Role.ORG_MEMBER, Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST),
)
def account_range(request: HttpRequest, kind: str, prefix: str) -> Any:
    """The suffixes of known leaked ``email`` or ``phone`` hashes under a 6-hex prefix.

    Each entry: ``suffix`` (34 upper-case hex) and ``breaches`` (names; a sensitive breach
    appears as ``"sensitive"``, unnamed, except to authority staff). Every call is in the
    audit log (kind and prefix). 400 names a malformed ``kind`` or ``prefix``; 429 (with
    ``Retry-After``) past the per-minute limit.
    """
    user: User = request.auth  # type: ignore[attr-defined]
    try:
        entries = look_up_account_range(user, kind, prefix)
    except RangeLimitExceeded:
        detail = {"detail": "Too many look-ups this minute; try again shortly."}
        return JsonResponse(detail, status=429, headers={"Retry-After": "60"})
    return [{"suffix": e.suffix, "breaches": e.breaches} for e in entries]
