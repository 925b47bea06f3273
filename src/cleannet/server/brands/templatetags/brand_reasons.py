"""``{{ reason|reason_text }}``: a scorer reason in the visitor's language.

The scorer (``engines.lookalike.reasons``) writes English; stored alerts keep its ``code`` and
``detail``, so pages translate by code. An unknown code shows the stored English text.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# The same sentences as engines.lookalike.reasons.TEXTS, marked for translation.
TEXTS: dict[str, str] = {
    "official-domain": gettext_noop("%(detail)s is an official domain of the brand."),
    "official-host-prefix": gettext_noop(
        "The official name %(detail)s is followed by more text, so someone else owns this name."
    ),
    "brand-exact-label": gettext_noop(
        "The domain is the brand keyword %(detail)s under a suffix the brand does not own."
    ),
    "brand-with-lure": gettext_noop("The brand keyword is joined with lure words: %(detail)s."),
    "brand-with-words": gettext_noop("The brand keyword is joined with other words: %(detail)s."),
    "brand-in-subdomain": gettext_noop(
        "The brand keyword %(detail)s is in a subdomain of an unrelated domain."
    ),
    "brand-in-label": gettext_noop("The brand keyword %(detail)s is part of the domain name."),
    "edit-distance": gettext_noop("%(detail)s is a typing slip away from the brand keyword."),
    "brand-in-path": gettext_noop("The URL path names the brand: %(detail)s."),
    "homoglyph": gettext_noop("Lookalike characters spell the brand keyword: %(detail)s."),
    "doubled-letters": gettext_noop("Doubled letters disguise the brand keyword: %(detail)s."),
    "diacritics": gettext_noop("Vietnamese marks added to the brand keyword: %(detail)s."),
    "mixed-script": gettext_noop("A label mixes Latin with Cyrillic or Greek letters: %(detail)s."),
    "idn-not-allowed": gettext_noop("The registry does not issue a label like %(detail)s there."),
    "risky-suffix": gettext_noop("Registered under a cheap suffix that fakes favour: %(detail)s."),
    "suffix-trick": gettext_noop(
        "%(detail)s looks like a suffix but is one registrable domain, owned by someone else."
    ),
    "hosting-platform": gettext_noop("Hosted on a platform that gives anyone a name: %(detail)s."),
    "lure-word": gettext_noop("A lure word fakes use: %(detail)s."),
    "ip-host": gettext_noop("The URL's host is a bare IP address: %(detail)s."),
}
# Reasons the server stores itself: ``alerts.record_reported_fake`` (same English text).
SERVER_TEXTS: dict[str, str] = {
    "reported": gettext_noop("Reported as a fake site and confirmed by the authority."),
}


@register.filter
def reason_text(reason: Any) -> str:
    """Return the stored reason (a dict with code, detail, text) in the active language."""
    if not isinstance(reason, dict):
        return str(reason)
    code = str(reason.get("code", ""))
    sentence = TEXTS.get(code) or SERVER_TEXTS.get(code)
    if sentence is None:
        return str(reason.get("text", ""))
    return gettext(sentence) % {"detail": reason.get("detail", "")}
