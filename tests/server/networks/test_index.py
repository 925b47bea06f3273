import datetime as dt

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.server.networks import services
from cleannet.server.networks.index import (
    build_prefix_index,
    forget_prefix_indexes,
    load_prefix_index,
)

pytestmark = pytest.mark.django_db

DAYS = [
    dt.date(2019, 12, 31),
    dt.date(2020, 1, 1),
    dt.date(2021, 6, 1),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 3, 1),
]
ADDRESSES = (
    [f"203.0.113.{n}" for n in range(256)]
    + [f"198.51.100.{n}" for n in (0, 1, 127, 128, 255)]
    + ["198.51.99.255", "198.51.101.0", "192.0.2.1", "::ffff:203.0.113.200"]
    + ["2001:db8:a::", "2001:db8:a:ffff::1", "2001:db8:a:b::1", "2001:db8:b::1", "::cb00:714d"]
)


@pytest.fixture(autouse=True)
def _fresh_index_cache() -> None:
    forget_prefix_indexes()


@pytest.fixture
def history(personas, networks) -> None:
    """Nested holdings and a change of hands on top of the ``networks`` fixture."""
    services.add_prefix(None, "203.0.113.128/25", personas.bank, dt.date(2021, 1, 1))
    services.add_prefix(None, "203.0.113.9/32", personas.bank, dt.date(2021, 1, 1))
    services.add_prefix(None, "2001:db8:a:b::/64", personas.bank, dt.date(2021, 1, 1))
    services.end_prefix(None, networks.isp_v4, dt.date(2026, 1, 1))
    services.add_prefix(
        None, "203.0.113.0/24", personas.other_isp_org, dt.date(2026, 1, 1), asn=networks.other_as
    )


def answers_of_owner_of(address: str, day: dt.date) -> tuple | None:
    found = services.owner_of(address, day)
    if found is None:
        return None
    number = found.autonomous_system.number if found.autonomous_system else None
    return found.prefix.cidr, number, found.organisation.slug


def test_it_answers_as_owner_of_does_for_every_address_and_day(history) -> None:
    index = load_prefix_index()
    for day in DAYS:
        for address in ADDRESSES:
            hit = index.lookup(address, None, day)
            found = None if hit is None else (hit.prefix, hit.asn, hit.owner)
            assert found == answers_of_owner_of(address, day), (address, day)


def test_it_gives_the_as_number_and_the_organisation_short_name(networks) -> None:
    hit = load_prefix_index().lookup("203.0.113.77", None, dt.date(2026, 3, 1))
    assert hit is not None
    assert (hit.prefix, hit.asn, hit.owner) == ("203.0.113.0/24", 64500, "song-hong-net")
    assert hit.valid_from == dt.date(2020, 1, 1) and hit.valid_until is None


def test_it_returns_the_same_index_while_the_networks_do_not_change(networks) -> None:
    assert load_prefix_index() is load_prefix_index()


def test_it_rebuilds_the_index_after_a_prefix_is_added(personas, networks) -> None:
    before = load_prefix_index()
    services.add_prefix(None, "192.0.2.0/24", personas.bank, dt.date(2021, 1, 1))
    after = load_prefix_index()
    assert after is not before
    assert after.lookup("192.0.2.1", None, dt.date(2026, 3, 1)).owner == "demo-bank"


def test_it_rebuilds_the_index_after_a_holding_is_ended(networks) -> None:
    day = dt.date(2026, 3, 1)
    assert load_prefix_index().lookup("203.0.113.7", None, day) is not None
    services.end_prefix(None, networks.isp_v4, dt.date(2026, 2, 1))
    assert load_prefix_index().lookup("203.0.113.7", None, day) is None


def test_it_leaves_out_holdings_ended_before_the_first_day_asked_for(history) -> None:
    index = build_prefix_index(at_least_day=dt.date(2026, 1, 1))
    assert len(index) == 6  # the ended /24 of song-hong-net is not in it
    assert index.lookup("203.0.113.7", None, dt.date(2026, 1, 1)).owner == "phuong-nam-net"
    with pytest.raises(InvalidValue):
        index.lookup("203.0.113.7", None, dt.date(2025, 12, 31))


def test_it_keeps_one_index_per_first_day_asked_for(networks) -> None:
    day = dt.date(2026, 1, 1)
    assert load_prefix_index(day) is load_prefix_index(day)
    assert load_prefix_index(day) is not load_prefix_index()
