"""E-mail address normalisation and the mailbox key for leak lookups."""

import pytest

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import mailbox_key, normalise_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("an.nguyen@example.com", "an.nguyen@example.com"),
        ("  An.Nguyen@Example.COM  ", "An.Nguyen@example.com"),
        ("an+tag@EXAMPLE.com.", "an+tag@example.com"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("lien.he@đienluc.vn", "lien.he@xn--ienluc-92a.vn"),
        ("ho\u0302\u0300ng@example.vn", "h\u1ed3ng@example.vn"),
        ("user@ｅｘａｍｐｌｅ。ｃｏｍ", "user@example.com"),
        ("postmaster@_mta-sts.example.com", "postmaster@_mta-sts.example.com"),
    ],
)
def test_it_normalises_the_domain_and_keeps_the_local_part(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("an.nguyen.example.com", "has no @"),
        ("an@nguyen@example.com", "has 2 @ signs"),
        ('"an nguyen"@example.com', "quoted local part"),
        ("@example.com", "nothing before the @"),
        ("an@", "nothing after the @"),
        ("an nguyen@example.com", "whitespace"),
        (".an@example.com", "dot at its start or end"),
        ("an.@example.com", "dot at its start or end"),
        ("an..nguyen@example.com", "two dots in a row"),
        ("an(comment)@example.com", "character such as ( )"),
        ("a" * 65 + "@example.com", "over 64 bytes"),
        ("an@[192.0.2.1]", "address literal"),
        ("an@localhost", "domain 'localhost': is a single label"),
        ("an@exa_mple.com", "domain 'exa_mple.com': an underscore"),
        ("an@1.2.3.4", "reads as an IP address"),
        ("a" * 64 + "@" + ".".join(["b" * 62, "c" * 62, "d" * 62, "com"]), "over 254"),
    ],
)
def test_it_refuses_a_bad_address_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_email(raw)
    assert caught.value.field == "email"
    assert repr(raw)[:40] in str(caught.value)
    assert reason in caught.value.reason


def test_it_folds_the_local_part_case_for_leak_lookups() -> None:
    assert mailbox_key("An.Nguyen@Example.com") == "an.nguyen@example.com"
    assert mailbox_key("ĐỨC@example.vn") == "đức@example.vn"
    assert mailbox_key("an.nguyen@example.com") == mailbox_key("AN.NGUYEN@EXAMPLE.COM")


def test_it_does_not_fold_provider_specific_aliases() -> None:
    assert mailbox_key("an.nguyen+shop@gmail.com") == "an.nguyen+shop@gmail.com"


def test_it_refuses_a_bad_address_for_a_mailbox_key_too() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        mailbox_key("nobody")
    assert "'nobody'" in str(caught.value)
    assert "has no @" in str(caught.value)
