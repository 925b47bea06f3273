"""The memoised normalisers give what core gives, however full their caches are."""

import pytest

from cleannet.engines.matching.logs import values as values_module
from cleannet.engines.matching.logs.base import LineError
from cleannet.engines.matching.logs.values import Values, canonical_ip, port


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("192.0.2.5", "192.0.2.5"),
        ("::ffff:192.0.2.5", "192.0.2.5"),  # IPv4-mapped IPv6, as dual-stack servers log
        ("::FFFF:C000:0205", "192.0.2.5"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
    ],
)
def test_it_writes_addresses_as_the_schema_says(raw: str, canonical: str) -> None:
    assert canonical_ip(raw) == canonical
    assert Values().ip(raw) == canonical


def test_it_refuses_an_octal_looking_address_naming_the_field() -> None:
    with pytest.raises(LineError, match=r"client '010\.0\.0\.1'.*leading zero"):
        Values().ip("010.0.0.1", "client")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("WWW.Example.COM.", "www.example.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("wpad", None),
        (".", None),
        ("\\000\\001.example", None),
    ],
)
def test_it_normalises_names_or_gives_none(raw: str, name: str | None) -> None:
    assert Values().domain(raw) == name


def test_it_stays_right_when_its_caches_overflow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values_module, "CACHE_LIMIT", 3)
    values = Values()
    names = [f"Host{number}.Example" for number in range(10)]

    first = [values.domain(name) for name in names]
    again = [values.domain(name) for name in names]

    assert first == again == [name.lower() for name in names]
    assert len(values.names) <= 3
    with pytest.raises(LineError, match="above 255"):
        values.ip("192.0.2.256")


@pytest.mark.parametrize("raw", ["65536", "-1", "+53", "053", " 53", "53.0", "", "٥٣"])
def test_it_refuses_ports_that_are_not_plain_numbers_up_to_65535(raw: str) -> None:
    with pytest.raises(LineError, match="port"):
        port(raw)


def test_it_reads_the_port_range_ends() -> None:
    assert (port("0"), port("65535")) == (0, 65535)
