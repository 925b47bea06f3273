import datetime as dt

import pytest

from cleannet.core.errors import InvalidIndicator
from cleannet.server.networks import services

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def test_it_attributes_an_ip_to_the_holder_of_its_prefix(personas, networks) -> None:
    found = services.owner_of("203.0.113.77", NOW)
    assert found is not None
    assert found.organisation == personas.isp_org
    assert found.prefix == networks.isp_v4
    assert found.autonomous_system == networks.isp_as
    assert found.ip == "203.0.113.77"


def test_it_attributes_an_ip_to_the_longest_matching_prefix(personas, networks) -> None:
    customer = services.add_prefix(None, "203.0.113.128/25", personas.bank, dt.date(2021, 1, 1))
    inside = services.owner_of("203.0.113.200", NOW)
    outside = services.owner_of("203.0.113.100", NOW)
    assert inside is not None and inside.prefix == customer
    assert inside.organisation == personas.bank
    assert inside.autonomous_system is None
    assert outside is not None and outside.organisation == personas.isp_org


def test_it_matches_a_single_host_prefix(personas, networks) -> None:
    host = services.add_prefix(None, "203.0.113.9/32", personas.bank, dt.date(2021, 1, 1))
    found = services.owner_of("203.0.113.9", NOW)
    assert found is not None and found.prefix == host


def test_it_attributes_nothing_before_the_prefix_was_held(networks) -> None:
    assert services.owner_of("203.0.113.77", dt.date(2019, 12, 31)) is None


def test_it_attributes_nothing_from_the_day_the_holding_ended(networks) -> None:
    services.end_prefix(None, networks.isp_v4, dt.date(2026, 1, 1))
    assert services.owner_of("203.0.113.77", dt.date(2025, 12, 31)) is not None
    assert services.owner_of("203.0.113.77", dt.date(2026, 1, 1)) is None


def test_it_attributes_to_the_holder_at_the_time_asked_after_a_transfer(personas, networks) -> None:
    services.end_prefix(None, networks.isp_v4, dt.date(2026, 1, 1))
    services.add_prefix(None, "203.0.113.0/24", personas.other_isp_org, dt.date(2026, 1, 1))
    before = services.owner_of("203.0.113.77", dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    after = services.owner_of("203.0.113.77", dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    assert before is not None and before.organisation == personas.isp_org
    assert after is not None and after.organisation == personas.other_isp_org


def test_it_reads_the_day_of_a_time_in_the_platform_time_zone(networks) -> None:
    services.end_prefix(None, networks.isp_v4, dt.date(2026, 1, 2))
    # 20:00 UTC on 1 January is already 2 January in Hanoi (UTC+7).
    evening = dt.datetime(2026, 1, 1, 20, 0, tzinfo=dt.UTC)
    assert services.owner_of("203.0.113.77", evening) is None


def test_it_attributes_ipv6_addresses(personas, networks) -> None:
    found = services.owner_of("2001:db8:a:ffff::1", NOW)
    assert found is not None and found.prefix == networks.isp_v6
    assert services.owner_of("2001:db8:b::1", NOW) is None


def test_it_attributes_an_ipv4_mapped_address_as_its_ipv4_address(personas, networks) -> None:
    found = services.owner_of("::ffff:203.0.113.77", NOW)
    assert found is not None and found.ip == "203.0.113.77"
    assert found.organisation == personas.isp_org


def test_it_never_matches_a_prefix_of_the_other_family(networks) -> None:
    # ::cb00:7100 has the same low 32 bits as 203.0.113.0.
    assert services.owner_of("::cb00:714d", NOW) is None


def test_it_answers_none_for_an_address_nobody_holds(networks) -> None:
    assert services.owner_of("192.0.2.1", NOW) is None


def test_it_refuses_a_malformed_ip_naming_the_field(networks) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        services.owner_of("203.0.113.300", NOW)
    assert caught.value.field == "ip"


def test_it_answers_one_address_with_one_query(networks, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert services.owner_of("2001:db8:a::1", NOW) is not None


def test_it_attributes_a_batch_of_addresses(personas, networks) -> None:
    ips = ["203.0.113.1", "198.51.100.2", "192.0.2.3", "2001:db8:a::4", "203.0.113.1"]
    owners = services.owners_of(ips, NOW)
    assert set(owners) == {"203.0.113.1", "198.51.100.2", "2001:db8:a::4"}
    assert owners["198.51.100.2"].organisation == personas.other_isp_org
    assert owners["2001:db8:a::4"].prefix == networks.isp_v6


def test_it_attributes_a_batch_with_one_query_per_family(
    networks, django_assert_num_queries
) -> None:
    ips = [f"203.0.113.{n}" for n in range(1, 200)] + [f"2001:db8:a::{n:x}" for n in range(1, 5)]
    with django_assert_num_queries(2):
        owners = services.owners_of(ips, NOW)
    assert len(owners) == 203


def test_it_splits_a_batch_of_scattered_addresses_into_bounded_queries(
    networks, django_assert_max_num_queries
) -> None:
    ips = [f"{a}.{b}.1.1" for a in range(1, 101) for b in range(0, 256, 64)] + ["198.51.100.7"]
    with django_assert_max_num_queries(10):
        owners = services.owners_of(ips, NOW)
    assert list(owners) == ["198.51.100.7"]
