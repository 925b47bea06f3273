"""The public "has my data leaked?" check: the answer goes to the address, never the screen.

``request_leak_check`` hashes the address or number, counts the request against the limits
per client and per checked address, looks the hash up in every breach (sensitive ones too:
only the owner reads the answer) and sends the result, found or not, to the address. Its
outcome says whether a message went out, never what it said.
"""

from __future__ import annotations

import enum
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings

from cleannet.core.indicators import normalise_email, normalise_phone
from cleannet.server.leaks import index
from cleannet.server.leaks.delivery import send_result_email, send_result_sms
from cleannet.server.leaks.lookups import breaches_holding
from cleannet.server.leaks.models import Breach, StoreKind
from cleannet.server.leaks.ratelimits import DAY, HOUR, Limit, take_all
from cleannet.server.leaks.sms import SmsError

logger = logging.getLogger(__name__)


class CheckOutcome(enum.Enum):
    SENT = "sent"  # a message went to the address (with or without findings)
    LIMITED = "limited"  # too many checks from this client or for this address
    FAILED = "failed"  # the mail relay or SMS channel refused the message


@dataclass(frozen=True)
class Identifier:
    kind: str  # StoreKind.EMAIL or StoreKind.PHONE
    address: str  # where to send: the normalised address or E.164 number
    digest: bytes  # the hash the stores hold


def parse_identifier(raw: str) -> Identifier:
    """Return ``raw`` as an e-mail address (it has an ``@``) or a Vietnamese phone number.

    Raises ``InvalidValue`` (core's ``InvalidIndicator``) naming why it is neither.
    """
    text = raw.strip()
    if "@" in text:
        kind, address = StoreKind.EMAIL.value, normalise_email(text)
    else:
        kind, address = StoreKind.PHONE.value, normalise_phone(text)
    return Identifier(kind, address, index.hash_identifier(kind, text))


def check_limits() -> tuple[Limit, Limit]:
    """Return the limits per client address (an hour) and per checked address (a day)."""
    leaks = settings.CLEANNET_LEAKS
    return (
        Limit("check-client", leaks.checks_per_ip_hour, HOUR),
        Limit("check-address", leaks.checks_per_address_day, DAY),
    )


def _deliver(identifier: Identifier, breaches: list[Breach], breaches_url: str) -> None:
    if identifier.kind == StoreKind.EMAIL:
        send_result_email(identifier.address, breaches, breaches_url)
    else:
        send_result_sms(identifier.address, breaches)


def request_leak_check(raw: str, client_ip: str, breaches_url: str = "") -> CheckOutcome:
    """Check ``raw`` for ``client_ip`` and send the result to ``raw`` itself.

    Raises ``InvalidValue`` when ``raw`` is neither an e-mail address nor a phone number
    (nothing is counted then). ``breaches_url`` is linked from the e-mail.
    """
    identifier = parse_identifier(raw)
    per_client, per_address = check_limits()
    if not take_all([(per_client, client_ip), (per_address, identifier.digest)]):
        return CheckOutcome.LIMITED
    names = breaches_holding(identifier.kind, identifier.digest)
    breaches = list(Breach.objects.filter(name__in=names).order_by("-occurred_on", "name"))
    try:
        _deliver(identifier, breaches, breaches_url)
    except (smtplib.SMTPException, OSError, SmsError) as error:
        logger.warning("leak check result (%s) not delivered: %s", identifier.kind, type(error))
        return CheckOutcome.FAILED
    logger.info("leak check result (%s) sent", identifier.kind)
    return CheckOutcome.SENT
