"""Words for event types a visitor can read (the RSIT machine names otherwise)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TYPE_LABELS: dict[str, Promise] = {
    "infected-system": _("Infected device (talking to a botnet or malware server)"),
    "c2-server": _("Malware control server"),
    "malware-distribution": _("Spreading malware"),
    "malware-configuration": _("Malware configuration"),
    "system-compromise": _("Compromised system"),
    "scanner": _("Scanning other computers"),
    "brute-force": _("Guessing passwords of other systems"),
    "spam": _("Sending spam"),
    "ddos": _("Taking part in denial-of-service attacks"),
    "phishing": _("Hosting a phishing site"),
    "vulnerable-system": _("Vulnerable service open to the Internet"),
    "proxy": _("Open proxy"),
}


def type_label(classification_type: str) -> str:
    """Return the readable label of an event type, or the type itself when unknown."""
    label = TYPE_LABELS.get(classification_type)
    return str(label) if label is not None else classification_type
