"""Fixed-window rate limits shared through the database, keyed by digests only."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannet.server.leaks.models import RateCounter
from cleannet.server.leaks.ratelimits import HOUR, Limit, limit_key, purge_old_counters, take

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 1, 8, 10, tzinfo=dt.UTC)
PER_HOUR = Limit("check-client", 2, HOUR)


def test_it_allows_the_limit_and_refuses_the_next_use_in_the_window() -> None:
    assert [take(PER_HOUR, "203.0.113.9", T) for _ in range(3)] == [True, True, False]
    assert RateCounter.objects.get().hits == 2  # a refusal is not counted


def test_it_opens_a_new_allowance_in_the_next_window() -> None:
    take(PER_HOUR, "203.0.113.9", T)
    take(PER_HOUR, "203.0.113.9", T)

    assert take(PER_HOUR, "203.0.113.9", T + dt.timedelta(minutes=50)) is True  # 09:00 window


def test_it_counts_each_value_and_each_scope_apart() -> None:
    other_scope = Limit("check-address", 2, HOUR)
    take(PER_HOUR, "203.0.113.9", T)
    take(PER_HOUR, "203.0.113.9", T)

    assert take(PER_HOUR, "2001:db8::9", T) is True
    assert take(other_scope, "203.0.113.9", T) is True


def test_it_stores_a_keyed_digest_never_the_value() -> None:
    take(PER_HOUR, "203.0.113.9", T)

    counter = RateCounter.objects.get()
    assert "203.0.113" not in counter.key
    assert counter.key == limit_key("check-client", "203.0.113.9")
    assert counter.key != limit_key("check-address", "203.0.113.9")
    assert len(counter.key) == 64


def test_it_purges_counters_of_windows_long_over() -> None:
    take(PER_HOUR, "old", T - dt.timedelta(days=3))
    take(PER_HOUR, "recent", T)

    assert purge_old_counters(now=T) == 1
    assert RateCounter.objects.get().key == limit_key("check-client", "recent")
