from hypothesis import given, settings
from hypothesis import strategies as st

from cleannet.core.indicators import public_suffix, registrable_domain
from cleannet.engines.lookalike.suffixes import suffix_and_registrable

_TAILS = [
    "com",
    "com.vn",
    "vn",
    "co.uk",
    "vercel.app",
    "s3.amazonaws.com",
    "ck",
    "www.ck",
    "kawasaki.jp",
    "city.kawasaki.jp",
    "vn.com",
    "id.vn",
    "github.io",
    "unknowntld",
    "uk",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "www", "x-1", "city", "s3"]), max_size=3),
    st.sampled_from(_TAILS),
)
def test_it_answers_as_core_does(labels, tail):
    host = ".".join([*labels, tail])
    assert suffix_and_registrable(host) == (public_suffix(host), registrable_domain(host))
