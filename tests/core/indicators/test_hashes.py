"""MD5, SHA-1 and SHA-256 normalisation."""

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import (
    guess_hash_kind,
    normalise_md5,
    normalise_sha1,
    normalise_sha256,
)

MD5 = hashlib.md5(b"cleannet", usedforsecurity=False).hexdigest()
SHA1 = hashlib.sha1(b"cleannet", usedforsecurity=False).hexdigest()
SHA256 = hashlib.sha256(b"cleannet").hexdigest()


def test_it_lower_cases_and_strips_a_hash() -> None:
    assert normalise_md5(f"  {MD5.upper()}\n") == MD5
    assert normalise_sha1(SHA1.upper()) == SHA1
    assert normalise_sha256(f"\t{SHA256.upper()}") == SHA256


def test_it_names_the_first_non_hex_character_and_its_position() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_md5("d41d8cd98f00b204e980099zecf8427e")
    assert caught.value.field == "md5"
    assert "'d41d8cd98f00b204e980099zecf8427e'" in str(caught.value)
    assert "character 'z' at position 24 is not a hexadecimal digit" in str(caught.value)


def test_it_refuses_a_hash_with_a_space_inside() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_sha1(SHA1[:20] + " " + SHA1[20:])
    assert "character ' ' at position 21" in caught.value.reason


@pytest.mark.parametrize(
    ("normaliser", "raw", "reason"),
    [
        (normalise_md5, MD5[:-1], "has 31 hex digits, an MD5 hash has 32"),
        (normalise_md5, SHA1, "has 40 hex digits, an MD5 hash has 32"),
        (normalise_sha1, MD5, "has 32 hex digits, a SHA-1 hash has 40"),
        (normalise_sha256, SHA256 + "0", "has 65 hex digits, a SHA-256 hash has 64"),
        (normalise_sha256, "", "has 0 hex digits, a SHA-256 hash has 64"),
    ],
)
def test_it_refuses_a_hash_of_the_wrong_length(
    normaliser: Callable[[str], str], raw: str, reason: str
) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normaliser(raw)
    assert repr(raw) in str(caught.value)
    assert reason in caught.value.reason


def test_it_refuses_a_prefixed_hash_rather_than_guessing() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_sha256("sha256:" + SHA256)
    assert "character 's' at position 1" in caught.value.reason


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (MD5, "md5"),
        (SHA1.upper(), "sha1"),
        (f" {SHA256} ", "sha256"),
        (MD5[:-1], None),
        ("z" * 32, None),
        ("", None),
        ("0" * 128, None),
    ],
)
def test_it_guesses_a_hash_kind_by_length(raw: str, kind: str | None) -> None:
    assert guess_hash_kind(raw) == kind


@given(st.binary())
def test_it_accepts_every_real_digest(data: bytes) -> None:
    digest = hashlib.sha256(data).hexdigest()
    assert normalise_sha256(digest.upper()) == digest
    assert guess_hash_kind(digest) == "sha256"
