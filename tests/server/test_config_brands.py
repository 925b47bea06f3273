"""Brand-protection settings: defaults, the RPZ policy and its addresses, nameservers."""

import pytest

from cleannet.core.errors import ConfigurationError
from cleannet.server.config import load_config

DEBUG = {"CLEANNET_DEBUG": "1"}


def test_it_defaults_to_an_nxdomain_zone_and_the_system_resolver() -> None:
    brands = load_config(DEBUG).brands

    assert (brands.rpz_policy, brands.rpz_origin, brands.alert_threshold) == (
        "nxdomain",
        "rpz.cleannet.vn.",
        60,
    )
    assert brands.dns_nameservers == ()


def test_it_ends_the_origin_with_a_dot() -> None:
    brands = load_config({**DEBUG, "CLEANNET_BRANDS_RPZ_ORIGIN": "rpz.example.vn"}).brands
    assert brands.rpz_origin == "rpz.example.vn."


def test_it_refuses_a_walled_garden_without_an_address() -> None:
    env = {**DEBUG, "CLEANNET_BRANDS_RPZ_POLICY": "walled-garden"}
    with pytest.raises(ConfigurationError, match="CLEANNET_BRANDS_RPZ_POLICY"):
        load_config(env)


def test_it_takes_a_walled_garden_address() -> None:
    env = {
        **DEBUG,
        "CLEANNET_BRANDS_RPZ_POLICY": "walled-garden",
        "CLEANNET_BRANDS_WALLED_GARDEN_IPV4": "192.0.2.80",
    }
    assert load_config(env).brands.walled_garden_ipv4 == "192.0.2.80"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("CLEANNET_BRANDS_WALLED_GARDEN_IPV4", "2001:db8::1"),
        ("CLEANNET_BRANDS_WALLED_GARDEN_IPV6", "192.0.2.1"),
        ("CLEANNET_BRANDS_WALLED_GARDEN_IPV4", "not-an-address"),
        ("CLEANNET_BRANDS_ALERT_THRESHOLD", "101"),
        ("CLEANNET_BRANDS_RPZ_POLICY", "drop"),
        ("CLEANNET_BRANDS_DNS_NAMESERVERS", "resolver.example"),
        ("CLEANNET_BRANDS_DNS_NAMESERVERS", "127.0.0.1:99999"),
    ],
)
def test_it_refuses_a_bad_value_naming_the_key(key: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=key):
        load_config({**DEBUG, key: value})


def test_it_reads_nameservers_with_and_without_ports() -> None:
    env = {
        **DEBUG,
        "CLEANNET_BRANDS_DNS_NAMESERVERS": "127.0.0.1:5353, 2001:db8::53, [2001:db8::54]:5353",
    }
    assert load_config(env).brands.dns_nameservers == (
        "127.0.0.1:5353",
        "2001:db8::53",
        "[2001:db8::54]:5353",
    )
