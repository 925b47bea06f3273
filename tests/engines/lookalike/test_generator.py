"""The lookalike generator: a superset of dnstwist's names, each valid, once, each flagged by
whether its registry would issue it."""

from __future__ import annotations

import dnstwist
import idna
import pytest

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import (
    domain_to_unicode,
    normalise_domain,
    public_suffix,
    registrable_domain,
)
from cleannet.engines.lookalike.generator import (
    FUZZERS,
    Permutation,
    check_tld,
    check_word,
    generate,
    permutations,
)
from cleannet.engines.lookalike.glyphs import VIETNAMESE_LETTERS
from cleannet.engines.lookalike.lures import DEFAULT_LURE_WORDS, DEFAULT_TLDS

OURS_ONLY = {"homoglyph-vi", "dictionary-tld"}
DNSTWIST_FUZZERS = [name for name in FUZZERS if name not in OURS_ONLY]
DOMAINS = [
    "vietcombank.com.vn",
    "bidv.com.vn",
    "example.com",
    "mbbank.com.vn",
    "shopee.vn",
    "vnpt.vn",
    "my-bank2.com",
]


def dnstwist_names(domain: str) -> set[str]:
    fuzzer = dnstwist.Fuzzer(
        domain, dictionary=list(DEFAULT_LURE_WORDS), tld_dictionary=list(DEFAULT_TLDS)
    )
    fuzzer.generate()
    return {found["domain"] for found in fuzzer.domains if found["fuzzer"] != "*original"}


def valid_and_registrable(name: str) -> bool:
    # The only filters a checker comparing with dnstwist's raw output applies: IDNA validity
    # (core accepts the name as it is) and the PSL (a registrable name, not a public suffix).
    try:
        if normalise_domain(name) != name:
            return False
    except InvalidValue:
        return False
    return registrable_domain(name) is not None


def allowed_by_registry_rules(name: str) -> bool:
    # The rules stated in phishing.md §4, written independently of the generator: IDN labels
    # directly under vn only, with Vietnamese letters; none under com.vn and the like.
    suffix = public_suffix(name)
    left = name[: -len(suffix) - 1]
    letters = set(domain_to_unicode(left, allow_single_label=True)) - set(
        "abcdefghijklmnopqrstuvwxyz0123456789-."
    )
    if not letters:
        return True
    if suffix == "vn":
        return letters <= VIETNAMESE_LETTERS
    return not suffix.endswith(".vn")


def names(domain: str, *fuzzers: str, registry_rules: bool = False) -> set[str]:
    made = permutations(domain, fuzzers=fuzzers or None, registry_rules=registry_rules)
    return {found.name for found in made}


@pytest.mark.parametrize("domain", DOMAINS)
def test_it_makes_every_valid_registrable_name_dnstwist_makes(domain: str) -> None:
    theirs = {name for name in dnstwist_names(domain) if valid_and_registrable(name)}
    ours = names(domain, *DNSTWIST_FUZZERS)
    assert theirs, "dnstwist made nothing: the comparison would prove nothing"
    assert sorted(theirs - ours) == []


@pytest.mark.parametrize("domain", ["vietcombank.com.vn", "shopee.vn", "bidv.com.vn"])
def test_dnstwist_names_the_registry_refuses_are_made_and_flagged(domain: str) -> None:
    refused = {name for name in dnstwist_names(domain) if not allowed_by_registry_rules(name)}
    assert refused, "dnstwist made no refused name: the test would prove nothing"
    flags = {found.name: found.registry_allows for found in permutations(domain)}
    assert {name: flags.get(name) for name in refused} == dict.fromkeys(refused, False)


@pytest.mark.parametrize(
    ("domain", "flags"),
    [
        ("vietcombank.com.vn", {True, False}),
        ("shopee.vn", {True, False}),
        ("example.com", {True}),  # .com takes Latin IDN, and dictionary-tld is ASCII
    ],
)
def test_registry_allows_is_false_exactly_for_names_the_registry_refuses(
    domain: str, flags: set[bool]
) -> None:
    made = permutations(domain)
    assert {found.registry_allows for found in made} == flags
    for found in made:
        assert found.registry_allows == allowed_by_registry_rules(found.name), found.unicode


@pytest.mark.parametrize("domain", ["vietcombank.com.vn", "shopee.vn"])
def test_the_registry_rules_keep_exactly_the_names_the_registry_allows(domain: str) -> None:
    everything = permutations(domain)
    kept = permutations(domain, registry_rules=True)
    assert kept == [found for found in everything if found.registry_allows]
    assert all(found.registry_allows for found in kept)


@pytest.mark.parametrize("domain", ["vietcombank.com.vn", "shopee.vn", "example.com"])
def test_every_name_is_normalised_valid_and_shown_in_unicode(domain: str) -> None:
    for found in permutations(domain):
        assert normalise_domain(found.name) == found.name
        assert domain_to_unicode(found.name) == found.unicode
        assert found.name.isascii()
        for label in found.name.split("."):
            assert label == idna.alabel(idna.ulabel(label)).decode()


def test_permutations_are_immutable_named_tuples() -> None:
    found = permutations("bidv.com.vn", fuzzers=["omission"])[0]
    built = Permutation(found.fuzzer, found.name, found.unicode, found.registry_allows)
    assert type(found) is Permutation
    assert found == built
    assert hash(found) == hash(built)
    assert found._replace(name="bdv.com.vn").name == "bdv.com.vn"
    with pytest.raises(AttributeError):
        found.name = "bdv.com.vn"  # type: ignore[misc]


def test_it_lists_each_name_once_without_the_original_in_a_stable_order() -> None:
    first = permutations("vietcombank.com.vn")
    listed = [found.name for found in first]
    assert len(listed) == len(set(listed))
    assert "vietcombank.com.vn" not in listed
    assert first == permutations("vietcombank.com.vn")


@pytest.mark.parametrize(
    ("fuzzer", "expected"),
    [
        ("addition", "vietcombank1.com.vn"),
        ("bitsquatting", "vietcombanj.com.vn"),
        ("homoglyph", "vietcornbank.com.vn"),
        ("hyphenation", "vietcom-bank.com.vn"),
        ("insertion", "vietcombankj.com.vn"),
        ("omission", "vietcombnk.com.vn"),
        ("plural", "vietcombanks.com.vn"),
        ("repetition", "vietcombbank.com.vn"),
        ("replacement", "vietcombanl.com.vn"),
        ("subdomain", "vietcom.bank.com.vn"),
        ("transposition", "vietcombnak.com.vn"),
        ("vowel-swap", "vietcombenk.com.vn"),
        ("dictionary", "vietcombank-cskh.com.vn"),
        ("dictionary", "dangnhapvietcombank.com.vn"),
        ("tld-swap", "vietcombank.id.vn"),
        ("tld-swap", "vietcombank.vn"),
        ("various", "vietcombankcom.vn"),
        ("dictionary-tld", "vietcombank-cskh.top"),
        ("dictionary-tld", "xacminhvietcombank.io.vn"),
        ("homoglyph-vi", idna.encode("viêtcombank.vn").decode()),
    ],
)
def test_each_fuzzer_makes_its_kind_of_name(fuzzer: str, expected: str) -> None:
    made = permutations("vietcombank.com.vn", fuzzers=[fuzzer])
    assert expected in {found.name for found in made}
    assert {found.fuzzer for found in made} == {fuzzer}


def test_cyrillic_writes_every_letter_in_cyrillic() -> None:
    assert names("shopee.com", "cyrillic") == {idna.encode("ѕһорее.com").decode()}


def test_vietnamese_homoglyphs_appear_directly_under_vn() -> None:
    made = names("shopee.vn", "homoglyph-vi", "homoglyph")
    for fake in ("shọpee.vn", "shopêe.vn", "shôpệe.vn", "shopeẹ.vn"):
        assert idna.encode(fake).decode() in made


def test_with_the_registry_rules_no_idn_label_is_made_under_com_vn() -> None:
    made = names("vietcombank.com.vn", registry_rules=True)
    under_com_vn = [name for name in made if name.endswith(".com.vn")]
    assert under_com_vn
    assert not [name for name in under_com_vn if "xn--" in name]
    assert idna.encode("viêtcombank.vn").decode() in made


def test_by_default_idn_labels_under_com_vn_are_made_but_flagged() -> None:
    fake = idna.encode("viêtcombank.com.vn").decode()
    flags = {found.name: found.registry_allows for found in permutations("vietcombank.com.vn")}
    assert flags[fake] is False
    assert flags["vietcombank1.com.vn"] is True
    assert flags[idna.encode("viêtcombank.vn").decode()] is True


def test_non_vietnamese_letters_are_refused_under_vn_but_kept_under_com() -> None:
    dotted_a = "shopee".replace("o", "ȯ")
    assert idna.encode(dotted_a + ".com").decode() in names("shopee.com", "homoglyph")
    under_vn = idna.encode(dotted_a + ".vn").decode()
    assert under_vn not in names("shopee.vn", "homoglyph", registry_rules=True)
    flags = {found.name: found.registry_allows for found in permutations("shopee.vn")}
    assert flags[under_vn] is False


def test_it_turns_d_with_stroke_into_d_and_back() -> None:
    made = names("xn--ienluc-92a.vn", "homoglyph-vi")  # đienluc.vn
    assert "dienluc.vn" in made
    assert idna.encode("đienlục.vn").decode() in made


def test_it_never_emits_a_public_suffix() -> None:
    made = names("coms.vn", "omission")
    assert "com.vn" not in made
    assert "cms.vn" in made


def test_it_drops_labels_over_63_characters_and_counts_them() -> None:
    found = generate("a" * 63 + ".com", fuzzers=["addition", "omission"])
    assert found.dropped >= 36
    assert all(len(name.name.split(".")[0]) <= 63 for name in found.permutations)
    assert "a" * 62 + ".com" in {name.name for name in found.permutations}


def test_it_never_puts_two_hyphens_in_the_third_and_fourth_places() -> None:
    made = names("ab-cd.com", "hyphenation", "repetition")
    assert "ab-c-d.com" in made
    assert "ab--cd.com" not in made


def test_it_permutes_the_registrable_domain_of_a_host_name() -> None:
    found = generate("www.VietcomBank.com.vn.", fuzzers=["omission"])
    assert found.domain == "vietcombank.com.vn"
    assert "vietcmbank.com.vn" in {name.name for name in found.permutations}


@pytest.mark.parametrize("domain", ["com.vn", "not a domain", "1.2.3.4", ""])
def test_it_refuses_what_it_cannot_permute(domain: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        permutations(domain)
    assert refused.value.field == "domain"


def test_it_refuses_an_unknown_fuzzer_by_name() -> None:
    with pytest.raises(InvalidValue, match="typo-magic"):
        permutations("example.com", fuzzers=["typo-magic"])


def test_it_uses_the_words_and_suffixes_it_is_given() -> None:
    made = names_with("shopee.vn", dictionary=["Sale"], tlds=[".Shop", "id.vn"])
    assert {"shopee-sale.vn", "saleshopee.id.vn", "shopee.shop", "shopee.id.vn"} <= made


def names_with(domain: str, **options: list[str]) -> set[str]:
    return {found.name for found in permutations(domain, **options)}  # type: ignore[arg-type]


def test_a_suffix_that_is_not_public_is_refused() -> None:
    assert check_tld(" .Com.VN ") == "com.vn"
    with pytest.raises(InvalidValue, match="not a public suffix"):
        check_tld("vn.com")


def test_a_word_with_a_dot_or_space_is_refused() -> None:
    assert check_word(" CSKH ") == "cskh"
    for word in ("a.b", "log in", "", "under_score"):
        with pytest.raises(InvalidValue) as refused:
            check_word(word)
        assert refused.value.field == "dictionary"
