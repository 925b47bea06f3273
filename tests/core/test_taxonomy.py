"""The RSIT taxonomy: lookup, legacy names, and the errors a feed author sees."""

from __future__ import annotations

import pytest

from cleannet.core.errors import InvalidTaxonomy, InvalidValue
from cleannet.core.taxonomy import (
    LEGACY_TYPES,
    TAXONOMY,
    TAXONOMY_DESCRIPTIONS,
    TYPE_DESCRIPTIONS,
    Classification,
    classify,
    machine_tag,
    normalise_taxonomy,
)


def _refusal(type_: object, taxonomy: object = None) -> InvalidTaxonomy:
    with pytest.raises(InvalidTaxonomy) as caught:
        classify(type_, taxonomy)
    return caught.value


def test_it_lists_the_rsit_taxonomies_in_rsit_order() -> None:
    assert list(TAXONOMY) == [
        "abusive-content",
        "malicious-code",
        "information-gathering",
        "intrusion-attempts",
        "intrusions",
        "availability",
        "information-content-security",
        "fraud",
        "vulnerable",
        "other",
        "test",
    ]


def test_it_holds_rsit_1_3_types_and_intelmq_additions_under_other() -> None:
    assert TAXONOMY["malicious-code"] == {
        "infected-system",
        "c2-server",
        "malware-distribution",
        "malware-configuration",
    }
    assert "system-compromise" in TAXONOMY["intrusions"]
    assert "data-leak" in TAXONOMY["information-content-security"]
    assert TAXONOMY["other"] == {
        "other",
        "undetermined",
        "blacklist",
        "dga-domain",
        "malware",
        "proxy",
        "tor",
    }


def test_every_taxonomy_and_type_has_a_short_description() -> None:
    assert set(TAXONOMY_DESCRIPTIONS) == set(TAXONOMY)
    assert set(TYPE_DESCRIPTIONS) == {name for types in TAXONOMY.values() for name in types}
    for description in [*TAXONOMY_DESCRIPTIONS.values(), *TYPE_DESCRIPTIONS.values()]:
        assert 0 < len(description) <= 120


@pytest.mark.parametrize(
    ("type_", "taxonomy"),
    [
        ("infected-system", "malicious-code"),
        ("c2-server", "malicious-code"),
        ("scanner", "information-gathering"),
        ("brute-force", "intrusion-attempts"),
        ("ddos", "availability"),
        ("phishing", "fraud"),
        ("ddos-amplifier", "vulnerable"),
        ("data-leak", "information-content-security"),
        ("dga-domain", "other"),
        ("test", "test"),
    ],
)
def test_it_finds_the_taxonomy_of_a_type(type_: str, taxonomy: str) -> None:
    assert classify(type_) == Classification(taxonomy, type_)


def test_it_maps_the_legacy_botnet_drone_to_infected_system() -> None:
    assert classify("botnet drone") == Classification("malicious-code", "infected-system")


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("C&C", "c2-server"),
        ("c2server", "c2-server"),
        ("ransomware", "infected-system"),
        ("vulnerable service", "vulnerable-system"),
        ("vulnerable client", "vulnerable-system"),
        ("leak", "data-leak"),
        ("unknown", "undetermined"),
        ("compromised", "system-compromise"),
        ("backdoor", "system-compromise"),
        ("defacement", "unauthorised-information-modification"),
        ("dropzone", "other"),
        ("unauthorized-use-of-resources", "unauthorised-use-of-resources"),
        ("blocklist", "blacklist"),
    ],
)
def test_it_maps_legacy_names_feeds_still_send(sent: str, expected: str) -> None:
    assert classify(sent).type == expected


def test_it_keeps_intelmq_malware_as_its_own_type_under_other() -> None:
    assert classify("malware") == Classification("other", "malware")


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("Infected_System", "infected-system"),
        ("  DDoS ", "ddos"),
        ("Malware Configuration", "malware-configuration"),
        ("IDS alert", "ids-alert"),
        ("dga  domain", "dga-domain"),
    ],
)
def test_it_ignores_case_spaces_and_underscores(sent: str, expected: str) -> None:
    assert classify(sent).type == expected


def test_it_accepts_a_taxonomy_in_the_old_ecsirt_spelling() -> None:
    assert classify("botnet drone", "Malicious Code").taxonomy == "malicious-code"
    assert normalise_taxonomy("Information Content Security") == "information-content-security"


def test_it_refuses_a_type_that_belongs_to_another_taxonomy() -> None:
    error = _refusal("c2-server", "vulnerable")

    assert error.field == "classification.taxonomy"
    assert error.value == "vulnerable"
    assert "belongs to taxonomy 'malicious-code'" in error.reason


def test_it_allows_undetermined_and_other_under_the_taxonomy_a_feed_knows() -> None:
    assert classify("undetermined", "malicious-code") == Classification(
        "malicious-code", "undetermined"
    )
    assert classify("other", "intrusions").taxonomy == "intrusions"
    assert classify("unknown").taxonomy == "other"


def test_it_refuses_an_unknown_type_and_suggests_the_nearest_name() -> None:
    error = _refusal("c2-sever")

    assert error.field == "classification.type"
    assert error.value == "c2-sever"
    assert error.reason == "unknown type; did you mean 'c2-server'?"


def test_it_refuses_an_unknown_type_without_listing_every_type() -> None:
    error = _refusal("quantum-hacking")

    assert error.reason == "unknown type"
    assert len(str(error)) < 100


def test_it_refuses_an_unknown_taxonomy() -> None:
    error = _refusal("spam", "abusive-contents")

    assert error.field == "classification.taxonomy"
    assert "unknown taxonomy; did you mean 'abusive-content'?" in str(error)


@pytest.mark.parametrize("sent", [None, 5, ["spam"]])
def test_it_refuses_a_type_that_is_not_text(sent: object) -> None:
    error = _refusal(sent)

    assert error.field == "classification.type"
    assert "expected a string" in error.reason


def test_it_refuses_an_empty_type() -> None:
    error = _refusal("   ")

    assert error.field == "classification.type"
    assert error.reason == "is empty"


def test_its_errors_are_value_errors_callers_can_catch_broadly() -> None:
    assert isinstance(_refusal("nope"), InvalidValue)
    assert isinstance(_refusal("nope"), ValueError)


def test_it_refuses_to_build_a_classification_with_a_mismatched_pair() -> None:
    with pytest.raises(InvalidTaxonomy) as caught:
        Classification("fraud", "ddos")

    assert caught.value.field == "classification.taxonomy"
    assert "belongs to taxonomy 'availability'" in caught.value.reason


def test_it_refuses_to_build_a_classification_with_a_legacy_name() -> None:
    with pytest.raises(InvalidTaxonomy) as caught:
        Classification("malicious-code", "botnet drone")

    assert caught.value.field == "classification.type"
    assert caught.value.reason == "unknown type"


def test_it_stores_the_identifier_lower_case() -> None:
    assert classify("infected-system", identifier=" Mirai ").identifier == "mirai"


def test_it_writes_the_rsit_machine_tag() -> None:
    assert machine_tag(classify("botnet drone")) == 'rsit:malicious-code="infected-system"'


def test_every_legacy_name_maps_to_a_current_type_and_is_not_one_itself() -> None:
    for old, new in LEGACY_TYPES.items():
        assert new in TYPE_DESCRIPTIONS
        assert old not in TYPE_DESCRIPTIONS
        assert old == old.lower().replace(" ", "-")
