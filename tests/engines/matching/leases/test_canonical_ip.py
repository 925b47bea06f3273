"""The matching tables' address text: core's canonical form, IPv4-mapped written as IPv4."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import normalise_ip
from cleannet.engines.matching.leases.inputs import canonical_ip


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("203.0.113.10", "203.0.113.10"),
        (" 203.0.113.10 ", "203.0.113.10"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:203.0.113.10", "203.0.113.10"),
        ("::FFFF:cb00:710a", "203.0.113.10"),
        ("[2001:db8::1]", "2001:db8::1"),
    ],
)
def test_it_writes_addresses_as_the_tables_do(raw: str, canonical: str) -> None:
    assert canonical_ip(raw) == canonical


@pytest.mark.parametrize("raw", ["203.0.113.300", "010.0.0.1", "203.0.113", "fe80::1%eth0", ""])
def test_it_refuses_what_core_refuses(raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        canonical_ip(raw)


def _core(raw: str) -> str | None:
    try:
        text = normalise_ip(raw)
    except InvalidIndicator:
        return None
    return text.removeprefix("::ffff:") if text.startswith("::ffff:") and "." in text else text


def _ours(raw: str) -> str | None:
    try:
        return canonical_ip(raw)
    except InvalidIndicator:
        return None


@given(st.text(alphabet="0123456789.:abcdfx ", max_size=20))
def test_it_agrees_with_core_on_random_text(raw: str) -> None:
    assert _ours(raw) == _core(raw)


@given(st.lists(st.integers(0, 299), min_size=4, max_size=4), st.booleans())
def test_it_agrees_with_core_on_dotted_quads_with_and_without_leading_zeros(
    parts: list[int], padded: bool
) -> None:
    raw = ".".join(f"{part:03d}" if padded else str(part) for part in parts)
    assert _ours(raw) == _core(raw)
