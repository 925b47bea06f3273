"""What is hashed for each kind: passwords as given, e-mail and phone normalised by core."""

from __future__ import annotations

import hashlib

import pytest

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.leakindex import (
    HASH_BYTES,
    PREFIX_HEX,
    Kind,
    hash_identifier,
    identifier_key,
    password_hashes,
)


def sha1_hex(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def test_it_hashes_a_password_as_pwned_passwords_does() -> None:
    sha1, ntlm = password_hashes("password")

    assert sha1.hex().upper() == "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"
    assert ntlm.hex().upper() == "8846F7EAEE8FB117AD06BDD830B7586C"


def test_it_hashes_a_non_ascii_password_in_utf8_and_utf16() -> None:
    sha1, ntlm = password_hashes("mậtkhẩu")

    assert sha1.hex() == sha1_hex("mậtkhẩu")
    assert hash_identifier(Kind.PASSWORD_NTLM, "mậtkhẩu") == ntlm
    assert ntlm != hash_identifier(Kind.PASSWORD_NTLM, "matkhau")


def test_it_never_normalises_a_password() -> None:
    hashes = {hash_identifier(Kind.PASSWORD_SHA1, p) for p in ["Password", "password", " password"]}

    assert len(hashes) == 3


@pytest.mark.parametrize(
    "spelling",
    ["nguyen.a@gmail.com", "Nguyen.A@Gmail.COM", " NGUYEN.A@gmail.com. ", "nguyen.a@GMAIL.com"],
)
def test_it_hashes_every_spelling_of_a_mailbox_alike(spelling: str) -> None:
    assert identifier_key(Kind.EMAIL, spelling) == "nguyen.a@gmail.com"
    assert hash_identifier(Kind.EMAIL, spelling).hex() == sha1_hex("nguyen.a@gmail.com")


def test_it_hashes_an_idn_mailbox_in_its_ascii_form() -> None:
    assert identifier_key(Kind.EMAIL, "Hoa@Bücher.example") == "hoa@xn--bcher-kva.example"


@pytest.mark.parametrize(
    "spelling", ["0912345678", "+84 912 345 678", "84912345678", "0084-912-345-678", "912345678"]
)
def test_it_hashes_every_form_of_a_phone_number_as_e164(spelling: str) -> None:
    assert identifier_key(Kind.PHONE, spelling) == "+84912345678"
    assert hash_identifier(Kind.PHONE, spelling).hex() == sha1_hex("+84912345678")


def test_it_hashes_a_pre_2018_mobile_number_as_its_new_number() -> None:
    assert hash_identifier(Kind.PHONE, "01662345678") == hash_identifier(Kind.PHONE, "0362345678")


@pytest.mark.parametrize(("kind", "raw"), [(Kind.EMAIL, "a@b@example.com"), (Kind.PHONE, "12ab")])
def test_it_refuses_what_core_refuses(kind: Kind, raw: str) -> None:
    with pytest.raises(InvalidIndicator):
        hash_identifier(kind, raw)


def test_it_declares_widths_and_prefix_lengths_per_kind() -> None:
    assert {k: (HASH_BYTES[k], PREFIX_HEX[k]) for k in Kind} == {
        Kind.PASSWORD_SHA1: (20, 5),
        Kind.PASSWORD_NTLM: (16, 5),
        Kind.EMAIL: (20, 6),
        Kind.PHONE: (20, 6),
    }
