"""The notices app's tables, one module per part (each part's helpers own their module)."""

from cleannet.server.notices.models.outbox import OutboxMessage, SuppressedRecipient
from cleannet.server.notices.models.owner_reports import OwnerReport, OwnerReportEvent, ReportRule
from cleannet.server.notices.models.subscribers import (
    ContactImport,
    ContactImportRejection,
    SubscriberContact,
    WarningTicket,
)
from cleannet.server.notices.models.templates import NoticeTemplate

__all__ = [
    "ContactImport",
    "ContactImportRejection",
    "NoticeTemplate",
    "OutboxMessage",
    "OwnerReport",
    "OwnerReportEvent",
    "ReportRule",
    "SubscriberContact",
    "SuppressedRecipient",
    "WarningTicket",
]
