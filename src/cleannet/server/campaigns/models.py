"""Campaigns, their participating ISPs and the ISPs' actions, the baselines fixed at launch
and the daily snapshots every dashboard reads (aggregates only, never a subscriber)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation
from cleannet.server.intel.models import MalwareFamily

ALL_FAMILIES = ""
"""The ``family`` of a baseline or snapshot row that counts the campaign's families together
(an address infected by two families counts once)."""

_PERCENT = [MinValueValidator(1), MaxValueValidator(100)]


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """A time-boxed cleanup drive for some malware families (or event types) with a goal:
    ``goal_reduction`` per cent fewer infected addresses than the baseline by ``ends_on``."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    families = models.ManyToManyField(
        MalwareFamily, blank=True, related_name="campaigns", verbose_name=_("families")
    )
    classification_types = models.JSONField(
        _("event types"), default=list, blank=True
    )  # RSIT classification.type values; events of these types count whatever their family
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    baseline_days = models.PositiveSmallIntegerField(
        _("baseline window (days)"), default=7, validators=[MinValueValidator(1)]
    )  # addresses are counted over this many days, for the baseline and for each day after
    goal_reduction = models.PositiveSmallIntegerField(
        _("goal: reduction (%)"), default=50, validators=_PERCENT
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    public = models.BooleanField(_("shown on the public site"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    measured_through = models.DateField(_("measured through"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Participant(models.Model):
    """An ISP taking part in a campaign: invited at creation, then accepted or declined."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="participants", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="campaign_participations",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ParticipantStatus.choices,
        default=ParticipantStatus.INVITED,
    )  # fmt: skip
    goal_reduction = models.PositiveSmallIntegerField(
        _("own goal: reduction (%)"), null=True, blank=True, validators=_PERCENT
    )  # empty: the campaign's goal
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responded by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["campaign", "organisation__name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="participant_once_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} – {self.organisation}"

    @property
    def goal(self) -> int:
        """The reduction this ISP aims for, in per cent."""
        return self.goal_reduction or self.campaign.goal_reduction


class ActionKind(models.TextChoices):
    WARNED_SUBSCRIBERS = "warned", _("Warned subscribers")
    WALLED_GARDEN = "walled_garden", _("Walled garden")
    BLOCKED_C2 = "blocked_c2", _("Blocked command-and-control traffic")
    SINKHOLED = "sinkholed", _("Sinkholed domains")
    CALLED_CUSTOMERS = "called", _("Called customers")
    REPLACED_DEVICES = "replaced", _("Replaced or updated devices")
    OTHER = "other", _("Other")


class CampaignAction(models.Model):
    """What a participating ISP did for the campaign, in its own words."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="actions", verbose_name=_("participant")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    taken_on = models.DateField(_("taken on"))
    count = models.PositiveIntegerField(_("how many"), null=True, blank=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("campaign action")
        verbose_name_plural = _("campaign actions")

    def __str__(self) -> str:
        return f"{self.participant} {self.kind} {self.taken_on}"


class CampaignBaseline(models.Model):
    """Infected addresses of one ISP (and family, or all together) in the ``baseline_days``
    before the campaign started; fixed once at launch, never recomputed."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    family = models.CharField(_("family"), max_length=100, blank=True)  # ALL_FAMILIES or a slug
    addresses = models.PositiveIntegerField(_("infected addresses"))
    window_start = models.DateField(_("from"))
    window_end = models.DateField(_("to"))
    fixed_at = models.DateTimeField(_("fixed"), default=timezone.now)

    class Meta:
        ordering = ["campaign", "organisation", "family"]
        verbose_name = _("campaign baseline")
        verbose_name_plural = _("campaign baselines")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "family"], name="baseline_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.organisation} {self.family or '*'} {self.addresses}"


class CampaignSnapshot(models.Model):
    """One day of one ISP in one campaign, per family (or ``ALL_FAMILIES``): what the
    dashboards, exports and the public page read. Recomputing a day replaces its rows."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("campaign")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    day = models.DateField(_("day"))
    family = models.CharField(_("family"), max_length=100, blank=True)  # ALL_FAMILIES or a slug
    addresses = models.PositiveIntegerField(_("infected addresses that day"), default=0)
    addresses_window = models.PositiveIntegerField(
        _("infected addresses in the window"), default=0
    )  # the baseline_days ending with ``day``: what the reduction compares with the baseline
    events = models.PositiveIntegerField(_("events"), default=0)
    subscribers = models.PositiveIntegerField(_("subscribers found by the node"), default=0)
    warned = models.PositiveIntegerField(_("tickets first warned"), default=0)
    sent = models.PositiveIntegerField(_("messages sent"), default=0)
    delivered = models.PositiveIntegerField(_("messages delivered"), default=0)
    acknowledged = models.PositiveIntegerField(_("acknowledged"), default=0)
    reinfected = models.PositiveIntegerField(_("re-infected"), default=0)
    time_to_clean = models.JSONField(
        _("time to clean"), default=list, blank=True
    )  # tickets acknowledged that day, per bucket of node.notice_counts.CLEAN_BUCKETS
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        ordering = ["campaign", "day", "organisation", "family"]
        verbose_name = _("campaign snapshot")
        verbose_name_plural = _("campaign snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "day", "family"], name="snapshot_once"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "family", "day"], name="snapshot_campaign_family"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.organisation} {self.day} {self.family or '*'}"
