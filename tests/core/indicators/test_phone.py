"""Vietnamese telephone numbers to E.164."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import normalise_phone


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "(091) 234-5678",
        "0084912345678",
        "00 84 912 345 678",
        "0912.345.678",
        "+84 (0) 912 345 678",
        "+84 0912345678",
        "  0912 345 678\t",
        "０９１２３４５６７８",
        "912345678",
    ],
)
def test_it_writes_every_spelling_of_a_mobile_number_in_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+84912345678"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("01623456789", "+84323456789"),
        ("01633456789", "+84333456789"),
        ("01643456789", "+84343456789"),
        ("01653456789", "+84353456789"),
        ("01663456789", "+84363456789"),
        ("01673456789", "+84373456789"),
        ("01683456789", "+84383456789"),
        ("01693456789", "+84393456789"),
        ("01203456789", "+84703456789"),
        ("01213456789", "+84793456789"),
        ("01223456789", "+84773456789"),
        ("01263456789", "+84763456789"),
        ("01283456789", "+84783456789"),
        ("01233456789", "+84833456789"),
        ("01243456789", "+84843456789"),
        ("01253456789", "+84853456789"),
        ("01273456789", "+84813456789"),
        ("01293456789", "+84823456789"),
        ("01863456789", "+84563456789"),
        ("01883456789", "+84583456789"),
        ("01993456789", "+84593456789"),
        ("+84 162 345 6789", "+84323456789"),
        ("841623456789", "+84323456789"),
        ("1623456789", "+84323456789"),
    ],
)
def test_it_moves_a_pre_2018_eleven_digit_mobile_number_to_its_new_prefix(
    old: str, new: str
) -> None:
    assert normalise_phone(old) == new


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0243 825 1234", "+842438251234"),
        ("024 3825 1234", "+842438251234"),
        ("(028) 3829 1234", "+842838291234"),
        ("0236 382 1234", "+842363821234"),
        ("+84 236 382 1234", "+842363821234"),
        ("0299 382 1234", "+842993821234"),
        ("0203 382 1234", "+842033821234"),
    ],
)
def test_it_accepts_landlines_with_their_2017_area_codes(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("091234567", "a mobile number has 10 digits counting the leading 0, this one has 9"),
        ("09123456789", "a mobile number has 10 digits counting the leading 0, this one has 11"),
        ("0162345678", "a pre-2018 mobile number has 11 digits counting the leading 0"),
        ("0236 382 123", "a landline number has 11 digits counting the leading 0, this one has 10"),
        ("0217 382 1234", "0217 is not a Vietnamese landline area code"),
        ("0412345678", "starts with 041, neither a Vietnamese mobile network code"),
        ("0112345678", "starts with 011, neither"),
        ("+1 415 555 0100", "not a Vietnamese number"),
        ("001 415 555 0100", "not a Vietnamese number"),
        ("1900 1234", "1800/1900 service number"),
        ("1800 588 888", "1800/1900 service number"),
        ("0912 345 678 ext 9", "character 'e' is not part of a phone number"),
        ("0912/345/678", "character '/' is not part of a phone number"),
        ("09+12345678", "character '+' is not part of a phone number"),
        ("", "has no digits"),
        ("+84", "too short"),
    ],
)
def test_it_refuses_a_bad_number_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_phone(raw)
    assert caught.value.field == "phone"
    assert repr(raw) in str(caught.value)
    assert reason in caught.value.reason


_MOBILE_CODES = st.sampled_from(["32", "39", "52", "55", "56", "59", "70", "79", "81", "87", "99"])


@given(_MOBILE_CODES, st.from_regex(r"[0-9]{7}", fullmatch=True))
def test_it_gives_the_same_number_for_the_national_and_e164_forms(code: str, rest: str) -> None:
    e164 = normalise_phone(f"0{code}{rest}")
    assert e164 == f"+84{code}{rest}"
    assert normalise_phone(e164) == e164
    assert normalise_phone(f"+84 {code} {rest[:3]} {rest[3:]}") == e164
