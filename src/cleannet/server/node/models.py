"""What a node keeps (its runs and findings) and what the hub keeps (nodes' daily counts).

Subscriber identities live only in ``NodeFinding``, which exists only at the ISP's node;
``NodeDailyCount`` at the hub has counts per day, family and indicator kind, nothing more,
and ``NodeNoticeCount`` the node's warning figures per day and family.
Written only through ``cleannet.server.node.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation


class NodeRun(models.Model):
    """One match of the node's logs: what came from the hub, what was read and found."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Findings stored, counts not sent")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    engine = models.CharField(_("engine"), max_length=20, blank=True)
    indicators = models.PositiveIntegerField(_("indicators from the hub"), default=0)
    events = models.PositiveIntegerField(_("events from the hub"), default=0)
    records = models.PositiveBigIntegerField(_("log records read"), default=0)
    bad_records = models.PositiveBigIntegerField(_("bad log lines"), default=0)
    matched = models.PositiveBigIntegerField(_("records matched"), default=0)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    unattributed = models.PositiveIntegerField(_("matches without one subscriber"), default=0)
    counts_sent = models.PositiveIntegerField(_("daily counts sent"), default=0)
    error = models.TextField(_("error"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("node run")
        verbose_name_plural = _("node runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="running", finished_at__isnull=True)
                | (~Q(status="running") & Q(finished_at__isnull=False)),
                name="noderun_finished_when_not_running",
            )
        ]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


class NodeFinding(models.Model):
    """A subscriber's address matched an indicator (or a hub event): one row per
    (subscriber, ip, indicator_kind, indicator), merged across runs.

    ``count`` is the newest run's figure over its whole window; ``first_seen`` and
    ``last_seen`` span every run; ``evidence`` points into the ISP's log at the first record.
    """

    subscriber = models.CharField(_("subscriber"), max_length=255)
    ip = models.GenericIPAddressField(_("address"))
    indicator_kind = models.CharField(_("indicator kind"), max_length=20)
    indicator = models.CharField(_("indicator"), max_length=2048)
    family = models.CharField(_("family"), max_length=100, blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    count = models.PositiveBigIntegerField(_("records"))
    evidence = models.CharField(_("evidence"), max_length=500)
    run = models.ForeignKey(
        NodeRun,
        on_delete=models.PROTECT,
        related_name="finding_rows",
        verbose_name=_("latest run"),
    )

    class Meta:
        ordering = ["-last_seen", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "ip", "indicator_kind", "indicator"],
                name="nodefinding_subscriber_ip_indicator",
            ),
            models.CheckConstraint(
                condition=Q(first_seen__lte=F("last_seen")), name="nodefinding_seen_in_order"
            ),
        ]
        indexes = [models.Index(fields=["last_seen"], name="nodefinding_last_seen")]

    def __str__(self) -> str:
        return f"{self.subscriber} {self.ip} {self.indicator_kind}:{self.indicator}"


class NodeDailyCount(models.Model):
    """At the hub: how many subscribers of an ISP hit a family on a day (UTC), and how often."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="node_daily_counts",
        verbose_name=_("organisation"),
    )
    day = models.DateField(_("day"))
    family = models.CharField(_("family"), max_length=100, blank=True)
    indicator_kind = models.CharField(_("indicator kind"), max_length=20)
    subscribers = models.PositiveIntegerField(_("subscribers"))
    records = models.PositiveBigIntegerField(_("records"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-day", "organisation", "family", "indicator_kind"]
        verbose_name = _("node daily count")
        verbose_name_plural = _("node daily counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day", "family", "indicator_kind"],
                name="nodedailycount_per_day_family_kind",
            ),
            models.CheckConstraint(
                condition=Q(subscribers__lte=F("records")),
                name="nodedailycount_subscribers_have_records",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.day} {self.family or '-'} {self.indicator_kind}"


class NodeNoticeCount(models.Model):
    """At the hub: what an ISP's node did about its infected subscribers on a day (UTC), per
    family: tickets first warned, messages sent and delivered, acknowledgements, re-infections.

    Aggregates only; the figures campaigns show.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="node_notice_counts",
        verbose_name=_("organisation"),
    )
    day = models.DateField(_("day"))
    family = models.CharField(_("family"), max_length=100, blank=True)
    warned = models.PositiveIntegerField(_("tickets first warned"), default=0)
    sent = models.PositiveIntegerField(_("messages sent"), default=0)
    delivered = models.PositiveIntegerField(_("messages delivered"), default=0)
    acknowledged = models.PositiveIntegerField(_("acknowledged"), default=0)
    reinfected = models.PositiveIntegerField(_("re-infected"), default=0)
    time_to_clean = models.JSONField(
        _("time to clean"), default=list, blank=True
    )  # tickets acknowledged that day per bucket of days since first found (CLEAN_BUCKETS)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["-day", "organisation", "family"]
        verbose_name = _("node notice count")
        verbose_name_plural = _("node notice counts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "day", "family"], name="nodenoticecount_per_day_family"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.day} {self.family or '-'}"
