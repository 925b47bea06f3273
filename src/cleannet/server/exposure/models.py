"""Scan scopes, global opt-outs, scan runs and the findings they keep up to date.

Written only through ``cleannet.server.exposure.services``. A scope is the authority's written
permission to scan some networks and names until a date; every run of it is logged (who, what,
when, what came of it), and every finding remembers when it was first and last seen and when it
was found fixed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.engines.exposure.scope import Scope, load_scope
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.intel.models import Event

BANNER_LIMIT = 500
"""Characters of a service banner kept on a finding."""


class ScanScope(models.Model):
    """What the authority may scan (networks, names, ports, probes), approved until a date."""

    name = models.SlugField(_("name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="scan_scopes",
        verbose_name=_("owner"),
    )
    networks = models.JSONField(_("networks (CIDR)"), default=list)
    hostnames = models.JSONField(_("host names"), default=list, blank=True)
    ports = models.JSONField(
        _("ports (empty: the probes' default ports)"), default=list, blank=True
    )
    probes = models.JSONField(_("probes (empty: all)"), default=list, blank=True)
    approved_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approval_reference = models.TextField(_("approval reference"))
    approved_until = models.DateField(_("approved until"))
    rate_per_second = models.PositiveIntegerField(_("connections per second"), default=100)
    allow_wide = models.BooleanField(_("allow networks wider than /16 (IPv6 /48)"), default=False)
    schedule = models.CharField(
        _("schedule (crontab; blank: manual only)"), max_length=100, blank=True
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scan scope")
        verbose_name_plural = _("scan scopes")

    def __str__(self) -> str:
        return self.name

    def to_engine_scope(self, opt_outs: Iterable[OptOut] = ()) -> Scope:
        """The engine's ``Scope`` for this scope and ``opt_outs``.

        Raises ``ScopeError`` naming the field (``networks``, ``approved_until`` …) when the
        stored values do not make a valid scope.
        """
        chosen = list(opt_outs)
        return load_scope(
            {
                "name": self.name,
                "networks": list(self.networks),
                "hostnames": list(self.hostnames),
                "owner": self.owner.name if self.owner_id else "",
                "approved_by": self._approver_label(),
                "approved_until": self.approved_until,
                "rate_per_second": self.rate_per_second,
                "allow_wide": self.allow_wide,
                "opt_out_networks": [o.network for o in chosen if o.network],
                "opt_out_hostnames": [o.hostname for o in chosen if o.hostname],
            }
        )

    def _approver_label(self) -> str:
        if self.approved_by_id and self.approved_by is not None:
            return self.approved_by.get_username()
        return self.approval_reference.strip()[:200]


class OptOut(models.Model):
    """A network or a host name that no scope scans, whatever the scope says."""

    network = models.CharField(_("network (CIDR)"), max_length=64, blank=True)
    hostname = models.CharField(_("host name"), max_length=253, blank=True)
    reason = models.TextField(_("reason"))
    added_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["-added_at"]
        verbose_name = _("scan opt-out")
        verbose_name_plural = _("scan opt-outs")

    def __str__(self) -> str:
        return self.network or self.hostname

    def covers(self, ip: str) -> bool:
        """Whether this opt-out's network contains ``ip``."""
        if not self.network:
            return False
        address = ipaddress.ip_address(ip)
        net = ipaddress.ip_network(self.network, strict=False)
        return address.version == net.version and address in net


class ScanRun(models.Model):
    """One scan of one scope: who started it, when, what it covered and what came of it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused")

    scope = models.ForeignKey(
        ScanScope, on_delete=models.CASCADE, related_name="runs", verbose_name=_("scope")
    )
    started_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by (empty: the schedule)"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    targets = models.JSONField(_("targets"), default=list, blank=True)
    ports = models.JSONField(_("ports"), default=list, blank=True)
    refused = models.JSONField(_("refused targets"), default=list, blank=True)
    open_ports = models.PositiveIntegerField(_("open ports"), default=0)
    findings = models.PositiveIntegerField(_("findings"), default=0)
    new_findings = models.PositiveIntegerField(_("new findings"), default=0)
    fixed_findings = models.PositiveIntegerField(_("fixed findings"), default=0)
    error = models.TextField(_("error"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("scan run")
        verbose_name_plural = _("scan runs")

    def __str__(self) -> str:
        return f"{self.scope.name} {self.started_at:%Y-%m-%d %H:%M}"


class ExposureFinding(models.Model):
    """One thing seen on one service of a scope, kept across runs (first/last seen, fixed)."""

    scope = models.ForeignKey(
        ScanScope, on_delete=models.CASCADE, related_name="findings", verbose_name=_("scope")
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="exposure_findings",
        verbose_name=_("owner"),
    )
    ip = models.GenericIPAddressField(_("IP address"))
    port = models.PositiveIntegerField(_("port"))
    transport = models.CharField(_("transport"), max_length=3, default="tcp")
    report_type = models.CharField(_("report type"), max_length=60)
    tag = models.CharField(_("tag"), max_length=60)
    severity = models.CharField(_("severity"), max_length=10, default="info")
    product = models.CharField(_("product"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=200, blank=True)
    banner = models.CharField(_("banner"), max_length=BANNER_LIMIT, blank=True)
    cves = models.JSONField(_("CVE ids"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    fixed_at = models.DateTimeField(_("found fixed"), null=True, blank=True)
    last_run = models.ForeignKey(
        ScanRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last run"),
    )
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("latest event"),
    )

    class Meta:
        ordering = ["-last_seen", "ip", "port"]
        verbose_name = _("exposure finding")
        verbose_name_plural = _("exposure findings")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "ip", "port", "transport", "tag"],
                name="exposure_finding_unique_service_tag",
            )
        ]
        indexes = [models.Index(fields=["owner", "fixed_at"], name="exposure_owner_open")]

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}/{self.transport} {self.tag}"

    @property
    def is_open(self) -> bool:
        """Whether the finding was seen and not found fixed since."""
        return self.fixed_at is None
