"""A simulated national campaign written into the platform (``cleannet campaign simulate``),
so dashboards, exports and the public page are exercised at scale.

``simulate_campaign`` runs the population model (``simulation_model``) and writes what the
platform would hold after ``days`` days of a campaign: the ISPs (created when missing, each
with an operator, a private AS and a block), the families, the campaign (created, launched,
accepted by every ISP, with a few actions), the node figures through the same services the
node API uses, and then either

- ``through="snapshots"``: the baselines and the daily snapshots the model counted, through
  ``measure.replace_snapshot_rows`` (2M addresses over 90 days would be ~100M events), or
- ``through="events"`` (small scale): one event per infection seen per day through
  ``intel.record_events``, then ``measure.measure_campaign`` (the real measuring path).

Both give the same figures for the same seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cleannet.core.event import Event
from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import Organisation
from cleannet.server.campaigns import measure, services
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    ActionKind,
    Campaign,
    CampaignBaseline,
)
from cleannet.server.campaigns.simulation_model import (
    ModelParams,
    ModelResult,
    check_params,
    simulate,
)
from cleannet.server.campaigns.simulation_world import World, isp_profiles_for
from cleannet.server.intel import services as intel
from cleannet.server.node.daily_counts import MAX_ROWS, DailyCount, replace_daily_counts
from cleannet.server.node.notice_counts import (
    MAX_NOTICE_DAYS,
    MAX_NOTICE_ROWS,
    NoticeCount,
    replace_notice_counts,
)

__all__ = ["EVENT_CHUNK", "Progress", "Through", "simulate_campaign"]

Progress = Callable[[int, int], None]
Through = Literal["snapshots", "events"]
EVENT_CHUNK = 5_000
"""Events per ``record_events`` call (one transaction and one audit entry each)."""
FEED_NAME = "cleannet-simulation"
NOTICE_FIELDS = ("warned", "sent", "delivered", "acknowledged", "reinfected")


class _Ticker:
    """Steps done so far, reported to the caller's ``progress``."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done, self.model_days = progress, total, 0, 0

    def step(self, count: int = 1) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)

    def model(self, done: int, total: int) -> None:
        """The model's own progress (days simulated) as steps of the whole job."""
        self.step(done - self.model_days)
        self.model_days = done


def simulate_campaign(
    *,
    days: int = 90,
    addresses: int = 2_000_000,
    isps: int = 10,
    families: int = 20,
    seed: int = 1,
    through: Through = "snapshots",
    progress: Progress | None = None,
    organisations: Sequence[Organisation] | None = None,
    name: str = "",
    slug: str = "",
    goal_reduction: int = 50,
    baseline_days: int = 7,
    remaining_days: int = 30,
    summary_vi: str = "",
    summary_en: str = "",
) -> Campaign:
    """Simulate an active campaign that started ``days`` days ago (UTC) and ends
    ``remaining_days`` from today; return it, measured through yesterday.

    ``organisations`` are existing ISPs to use instead of simulated ones (``isps`` is then
    their count); the summaries default to what was simulated. ``progress(done, total)`` is
    called as the work advances. Everything is written in one transaction. Raises
    ``ValidationError`` naming the field of a bad value (``days``, ``addresses``, ``isps``,
    ``families``, ``through`` or the services' own)."""
    if through not in ("snapshots", "events"):
        raise ValidationError({"through": "Either snapshots or events."})
    isps = len(organisations) if organisations is not None else isps
    params = ModelParams(days=days, baseline_days=baseline_days, addresses=addresses,
                         isps=isps, families=families, seed=seed)  # fmt: skip
    try:
        check_params(params)
    except ValueError as error:
        field, _, reason = str(error).partition(": ")
        raise ValidationError({field: reason}) from None
    profiles = isp_profiles_for(params, organisations)
    steps = params.baseline_days + params.days + isps + 2 + (days if through != "events" else 0)
    ticker = _Ticker(progress, steps)
    starts_on = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=days)
    with transaction.atomic():
        world = World.prepare(profiles, organisations, params, with_blocks=through == "events")
        observations = _Observations(world, starts_on) if through == "events" else None
        observer = observations.observe if observations is not None else None
        result = simulate(params, isps=profiles, observer=observer, progress=ticker.model)
        texts = {"name": name, "slug": slug, "summary_vi": summary_vi, "summary_en": summary_en}
        campaign = _create(world, params, starts_on, texts, goal_reduction, remaining_days)
        _write_node_counts(world, result, starts_on, ticker)
        if observations is not None:
            observations.record()
        else:
            _write_baselines(campaign, world, result, starts_on)
        ticker.step()
        services.launch_campaign(None, campaign)
        _accept(campaign, world, result, starts_on)
        ticker.step()
        if observations is not None:
            measure.measure_campaign(campaign)
        else:
            _write_snapshots(campaign, world, result, starts_on, ticker)
    campaign.refresh_from_db()
    return campaign


def _create(
    world: World, params: ModelParams, starts_on: dt.date, texts: dict[str, str],
    goal: int, remaining_days: int,
) -> Campaign:  # fmt: skip
    """The draft campaign over every ISP and family (a free default name and slug)."""
    name, slug = texts["name"] or _free("name", params), texts["slug"] or _free("slug", params)
    summary = (f"{params.addresses:,} infected addresses, {len(world.organisations)} ISPs, "
               f"{len(world.families)} families, seed {params.seed}.")  # fmt: skip
    return services.create_campaign(
        None, name=name, slug=slug, starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=params.days + max(remaining_days, 0)),
        families=world.families, classification_types=[], participants=world.organisations,
        goal_reduction=goal, baseline_days=params.baseline_days,
        summary_vi=texts["summary_vi"] or f"Chiến dịch mô phỏng: {summary}",
        summary_en=texts["summary_en"] or f"A simulated campaign: {summary}",
    )  # fmt: skip


def _free(field: str, params: ModelParams) -> str:
    """The default name or slug, with -2, -3 … when an earlier simulation took it."""
    if field == "slug":
        stem = f"simulation-{params.days}d-seed-{params.seed}"
    else:
        stem = f"Chiến dịch mô phỏng {params.days} ngày (seed {params.seed})"
    taken = set(Campaign.objects.values_list(field, flat=True))
    return next(
        candidate
        for n in range(1, len(taken) + 2)
        if (candidate := stem if n == 1 else f"{stem} {n}" if field == "name" else f"{stem}-{n}")
        not in taken
    )


def _day(starts_on: dt.date, result: ModelResult, t: int) -> dt.date:
    return starts_on + dt.timedelta(days=t - result.params.baseline_days)


def _write_node_counts(
    world: World, result: ModelResult, starts_on: dt.date, ticker: _Ticker
) -> None:
    """Each ISP's notice figures and subscribers, through the node services (one operator
    call per chunk of days, within the services' limits)."""
    families = [family.name for family in world.families]
    days_per_call = max(1, min(MAX_NOTICE_DAYS, MAX_NOTICE_ROWS // len(families),
                               MAX_ROWS // len(families)))  # fmt: skip
    total_days = result.params.baseline_days + result.params.days
    for i, operator in enumerate(world.operators):
        for first in range(0, total_days, days_per_call):
            last = min(first + days_per_call, total_days) - 1
            notices, counts = _node_rows(result, i, families, starts_on, range(first, last + 1))
            since, until = _day(starts_on, result, first), _day(starts_on, result, last)
            replace_notice_counts(operator, since, until, notices)
            replace_daily_counts(operator, counts)
        ticker.step()


def _node_rows(
    result: ModelResult, i: int, families: Sequence[str], starts_on: dt.date, days: range
) -> tuple[list[NoticeCount], list[DailyCount]]:
    notices, counts = [], []
    for t in days:
        day = _day(starts_on, result, t)
        for f, family in enumerate(families):
            figures = {name: int(getattr(result, name)[t, i, f]) for name in NOTICE_FIELDS}
            clean = tuple(int(x) for x in result.time_to_clean[t, i, f])
            if any(figures.values()) or any(clean):
                notices.append(NoticeCount(day=day, family=family, time_to_clean=clean, **figures))
            events, found = int(result.events[t, i, f]), int(result.subscribers[t, i, f])
            if events:
                counts.append(DailyCount(day, family, "event", subscribers=found, records=events))
    return notices, counts


def _write_baselines(
    campaign: Campaign, world: World, result: ModelResult, starts_on: dt.date
) -> None:
    """The baselines the model counted, written before launch so none is computed again."""
    window = {"window_start": starts_on - dt.timedelta(days=result.params.baseline_days),
              "window_end": starts_on - dt.timedelta(days=1)}  # fmt: skip
    per_family, together = result.baseline(), result.baseline_all()
    rows = []
    for i, org in enumerate(world.organisations):
        rows.append(CampaignBaseline(campaign=campaign, organisation=org, family=ALL_FAMILIES,
                                     addresses=int(together[i]), **window))  # fmt: skip
        rows += [
            CampaignBaseline(
                campaign=campaign,
                organisation=org,
                family=family.slug,
                addresses=int(per_family[i, f]),
                **window,
            )
            for f, family in enumerate(world.families)
        ]
    CampaignBaseline.objects.bulk_create(rows)
    after = {"baselines": len(rows), "seed": result.params.seed}
    record_change(None, "campaign.baselines.simulate", campaign, after=after)


def _accept(campaign: Campaign, world: World, result: ModelResult, starts_on: dt.date) -> None:
    """Every ISP accepts; each records warning its subscribers every 30 days."""
    participants = {p.organisation_id: p for p in campaign.participants.all()}
    for i, (org, operator) in enumerate(zip(world.organisations, world.operators, strict=True)):
        participant = participants[org.pk]
        services.respond_to_campaign(operator, participant, accept=True)
        for day in range(6, result.params.days, 30):
            t = day + result.params.baseline_days
            warned = int(result.warned[t - 6 : t + 1, i].sum())
            services.record_action(
                operator, participant, kind=ActionKind.WARNED_SUBSCRIBERS,
                taken_on=starts_on + dt.timedelta(days=day), count=warned,
                description="Warnings by e-mail and SMS to the subscribers found this week.",
            )  # fmt: skip


def _write_snapshots(
    campaign: Campaign, world: World, result: ModelResult, starts_on: dt.date, ticker: _Ticker
) -> None:
    """One snapshot a campaign day through the one writer; measured through the last."""
    for c in range(result.params.days):
        t = c + result.params.baseline_days
        rows = [row for i in range(len(world.organisations)) for row in _rows(world, result, t, i)]
        measure.replace_snapshot_rows(campaign, starts_on + dt.timedelta(days=c), rows)
        ticker.step()
    last = starts_on + dt.timedelta(days=result.params.days - 1)
    before = {"measured_through": str(campaign.measured_through)}
    campaign.measured_through = last
    campaign.save(update_fields=["measured_through"])
    after = {"measured_through": str(last), "seed": result.params.seed}
    record_change(None, "campaign.simulate", campaign, before=before, after=after)


def _rows(world: World, result: ModelResult, t: int, i: int) -> Iterator[measure.SnapshotRow]:
    org = world.organisations[i].pk
    names = ("addresses", "addresses_window", "events", "subscribers", *NOTICE_FIELDS)
    together: dict[str, Any] = {name: int(getattr(result, name)[t, i].sum()) for name in names}
    together["addresses"] = int(result.addresses_all[t, i])
    together["addresses_window"] = int(result.addresses_window_all[t, i])
    clean = result.time_to_clean[t, i]
    together["time_to_clean"] = tuple(int(x) for x in clean.sum(axis=0))
    yield measure.SnapshotRow(organisation_id=org, family=ALL_FAMILIES, **together)
    for f, family in enumerate(world.families):
        figures: dict[str, Any] = {name: int(getattr(result, name)[t, i, f]) for name in names}
        figures["time_to_clean"] = tuple(int(x) for x in clean[f])
        yield measure.SnapshotRow(organisation_id=org, family=family.slug, **figures)


class _Observations:
    """Infections seen each day, kept as events to record: one per address, family and day."""

    def __init__(self, world: World, starts_on: dt.date) -> None:
        self.world, self.starts_on = world, starts_on
        self.events: list[Event] = []

    def observe(self, day: int, isp: Any, address: Any, family: Any) -> None:
        at = dt.datetime.combine(self.starts_on + dt.timedelta(days=day), dt.time(8), dt.UTC)
        for i, a, f in zip(isp.tolist(), address.tolist(), family.tolist(), strict=True):
            block = self.world.blocks[i]
            if a + 2 > block.num_addresses:
                raise ValidationError({"addresses": f"More than {block} holds: simulate fewer."})
            self.events.append(Event.from_dict({
                "feed.name": FEED_NAME, "time.source": at,
                "classification.type": "infected-system",
                "malware.name": self.world.families[f].name,
                "source.ip": str(block.network_address + 1 + a),
            }))  # fmt: skip

    def record(self) -> None:
        for start in range(0, len(self.events), EVENT_CHUNK):
            intel.record_events(None, self.events[start : start + EVENT_CHUNK])
