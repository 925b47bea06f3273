"""E-mail address indicators (``local@domain``) and the key used to look mailboxes up in leaks.

Kept simple on purpose: a dot-atom local part (RFC 5322, with the UTF-8 letters of RFC 6531),
no quoted local parts, no address literals, no comments.
"""

from __future__ import annotations

import re
import unicodedata

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators.domain import normalise_domain

__all__ = ["mailbox_key", "normalise_email"]

_MAX_LOCAL_BYTES = 64
_MAX_ADDRESS = 254
# RFC 5322 atext, plus any non-ASCII character (RFC 6531); dots only between atoms.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
_DOT_ATOM = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")


def _check_local_part(local: str, raw: str) -> None:
    if not local:
        raise InvalidIndicator("email", raw, "has nothing before the @")
    if len(local.encode("utf-8")) > _MAX_LOCAL_BYTES:
        raise InvalidIndicator("email", raw, f"local part is over {_MAX_LOCAL_BYTES} bytes")
    if any(char.isspace() or not char.isprintable() for char in local):
        raise InvalidIndicator(
            "email", raw, "local part contains whitespace or a control character"
        )
    if not _DOT_ATOM.fullmatch(local):
        raise InvalidIndicator(
            "email",
            raw,
            "local part has a dot at its start or end, two dots in a row, or a "
            "character such as ( ) , : ; < > [ \\ ]",
        )


def _split(raw: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFC", raw).strip()
    if '"' in text:
        raise InvalidIndicator("email", raw, "has a quoted local part, which is not supported")
    at_signs = text.count("@")
    if at_signs != 1:
        reason = "has no @" if at_signs == 0 else f"has {at_signs} @ signs, an address has one"
        raise InvalidIndicator("email", raw, reason)
    local, _, domain = text.partition("@")
    return local, domain


def _normalised_domain(domain: str, raw: str) -> str:
    if domain.startswith("["):
        raise InvalidIndicator(
            "email", raw, "has an address literal domain, which is not supported"
        )
    if not domain:
        raise InvalidIndicator("email", raw, "has nothing after the @")
    try:
        return normalise_domain(domain)
    except InvalidIndicator as error:
        raise InvalidIndicator("email", raw, f"domain {domain!r}: {error.reason}") from None


def normalise_email(raw: str) -> str:
    """Return ``raw`` as ``local@domain``: NFC, stripped, the domain as ``normalise_domain`` gives.

    The local part keeps its case, as RFC 5321 lets the receiving server decide. Raises
    ``InvalidIndicator`` for zero or several ``@``, a quoted local part, an empty or invalid
    local part, an address literal or invalid domain, or an address over 254 characters.
    """
    local, domain = _split(raw)
    _check_local_part(local, raw)
    address = f"{local}@{_normalised_domain(domain, raw)}"
    if len(address) > _MAX_ADDRESS:
        raise InvalidIndicator("email", raw, f"is over {_MAX_ADDRESS} characters")
    return address


def mailbox_key(raw: str) -> str:
    """Return the key to look a mailbox up in leaked data: ``normalise_email`` all lower case.

    RFC 5321 lets the local part be case-sensitive, but the providers people use (Gmail,
    Outlook, Yahoo, the Vietnamese ISPs' mail) ignore its case, and leaks spell the same mailbox
    in several cases; a lookup that kept case would miss them. Provider-specific folding (Gmail
    dots and ``+tags``) is not applied. Raises ``InvalidIndicator`` as ``normalise_email`` does.
    """
    local, _, domain = normalise_email(raw).partition("@")
    return f"{local.lower()}@{domain}"
