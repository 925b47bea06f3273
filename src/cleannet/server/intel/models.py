"""Threat intelligence: malware families, feeds and their runs, indicators and events.

Write through ``cleannet.server.intel.services``; events and feed runs are only ever
written there (the back office shows them read-only).
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.core.indicators import IndicatorKind
from cleannet.server.accounts.models import Organisation
from cleannet.server.intel.naming import alias_key
from cleannet.server.networks.models import Prefix

_PERCENT = [MaxValueValidator(100)]


class Tlp(models.TextChoices):
    """Traffic Light Protocol 2.0 levels, written as IntelMQ writes them."""

    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


class MalwareFamily(models.Model):
    class Kind(models.TextChoices):
        BOTNET = "botnet", _("Botnet")
        BANKING_TROJAN = "banking_trojan", _("Banking trojan")
        RAT = "rat", _("Remote access trojan")
        INFOSTEALER = "infostealer", _("Information stealer")
        LOADER = "loader", _("Loader")
        RANSOMWARE = "ransomware", _("Ransomware")
        WORM = "worm", _("Worm")
        C2_FRAMEWORK = "c2_framework", _("C2 framework")
        MINER = "miner", _("Coin miner")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    reference_url = models.URLField(_("reference"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("malware family")
        verbose_name_plural = _("malware families")

    def __str__(self) -> str:
        return self.name


class MalwareAlias(models.Model):
    """Another name of a family, stored folded (see ``intel.families.alias_key``)."""

    family = models.ForeignKey(
        MalwareFamily, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("family")
    )
    alias = models.CharField(_("alias"), max_length=100, unique=True)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("malware alias")
        verbose_name_plural = _("malware aliases")

    def __str__(self) -> str:
        return self.alias

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The back office's inline form saves here; the key must be folded whoever writes it.
        self.alias = alias_key(self.alias)
        super().save(*args, **kwargs)


class Feed(models.Model):
    name = models.SlugField(_("name"), max_length=100, unique=True)
    provider = models.CharField(_("provider"), max_length=100)
    format = models.CharField(_("format"), max_length=60)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    schedule = models.CharField(_("schedule (crontab)"), max_length=100, blank=True)
    tlp = models.CharField(_("TLP"), max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    accuracy = models.PositiveSmallIntegerField(_("accuracy"), default=100, validators=_PERCENT)
    default_classification_type = models.CharField(
        _("default classification type"), max_length=60, blank=True
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        constraints = [
            models.CheckConstraint(condition=Q(accuracy__lte=100), name="feed_accuracy_percent")
        ]

    def __str__(self) -> str:
        return self.name


class FeedRun(models.Model):
    """One collection of a feed; once finished, ``read`` = accepted + rejected + duplicates.

    A run written by ``intel.ingest`` also says what it read (``format``, ``source_name``,
    ``content_digest``, ``options_digest``: the same text read with other options is other
    content), how far it got (``read`` rows, the last of them ``last_row`` of its
    source: the checkpoint, advanced in the same transaction as the events of each batch)
    and what became of the accepted rows (``events_created`` new events, ``events_merged``
    into events already stored). An ``interrupted`` run stopped before the end of its input
    (a crash); ingesting the same content again continues it (``attempt`` + 1).
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Partly succeeded")
        FAILED = "failed", _("Failed")

    feed = models.ForeignKey(
        Feed,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="runs",
        verbose_name=_("feed"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    read = models.PositiveIntegerField(_("read"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    error = models.TextField(_("error"), blank=True)
    format = models.CharField(_("format"), max_length=60, blank=True)
    source_name = models.CharField(_("sources"), max_length=500, blank=True)
    content_digest = models.CharField(
        _("content SHA-256"), max_length=64, blank=True, db_index=True
    )
    options_digest = models.CharField(_("parse options SHA-256"), max_length=64, blank=True)
    last_row = models.PositiveBigIntegerField(_("last row stored"), default=0)
    batch_rows = models.PositiveIntegerField(_("rows per batch"), default=0)
    unknown_columns = models.JSONField(_("unknown columns"), default=list, blank=True)
    events_created = models.PositiveIntegerField(_("events created"), default=0)
    events_merged = models.PositiveIntegerField(_("events merged"), default=0)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    interrupted = models.BooleanField(_("interrupted"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("feed run")
        verbose_name_plural = _("feed runs")
        indexes = [models.Index(fields=["feed", "-started_at"], name="feedrun_feed_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="running", finished_at__isnull=True)
                | (
                    ~Q(status="running")
                    & Q(finished_at__isnull=False)
                    & Q(read=F("accepted") + F("rejected") + F("duplicates"))
                ),
                name="feedrun_finished_counts_reconcile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.feed or self.source_name or self.format} {self.started_at:%Y-%m-%d %H:%M}"


class RejectedRow(models.Model):
    """An input row a run could not use, kept for review (the first ones of a run only)."""

    run = models.ForeignKey(
        FeedRun, on_delete=models.CASCADE, related_name="rejected_rows", verbose_name=_("run")
    )
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    row = models.PositiveBigIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))
    raw = models.TextField(_("raw text"), blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("rejected row")
        verbose_name_plural = _("rejected rows")

    def __str__(self) -> str:
        return f"{self.source_name} row {self.row}: {self.reason}"


class Evidence(models.Model):
    """A raw input line, stored once (by its SHA-256) however many events or runs cite it."""

    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    text = models.TextField(_("raw text"))
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    row = models.PositiveBigIntegerField(_("row"))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.source_name} row {self.row}"


class Indicator(models.Model):
    """A normalised observable marking something malicious; one row per (kind, value)."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=[(k.value, k.value) for k in IndicatorKind]
    )
    value = models.CharField(_("value"), max_length=2048)
    family = models.ForeignKey(
        MalwareFamily, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("family")
    )
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("first feed")
    )
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    tlp = models.CharField(_("TLP"), max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    confidence = models.PositiveSmallIntegerField(_("confidence"), default=50, validators=_PERCENT)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="indicator_kind_value"),
            models.CheckConstraint(
                condition=Q(confidence__lte=100), name="indicator_confidence_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Event(models.Model):
    """One observation from a feed, attributed to the owner of its source address.

    ``data`` holds the full event in IntelMQ's dotted names; the columns copy the fields
    that are filtered on.
    """

    event_hash = models.CharField(_("event hash"), max_length=64, unique=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    time_source = models.DateTimeField(_("time (source)"))
    time_observation = models.DateTimeField(_("time (observation)"), null=True, blank=True)
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("feed")
    )
    classification_taxonomy = models.CharField(_("taxonomy"), max_length=60)
    classification_type = models.CharField(_("type"), max_length=60, db_index=True)
    classification_identifier = models.CharField(_("identifier"), max_length=100, blank=True)
    family = models.ForeignKey(
        MalwareFamily, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("family")
    )
    source_ip = models.GenericIPAddressField(_("source IP"), null=True, blank=True)
    source_port = models.PositiveIntegerField(_("source port"), null=True, blank=True)
    source_asn = models.PositiveBigIntegerField(_("source ASN"), null=True, blank=True)
    source_fqdn = models.CharField(_("source domain"), max_length=255, blank=True)
    source_url = models.TextField(_("source URL"), blank=True)
    destination_ip = models.GenericIPAddressField(_("destination IP"), null=True, blank=True)
    destination_port = models.PositiveIntegerField(_("destination port"), null=True, blank=True)
    owner = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("owner"),
    )
    prefix = models.ForeignKey(
        Prefix, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("prefix")
    )
    tlp = models.CharField(_("TLP"), max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    data = models.JSONField(_("event"))
    # Repeats of the observation in its window (a feed run aggregates them); events recorded
    # one by one (``record_events``) leave first/last seen empty: their one sighting is
    # ``time_source``.
    count = models.PositiveIntegerField(_("observations"), default=1)
    first_seen = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    evidence = models.ForeignKey(
        Evidence,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("evidence"),
    )

    class Meta:
        ordering = ["-time_source", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["time_source"], name="event_time_source"),
            models.Index(fields=["owner", "time_source"], name="event_owner_time"),
            # An ISP's node pages through its own events by id (the API's cursor).
            models.Index(fields=["owner", "id"], name="event_owner_id"),
            # "Is my IP infected?": one address's events of the last days, from the index.
            models.Index(fields=["source_ip", "time_source"], name="event_source_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.classification_type} {self.source_ip or self.source_fqdn} {self.time_source}"
