"""The ingestion pipeline's ``Attributor`` over the networks' in-memory prefix index.

``prefix_attributor()`` loads the index of the ``Prefix`` table once (``networks.index``
keeps it cached between runs and rebuilds it when the networks changed) and answers
``(ip, day) -> Attribution(owner=organisation slug, asn, network=CIDR)`` without a query.
The store turns the slug and CIDR into the ``owner`` and ``prefix`` of the event.
"""

from __future__ import annotations

import datetime as dt

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.engines.feeds.attribution import Hit, PrefixIndex
from cleannet.engines.feeds.pipeline import Attribution, Attributor
from cleannet.server.networks.index import load_prefix_index

__all__ = ["no_attribution", "prefix_attributor"]


def prefix_attributor(index: PrefixIndex | None = None) -> Attributor:
    """Return an ``Attributor`` answering from ``index`` (by default the networks' index).

    The answer for an address nobody held that day, a malformed address or a day the
    index does not cover is None: attribution is best effort and never refuses a row.
    """
    prefixes = index if index is not None else load_prefix_index()
    # One Attribution per holding: the index hands out the same Hit for all its addresses.
    answers: dict[int, Attribution] = {}

    def attribute(ip: str, day: dt.date) -> Attribution | None:
        try:
            hit = prefixes.lookup(ip, None, day)
        except (InvalidIndicator, InvalidValue):
            return None
        if hit is None:
            return None
        answer = answers.get(id(hit))
        if answer is None:
            answer = answers[id(hit)] = _attribution(hit)
        return answer

    return attribute


def no_attribution(ip: str, day: dt.date) -> Attribution | None:
    """An ``Attributor`` that attributes nothing (a node without a prefix table, tests)."""
    return None


def _attribution(hit: Hit) -> Attribution:
    return Attribution(owner=hit.owner, asn=hit.asn, network=hit.prefix)
