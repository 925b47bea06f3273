"""The short cut for names already canonical gives exactly what core's normaliser gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import normalise_domain
from cleannet.engines.matching.indicators_rows import canonical_domain


def _outcome(normalise, raw: str) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return str(normalise(raw))
    except InvalidIndicator:
        return None


@pytest.mark.parametrize(
    "raw",
    [
        "evil.example",
        "Evil.Example.",
        "xn--bcher-kva.example",
        "xn--zz.example",
        "r3---sn-abc.googlevideo.com",
        "1.2.3.4",
        "0x7f.1",
        "a.123",
        "-a.example",
        "a-.example",
        "_dmarc.example.com",
        "my_shop.example.com",
        "a" * 64 + ".example",
        ".".join(["a" * 60] * 5),
        "localhost",
    ],
)
def test_it_agrees_with_core_on_awkward_names(raw: str) -> None:
    assert _outcome(canonical_domain, raw) == _outcome(normalise_domain, raw)


@given(st.text(alphabet="abcxn019-._", min_size=1, max_size=30))
def test_it_agrees_with_core_on_random_names(raw: str) -> None:
    assert _outcome(canonical_domain, raw) == _outcome(normalise_domain, raw)
