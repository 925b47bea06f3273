"""One normaliser per event field type: check a raw value and return its canonical form.

These are deliberately small, type-level checks (is it an IP, a port, a UTC time); the
fuller canonicalisation of observables (URL rewriting, Public Suffix List, IDNA 2008)
lives in ``cleannet.core.indicators``. Every normaliser raises ``InvalidEvent`` naming the
field, the value and the reason.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from types import MappingProxyType
from typing import TypeAlias
from urllib.parse import urlsplit

from cleannet.core.errors import InvalidEvent, InvalidTaxonomy
from cleannet.core.event_fields import FieldType
from cleannet.core.taxonomy import classify, normalise_taxonomy

__all__ = ["FieldValue", "JSONValue", "normalise_value"]

JSONValue: TypeAlias = bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"] | None
FieldValue: TypeAlias = datetime | JSONValue
"""What an event holds: JSON values, and ``datetime`` (aware, UTC) for time fields."""

_Normaliser: TypeAlias = Callable[[str, object], FieldValue]

_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,30}")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_UTC_SUFFIX = re.compile(r"\s*\b(UTC|GMT)$", re.IGNORECASE)
_DNS_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_HEX = re.compile(r"[0-9a-f]+")
_REGISTRIES = frozenset({"AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE"})
_TLP_LEVELS = frozenset({"CLEAR", "WHITE", "GREEN", "AMBER", "AMBER+STRICT", "RED"})
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})
# Beyond this a number of seconds is past the year 5138: almost surely milliseconds.
_MAX_UNIX_SECONDS = 1e11


def _text(field: str, value: object) -> str:
    """Return ``value`` as stripped text. Raises ``InvalidEvent`` if not text or empty."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidEvent(field, value, "is not UTF-8 text") from None
    if not isinstance(value, str):
        raise InvalidEvent(field, value, f"expected text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidEvent(field, value, "is empty")
    return text


def _lower_text(field: str, value: object) -> str:
    return _text(field, value).lower()


def _ip(field: str, value: object) -> str:
    """Return the compressed address; IPv4-mapped IPv6 becomes the IPv4 address."""
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = value
    else:
        try:
            address = ipaddress.ip_address(_text(field, value))
        except ValueError:
            raise InvalidEvent(field, value, "is not an IPv4 or IPv6 address") from None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_unspecified:
        # Feeds write 0.0.0.0 for "unknown"; storing it would attribute events to nobody.
        raise InvalidEvent(field, value, "is the unspecified address; leave the field out")
    return address.compressed


def _ip_network(field: str, value: object) -> str:
    """Return the prefix in CIDR form with host bits cleared (feeds often leave them set)."""
    try:
        network = ipaddress.ip_network(_text(field, value), strict=False)
    except ValueError:
        raise InvalidEvent(field, value, "is not an IP prefix in CIDR form") from None
    return network.compressed


def _whole_number(field: str, value: object) -> int:
    if isinstance(value, bool):
        raise InvalidEvent(field, value, "expected a whole number, got bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    raise InvalidEvent(field, value, "is not a whole number")


def _in_range(field: str, value: object, low: int, high: int) -> int:
    number = _whole_number(field, value)
    if not low <= number <= high:
        raise InvalidEvent(field, value, f"must be from {low} to {high}")
    return number


def _decimal(field: str, value: object) -> float:
    if isinstance(value, bool):
        raise InvalidEvent(field, value, "expected a number, got bool")
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        value = value.strip()
    elif not isinstance(value, int | float):
        raise InvalidEvent(field, value, "is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidEvent(field, value, "is too large") from None
    if not math.isfinite(number):
        raise InvalidEvent(field, value, "is not a finite number")
    return number


def _accuracy(field: str, value: object) -> float:
    number = _decimal(field, value)
    if not 0 <= number <= 100:
        raise InvalidEvent(field, value, "must be from 0 to 100")
    return number


def _port(field: str, value: object) -> int:
    return _in_range(field, value, 0, 65535)


def _asn(field: str, value: object) -> int:
    if isinstance(value, str) and value.strip()[:2].upper() == "AS":
        value = value.strip()[2:].strip()
    number = _whole_number(field, value)
    if number == 0:
        # Shadowserver and others write 0 for "unknown"; AS 0 is reserved (RFC 7607).
        raise InvalidEvent(field, value, "AS 0 is reserved (feeds use it for unknown)")
    if not 0 < number <= 4_294_967_295:
        raise InvalidEvent(field, value, "must be from 1 to 4294967295")
    return number


def _from_unix_seconds(field: str, value: float) -> datetime:
    if not math.isfinite(value) or abs(value) >= _MAX_UNIX_SECONDS:
        raise InvalidEvent(field, value, "is too large for Unix seconds (milliseconds?)")
    return datetime.fromtimestamp(value, UTC)


def _from_iso(field: str, value: object) -> datetime:
    text = _UTC_SUFFIX.sub("+00:00", _text(field, value))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        reason = "is not an ISO 8601 time (give Unix seconds as a number, not text)"
        raise InvalidEvent(field, value, reason) from None


def _utc_time(field: str, value: object) -> datetime:
    """Return an aware UTC datetime; naive times and bare dates are taken as UTC."""
    if isinstance(value, bool):
        raise InvalidEvent(field, value, "expected a time, got bool")
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, int | float):
        moment = _from_unix_seconds(field, value)
    else:
        moment = _from_iso(field, value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _url(field: str, value: object) -> str:
    text = _text(field, value)
    scheme, separator, rest = text.partition("://")
    if separator and scheme.lower() in {"hxxp", "hxxps"}:
        text = scheme.lower().replace("hxxp", "http") + separator + rest
    if any(character.isspace() for character in text):
        raise InvalidEvent(field, value, "contains white space")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise InvalidEvent(field, value, "is not a URL") from None
    if not parts.scheme or not parts.netloc:
        raise InvalidEvent(field, value, "is not an absolute URL with a host")
    return text


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _domain_name(field: str, value: object) -> str:
    text = _text(field, value).rstrip(".").lower()
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidEvent(field, value, "is not a valid internationalised name") from None
    if _is_ip(text):
        raise InvalidEvent(field, value, "is an IP address, not a domain name")
    labels = text.split(".")
    if len(text) > 253 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise InvalidEvent(field, value, "is not a domain name")
    return text


def _country_code(field: str, value: object) -> str:
    code = _text(field, value).upper()
    if not _COUNTRY_CODE.fullmatch(code):
        raise InvalidEvent(field, value, "is not a two-letter ISO 3166-1 country code")
    return code


def _registry(field: str, value: object) -> str:
    name = _text(field, value).upper()
    name = "RIPE" if name in {"RIPE-NCC", "RIPENCC", "RIPE NCC"} else name
    if name not in _REGISTRIES:
        raise InvalidEvent(field, value, f"is not one of {', '.join(sorted(_REGISTRIES))}")
    return name


def _tlp(field: str, value: object) -> str:
    level = _text(field, value).upper()
    level = level.removeprefix("TLP:").removeprefix("TLP ").strip()
    if level not in _TLP_LEVELS:
        raise InvalidEvent(field, value, f"is not one of {', '.join(sorted(_TLP_LEVELS))}")
    return level


def _hex_digest(algorithm: str, length: int) -> _Normaliser:
    def normalise(field: str, value: object) -> str:
        digest = _text(field, value).lower()
        if len(digest) != length or not _HEX.fullmatch(digest):
            raise InvalidEvent(field, value, f"is not {algorithm} ({length} hex digits)")
        return digest

    return normalise


def _boolean(field: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return value == 1
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise InvalidEvent(field, value, "is not true or false")


def _base64(field: str, value: object) -> str:
    """Return base64 text; bytes are encoded, text must already be base64."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    text = _text(field, value)
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        reason = "is not base64 (pass bytes to have them encoded)"
        raise InvalidEvent(field, value, reason) from None
    return text


def _json(field: str, value: object) -> JSONValue:
    """Return a copy of ``value`` as plain JSON (tuples become lists)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidEvent(field, value, "is not a finite number, so not JSON")
        return value
    if isinstance(value, list | tuple):
        return [_json(field, item) for item in value]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise InvalidEvent(field, value, "has a non-text key, so is not a JSON object")
        return {key: _json(field, item) for key, item in value.items()}
    raise InvalidEvent(field, value, f"is not a JSON value ({type(value).__name__})")


def _json_dict(field: str, value: object) -> dict[str, JSONValue]:
    """Return a JSON object; JSON text is parsed (IntelMQ sends ``extra`` that way)."""
    if isinstance(value, str | bytes):
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidEvent(field, value, "is not JSON text") from None
    parsed = _json(field, value)
    if not isinstance(parsed, dict):
        raise InvalidEvent(field, value, "is not a JSON object")
    return parsed


def _taxonomy(field: str, value: object) -> str:
    try:
        return normalise_taxonomy(value)
    except InvalidTaxonomy as error:
        raise InvalidEvent(field, value, error.reason) from error


def _classification_type(field: str, value: object) -> str:
    try:
        return classify(value).type
    except InvalidTaxonomy as error:
        raise InvalidEvent(field, value, error.reason) from error


_NORMALISERS: Mapping[FieldType, _Normaliser] = MappingProxyType(
    {
        FieldType.STRING: _text,
        FieldType.LOWER_STRING: _lower_text,
        FieldType.IP: _ip,
        FieldType.IP_NETWORK: _ip_network,
        FieldType.INTEGER: _whole_number,
        FieldType.FLOAT: _decimal,
        FieldType.ACCURACY: _accuracy,
        FieldType.DATETIME: _utc_time,
        FieldType.URL: _url,
        FieldType.FQDN: _domain_name,
        FieldType.ASN: _asn,
        FieldType.PORT: _port,
        FieldType.COUNTRY_CODE: _country_code,
        FieldType.REGISTRY: _registry,
        FieldType.TLP: _tlp,
        FieldType.CLASSIFICATION_TAXONOMY: _taxonomy,
        FieldType.CLASSIFICATION_TYPE: _classification_type,
        FieldType.HASH_MD5: _hex_digest("an MD5 digest", 32),
        FieldType.HASH_SHA1: _hex_digest("a SHA-1 digest", 40),
        FieldType.HASH_SHA256: _hex_digest("a SHA-256 digest", 64),
        FieldType.BOOLEAN: _boolean,
        FieldType.BASE64: _base64,
        FieldType.JSON: _json,
        FieldType.JSON_DICT: _json_dict,
    }
)
assert set(_NORMALISERS) == set(FieldType), "a field type has no normaliser"


def normalise_value(kind: FieldType, field: str, value: object) -> FieldValue:
    """Return ``value`` in the canonical form of ``kind``.

    Raises ``InvalidEvent`` naming ``field``, the value and why it was refused.
    """
    return _NORMALISERS[kind](field, value)
