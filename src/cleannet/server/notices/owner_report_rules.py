"""Report rules: when one is due, who receives its reports, and the one way to save one.

Intervals are read against the clock: ``immediate`` is due on every run, ``hourly`` once per
clock hour (UTC hours and local hours coincide in whole-hour zones such as Asia/Ho_Chi_Minh),
``daily`` once per calendar day in the platform time zone (``CLEANNET_TIME_ZONE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidValue
from cleannet.core.taxonomy import classify
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.networks.models import AbuseContact
from cleannet.server.notices.models import ReportRule

Interval = ReportRule.Interval


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _hour_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def is_due(rule: ReportRule, now: dt.datetime) -> bool:
    """Whether ``rule`` should run at ``now`` (never run rules are always due)."""
    last = rule.last_run_at
    if rule.interval == Interval.IMMEDIATE or last is None:
        return True
    if rule.interval == Interval.HOURLY:
        # Once per clock hour: a rule run at 10:59 runs again at 11:00, not at 11:59.
        return last < _hour_start(now.astimezone(dt.UTC))
    return _local_day(last) < _local_day(now)


def due_rules(now: dt.datetime) -> list[ReportRule]:
    """Return the enabled rules due at ``now``, in a stable order (by id)."""
    rules = ReportRule.objects.filter(enabled=True).select_related("organisation", "contact")
    return [rule for rule in rules.order_by("id") if is_due(rule, now)]


def recipients_for(rule: ReportRule) -> list[str]:
    """Return where ``rule``'s reports go: its address lines, else its contact, else the
    organisation's primary abuse contact; ``[]`` when none is known."""
    lines = _lines(rule.recipients)
    if lines:
        return lines
    if rule.contact is not None:
        return [rule.contact.email]
    primary = AbuseContact.objects.filter(
        organisation=rule.organisation_id, is_primary=True, prefix__isnull=True
    ).first()
    return [primary.email] if primary is not None else []


def _lines(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for line in text.splitlines():
        if line.strip():
            seen.setdefault(line.strip(), None)
    return list(seen)


def _clean_recipients(text: str) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        address = line.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            message = _("Line %(line)d: %(address)s is not an e-mail address.")
            raise ValidationError(
                {"recipients": message % {"line": number, "address": address}}
            ) from None
    return "\n".join(_lines(text))


def _clean_classifications(values: Iterable[str] | str) -> list[str]:
    if isinstance(values, str):  # a form's text: names separated by commas or lines
        values = values.replace(",", "\n").split()
    types: dict[str, None] = {}
    for value in values:
        try:
            types.setdefault(classify(value).type, None)
        except InvalidValue as error:
            message = _("%(value)s is not a known classification type (%(reason)s).")
            raise ValidationError(
                {"classifications": message % {"value": value, "reason": error.reason}}
            ) from None
    return sorted(types)


def _check_choice(field: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        message = _("%(value)s is not one of %(choices)s.")
        raise ValidationError({field: message % {"value": value, "choices": ", ".join(choices)}})


def _check_contact(contact: AbuseContact | None, organisation: Organisation) -> None:
    if contact is not None and contact.organisation_id != organisation.pk:
        raise ValidationError({"contact": _("The contact belongs to another organisation.")})


def check_rule(
    organisation: Organisation,
    recipients: str,
    classifications: Iterable[str] | str,
    format: str,
    interval: str,
    contact: AbuseContact | None,
) -> tuple[str, list[str]]:
    """Return the recipients and classification types as a rule stores them; raise
    ``ValidationError`` naming the refused field (what ``save_rule`` and forms check)."""
    _check_choice("format", format, ReportRule.Format.values)
    _check_choice("interval", interval, Interval.values)
    _check_contact(contact, organisation)
    return _clean_recipients(recipients), _clean_classifications(classifications)


@transaction.atomic
def save_rule(
    actor: User | None,
    organisation: Organisation,
    *,
    rule: ReportRule | None = None,
    recipients: str = "",
    classifications: Iterable[str] | str = (),
    format: str = ReportRule.Format.CSV,
    interval: str = Interval.DAILY,
    contact: AbuseContact | None = None,
    enabled: bool = True,
) -> ReportRule:
    """Create ``rule`` (or change it) with checked values, audited.

    Classification names are stored as RSIT types (legacy spellings mapped); recipients
    one address a line. Raises ``ValidationError`` naming the refused field
    (``recipients``, ``classifications``, ``format``, ``interval``, ``contact``).
    A new rule's watermark is 0: its first report holds the owner's earlier events too.
    """
    clean_recipients, clean_types = check_rule(
        organisation, recipients, classifications, format, interval, contact
    )
    before = snapshot(rule) if rule is not None else None
    rule = rule or ReportRule(organisation=organisation)
    rule.organisation = organisation
    rule.recipients, rule.classifications = clean_recipients, clean_types
    rule.format, rule.interval = format, interval
    rule.contact, rule.enabled = contact, enabled
    rule.full_clean()
    rule.save()
    action = "notices.report_rule.create" if before is None else "notices.report_rule.change"
    record_change(actor, action, rule, before, snapshot(rule))
    return rule
