"""What a campaign takes from the ISP nodes' aggregate counts: subscribers found, notices
warned, sent, delivered and acknowledged, re-infections and time to clean (never identities).

Nodes name families as their feeds do; each name is mapped to a family slug through the
aliases. A campaign with families keeps only counts of those families (aliases of one family
summed); a campaign with only event types keeps every count, in its ``ALL_FAMILIES`` row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Max

from cleannet.server.campaigns.measure_events import Key, Scope
from cleannet.server.campaigns.models import ALL_FAMILIES
from cleannet.server.intel.families import resolve_families
from cleannet.server.intel.naming import alias_key
from cleannet.server.node.models import NodeDailyCount, NodeNoticeCount
from cleannet.server.node.notice_counts import CLEAN_BUCKETS

NOTICE_FIELDS = ("warned", "sent", "delivered", "acknowledged", "reinfected")


def zero_clean() -> list[int]:
    """A time-to-clean list with nothing in any bucket."""
    return [0] * len(CLEAN_BUCKETS)


def add_clean(total: list[int], more: Sequence[int] | None) -> None:
    """Add the buckets of ``more`` (empty or None meaning zeros) to ``total`` in place."""
    for index, value in enumerate(more or ()):
        if index < len(total):
            total[index] += int(value)


@dataclass
class NodeFigures:
    """One organisation's node figures for one family key on one day."""

    subscribers: int = 0
    warned: int = 0
    sent: int = 0
    delivered: int = 0
    acknowledged: int = 0
    reinfected: int = 0
    time_to_clean: list[int] = field(default_factory=zero_clean)

    def add_notices(self, figures: Sequence[int], clean: Sequence[int] | None) -> None:
        self.warned += figures[0]
        self.sent += figures[1]
        self.delivered += figures[2]
        self.acknowledged += figures[3]
        self.reinfected += figures[4]
        add_clean(self.time_to_clean, clean)


def _family_keys(scope: Scope, names: Iterable[str]) -> dict[str, str | None]:
    """Map each node family name to the campaign's family slug it counts for.

    None drops the count (a family outside the campaign); ``ALL_FAMILIES`` keeps it only in
    the ALL row (a campaign with only event types).
    """
    names = set(names)
    if not scope.families:
        return dict.fromkeys(names, ALL_FAMILIES)
    families = resolve_families(names)
    keys: dict[str, str | None] = {}
    for name in names:
        family = families.get(alias_key(name))
        keys[name] = scope.families.get(family.pk) if family is not None else None
    return keys


def node_figures(scope: Scope, day: dt.date) -> dict[Key, NodeFigures]:
    """Return the node figures of the campaign's organisations on ``day``, keyed by
    (organisation, family slug) plus the ``ALL_FAMILIES`` sums. Three queries at most.

    Subscribers per family are the largest count over indicator kinds (a subscriber found
    by an IP and a domain is one subscriber); the ALL row adds families up, as every figure.
    """
    if not scope.organisation_ids:
        return {}
    notices = list(
        NodeNoticeCount.objects.filter(organisation_id__in=scope.organisation_ids, day=day)
        .order_by()
        .values_list("organisation_id", "family", *NOTICE_FIELDS, "time_to_clean")
    )
    subscribers = list(
        NodeDailyCount.objects.filter(organisation_id__in=scope.organisation_ids, day=day)
        .order_by()
        .values("organisation_id", "family")
        .annotate(most=Max("subscribers"))
        .values_list("organisation_id", "family", "most")
    )
    keys = _family_keys(scope, {row[1] for row in notices} | {row[1] for row in subscribers})
    answer: dict[Key, NodeFigures] = defaultdict(NodeFigures)
    for org, name, *figures, clean in notices:
        if (key := keys[name]) is not None:
            for target in {(org, key), (org, ALL_FAMILIES)}:
                answer[target].add_notices(figures, clean)
    for org, name, most in subscribers:
        if (key := keys[name]) is not None:
            for target in {(org, key), (org, ALL_FAMILIES)}:
                answer[target].subscribers += most
    return dict(answer)
