"""Back office of notices: templates (authority administrators edit them), report rules
(authority staff edit them, ``admin_rules``) and read-only views of the outbox, tickets,
contact imports and owner reports.

A template is checked with ``templating.validate_template`` before it is saved (the error
shown on the field at fault) and its change page shows it rendered with the sample values.
Lists never show a recipient: the outbox shows the start of its hash; the page token of a
ticket (the key to its page) is never shown at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template import TemplateSyntaxError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.accounts.roles import Role
from cleannet.server.networks.audited_admin import AuditedAdmin, ServiceCheckedForm
from cleannet.server.notices.admin_rules import ReportRuleAdmin
from cleannet.server.notices.models import (
    ContactImport,
    ContactImportRejection,
    NoticeTemplate,
    OutboxMessage,
    OwnerReport,
    ReportRule,
    SuppressedRecipient,
    WarningTicket,
)
from cleannet.server.notices.template_engine import sms_parts
from cleannet.server.notices.templating import (
    NoTemplate,
    preview_template,
    shipped_default,
    validate_template,
)
from cleannet.server.notices.vocabulary import Channel

_TEMPLATE_FIELDS = ("kind", "channel", "stage", "language", "family", "subject", "body")


class NoticeTemplateForm(ServiceCheckedForm):
    class Meta:
        model = NoticeTemplate
        fields = _TEMPLATE_FIELDS

    def service_check(self, data: dict[str, Any]) -> None:
        validate_template(NoticeTemplate(**{name: data.get(name) for name in _TEMPLATE_FIELDS}))


class NoticeTemplateAdmin(AuditedAdmin):
    """Templates: authority administrators edit, analysts read (``RoleAdmin``'s defaults)."""

    form = NoticeTemplateForm
    edit_roles = frozenset({Role.AUTHORITY_ADMIN})
    list_display = ("kind", "channel", "stage", "language", "family", "subject", "updated_at")
    list_filter = ("kind", "channel", "stage", "language", ("family", admin.EmptyFieldListFilter))
    search_fields = ("subject", "body", "family__name")
    readonly_fields = ("preview", "updated_at", "updated_by")
    fields = (*_TEMPLATE_FIELDS, "preview", "updated_at", "updated_by")

    @admin.display(description=_("preview"))
    def preview(self, obj: NoticeTemplate | None) -> str:
        if obj is None or obj.pk is None:
            return str(_("Save the template to see it rendered with the sample values."))
        context: dict[str, Any] = {}
        try:
            rendered = preview_template(obj)
        except TemplateSyntaxError as exc:
            context["error"] = str(exc)
        else:
            context["rendered"] = rendered
            if obj.channel == Channel.SMS:
                context["sms_parts"] = sms_parts(rendered.body)
        return render_to_string("admin/notices/notice_preview.html", context)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Start a new template from the shipped text of the combination asked for, if any."""
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        combination = [str(initial.get(name, "")) for name in ("kind", "channel", "stage")]
        try:
            subject, body = shipped_default(*combination, str(initial.get("language", "vi")))
        except NoTemplate:
            return initial
        initial.setdefault("subject", subject.strip())
        initial.setdefault("body", body.strip())
        return initial

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


def mask_recipient(channel: str, recipient: str) -> str:
    """Show enough of an address to recognise it, not to use it ("n***@example.org")."""
    if not recipient:
        return "—"
    if channel == Channel.EMAIL:
        local, _at, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    if channel == Channel.SMS:
        return recipient[:4] + "*" * max(len(recipient) - 6, 0) + recipient[-2:]
    return recipient  # the page channel's "recipient" is the ticket number


class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "ticket_ref", "kind", "channel", "stage", "language", "recipient_ref", "status",
        "attempts", "created_at", "sent_at", "delivered_at",
    )  # fmt: skip
    list_filter = ("status", "channel", "kind", "stage", "language")
    search_fields = ("ticket_ref", "recipient_hash")
    date_hierarchy = "created_at"
    exclude = ("recipient", "claim_token")
    readonly_fields = ("masked_recipient",)

    @admin.display(description=_("recipient (hashed)"), ordering="recipient_hash")
    def recipient_ref(self, obj: OutboxMessage) -> str:
        return obj.recipient_hash[:12]

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: OutboxMessage) -> str:
        return mask_recipient(obj.channel, obj.recipient)


class SuppressedRecipientAdmin(ReadOnlyAdmin):
    list_display = ("channel", "recipient_ref", "failures", "suppressed_at", "updated_at")
    list_filter = ("channel",)
    search_fields = ("recipient_hash",)

    @admin.display(description=_("recipient (hashed)"))
    def recipient_ref(self, obj: SuppressedRecipient) -> str:
        return obj.recipient_hash[:12]


class WarningTicketAdmin(ReadOnlyAdmin):
    list_display = (
        "number", "family", "state", "stage", "notices_sent", "reinfected", "redirect_active",
        "first_found", "last_found",
    )  # fmt: skip
    list_filter = ("state", "stage", "reinfected", "redirect_active")
    search_fields = ("number", "family")
    date_hierarchy = "last_found"
    exclude = ("page_token",)


class ContactImportRejectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ContactImportRejection
    fields = ("line", "field", "reason")  # the raw row holds addresses: not shown
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "imported_at", "read", "accepted", "rejected", "duplicates")
    date_hierarchy = "imported_at"
    inlines = (ContactImportRejectionInline,)


class OwnerReportAdmin(ReadOnlyAdmin):
    list_display = (
        "number", "organisation", "format", "event_count", "first_event_at", "last_event_at",
        "created_at",
    )  # fmt: skip
    list_filter = ("format",)
    search_fields = ("number", "organisation__name")
    date_hierarchy = "created_at"


admin_site.register(NoticeTemplate, NoticeTemplateAdmin)
admin_site.register(OutboxMessage, OutboxMessageAdmin)
admin_site.register(SuppressedRecipient, SuppressedRecipientAdmin)
admin_site.register(WarningTicket, WarningTicketAdmin)
admin_site.register(ContactImport, ContactImportAdmin)
admin_site.register(ReportRule, ReportRuleAdmin)
admin_site.register(OwnerReport, OwnerReportAdmin)
