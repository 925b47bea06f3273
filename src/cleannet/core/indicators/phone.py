"""Vietnamese telephone numbers as E.164 (``+84…``), old mobile numbers mapped to new ones.

A national number (after the trunk ``0``) is either a mobile number, 9 digits behind a
two-digit network code (``091…``), or a landline, 10 digits behind an area code (``024…``,
``0236…``; the 2017 landline renumbering). Numbers of the eleven-digit mobile ranges
(``016x``, ``012x``, ``0186/0188``, ``0199``) were moved to ten digits in September 2018 and
are written with their new prefix, so an old report and a new one match.
"""

from __future__ import annotations

import unicodedata

from cleannet.core.errors import InvalidIndicator

__all__ = ["normalise_phone"]

# Two-digit network codes in use: Viettel, MobiFone, VinaPhone, Vietnamobile, Gmobile,
# Itelecom (087) and Reddi (055).


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MOBILE_CODES = _codes(
    "32 33 34 35 36 37 38 39 86 96 97 98"
    " 70 76 77 78 79 89 90 93"
    " 81 82 83 84 85 88 91 94"
    " 52 56 58 92"
    " 59 99"
    " 87 55"
)
# The Ministry's 2018 conversion of eleven-digit mobile numbers (old code -> new code).
_RENUMBERED_2018 = {
    **{f"16{digit}": f"3{digit}" for digit in "23456789"},  # Viettel 0162..0169 -> 032..039
    **{"120": "70", "121": "79", "122": "77", "126": "76", "128": "78"},  # MobiFone
    **{"123": "83", "124": "84", "125": "85", "127": "81", "129": "82"},  # VinaPhone
    **{"186": "56", "188": "58"},  # Vietnamobile
    "199": "59",  # Gmobile
}
# Landline area codes after the 2017 renumbering: Hanoi 024 and Ho Chi Minh City 028, then one
# three-digit code per province.
_CITY_CODES = frozenset({"24", "28"})
_AREA_CODES = _codes(
    "203 204 205 206 207 208 209 210 211 212 213 214 215 216 218 219 220 221 222 225 226 227"
    " 228 229 232 233 234 235 236 237 238 239 251 252 254 255 256 257 258 259 260 261 262 263"
    " 269 270 271 272 273 274 275 276 277 290 291 292 293 294 296 297 299"
)
_SERVICE_PREFIXES = ("1800", "1900")
_SHORTEST_PREFIX = 3
_SEPARATORS = frozenset(" ().-")


def _digits(raw: str) -> tuple[bool, str]:
    text = unicodedata.normalize("NFKC", raw).strip()
    plus = text.startswith("+")
    for char in text[plus:]:
        if char not in _SEPARATORS and not ("0" <= char <= "9"):
            raise InvalidIndicator(
                "phone", raw, f"character {char!r} is not part of a phone number"
            )
    digits = "".join(char for char in text if "0" <= char <= "9")
    if not digits:
        raise InvalidIndicator("phone", raw, "has no digits")
    return plus, digits


def _national_number(raw: str) -> str:
    """Return the digits after the country code or trunk 0 (which may still be an old number)."""
    plus, digits = _digits(raw)
    if plus or digits.startswith("00"):
        international = digits if plus else digits[2:]
        if not international.startswith("84"):
            raise InvalidIndicator("phone", raw, "is not a Vietnamese number (country code +84)")
        # '+84 (0) 912…' and '+84 0912…' repeat the trunk 0 behind the country code.
        return international[2:].removeprefix("0")
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith("84") and len(digits) >= 11:
        return digits[2:]
    # No 0 and no 84: the trunk 0 was lost, typically to a spreadsheet reading it as a number.
    return digits


def _length_reason(kind: str, national: str, expected: int) -> str:
    return (
        f"a {kind} number has {expected + 1} digits counting the leading 0, "
        f"this one has {len(national) + 1}"
    )


def _new_mobile_number(national: str, raw: str) -> str:
    new_code = _RENUMBERED_2018.get(national[:3])
    if new_code is None:
        return national
    if len(national) != 10:
        raise InvalidIndicator("phone", raw, _length_reason("pre-2018 mobile", national, 10))
    return new_code + national[3:]


def _check_landline(national: str, raw: str) -> None:
    if national[:2] not in _CITY_CODES and national[:3] not in _AREA_CODES:
        raise InvalidIndicator(
            "phone", raw, f"0{national[:3]} is not a Vietnamese landline area code"
        )
    if len(national) != 10:
        raise InvalidIndicator("phone", raw, _length_reason("landline", national, 10))


def normalise_phone(raw: str) -> str:
    """Return the Vietnamese number ``raw`` in E.164 form, ``+84`` and the national number.

    Accepts ``0912345678``, ``+84 912 345 678``, ``84912345678``, ``0084…``, ``(091) 234-5678``,
    a number whose leading 0 a spreadsheet dropped, and full-width digits; pre-2018 eleven-digit
    mobile numbers come out with their new prefix. Raises ``InvalidIndicator`` for characters
    other than digits, spaces, ``+ ( ) . -``, another country code, a service number (1800/1900),
    an unknown network or area code, or a wrong length.
    """
    national = _national_number(raw)
    if len(national) < _SHORTEST_PREFIX:
        raise InvalidIndicator("phone", raw, "is too short to be a Vietnamese number")
    if national.startswith(_SERVICE_PREFIXES):
        raise InvalidIndicator("phone", raw, "is a 1800/1900 service number, not reachable as +84")
    national = _new_mobile_number(national, raw)
    if national[:2] in _MOBILE_CODES:
        if len(national) != 9:
            raise InvalidIndicator("phone", raw, _length_reason("mobile", national, 9))
    elif national.startswith("2"):
        _check_landline(national, raw)
    else:
        raise InvalidIndicator(
            "phone",
            raw,
            f"starts with 0{national[:2]}, neither a Vietnamese mobile network code "
            "nor a landline area code",
        )
    return "+84" + national
