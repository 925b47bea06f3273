"""The checks a breach notice's content must pass before it is saved or filed.

Each check returns the errors it found as ``{field: message}``; ``services`` gathers them
into one ``ValidationError`` so a form shows every problem at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import normalise_email, normalise_phone
from cleannet.server.breachnotices.models import BreachNotice, DataType

CLOCK_SKEW = dt.timedelta(minutes=5)
"""A discovery time this far in the future is taken as the sender's clock being fast."""

Errors = dict[str, str]


def check_times(notice: BreachNotice, now: dt.datetime) -> Errors:
    """Discovery not in the future; the breach not after its discovery."""
    errors: Errors = {}
    if notice.discovered_at is None:
        return {"discovered_at": _("Say when the breach was discovered.")}
    if notice.discovered_at > now + CLOCK_SKEW:
        errors["discovered_at"] = _("The discovery time is in the future.")
    if notice.occurred_at is not None and notice.occurred_at > notice.discovered_at:
        errors["occurred_at"] = _("The breach cannot have happened after it was discovered.")
    return errors


def normalised_data_types(values: Any) -> list[str]:
    """Return the known data types among ``values`` in the order of ``DataType``."""
    chosen = set(values or ())
    return [value for value in DataType.values if value in chosen]


def check_data_types(notice: BreachNotice, submitted: Any) -> Errors:
    """At least one known type; "other" says which."""
    unknown = sorted(set(submitted or ()) - set(DataType.values))
    if unknown:
        return {"data_types": _("Unknown data types: %(types)s.") % {"types": ", ".join(unknown)}}
    if not notice.data_types:
        return {"data_types": _("Choose at least one type of personal data.")}
    if DataType.OTHER in notice.data_types and not notice.other_data_types.strip():
        return {"other_data_types": _("Say which other types of data were affected.")}
    return {}


def email_error(raw: str) -> str | None:
    """Return why ``raw`` is not an e-mail address core accepts, or None."""
    try:
        normalise_email(raw)
    except InvalidIndicator as error:
        return _("Not a valid e-mail address: %(reason)s.") % {"reason": error.reason}
    return None


def phone_error(raw: str) -> str | None:
    """Return why ``raw`` is not a Vietnamese number core accepts, or None."""
    try:
        normalise_phone(raw)
    except InvalidIndicator as error:
        return _("Not a valid Vietnamese phone number: %(reason)s.") % {"reason": error.reason}
    return None


def normalise_contact(notice: BreachNotice) -> Errors:
    """Put the contact's e-mail and phone into core's canonical forms, or name the bad one."""
    errors: Errors = {}
    email, phone = notice.contact_email or "", notice.contact_phone or ""
    if (reason := email_error(email)) is not None:
        errors["contact_email"] = reason
    else:
        notice.contact_email = normalise_email(email)
    if (reason := phone_error(phone)) is not None:
        errors["contact_phone"] = reason
    else:
        notice.contact_phone = normalise_phone(phone)
    return errors


def check_affected_people_message(notice: BreachNotice) -> Errors:
    """Notifying the affected people through notices needs the message to send them."""
    if notice.notify_affected_through_notices and not notice.affected_people_message.strip():
        return {"affected_people_message": _("Write the message for the affected people.")}
    return {}


def check_late_reason(notice: BreachNotice, filed_at: dt.datetime) -> Errors:
    """A notice filed after its deadline must say why it is late."""
    if filed_at > notice.due_at and not notice.late_reason.strip():
        return {
            "late_reason": _(
                "This notice is filed more than 72 hours after the breach was discovered: "
                "give the reason for the delay."
            )
        }
    return {}
