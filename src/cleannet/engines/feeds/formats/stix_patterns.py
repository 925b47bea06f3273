"""A small, safe reader for the part of the STIX 2.1 patterning language that lists observables.

Threat feeds use patterns almost only to list indicators: ``[ipv4-addr:value = '198.51.100.1']``,
several of them joined with ``OR``, ``IN`` lists, and a few ``AND`` conditions on one object
(``[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '…']``).
:func:`observables` reads exactly that subset and returns the alternatives, each the list of
comparisons one object must meet. Anything else raises :class:`UnsupportedPattern` with the
reason, because guessing would turn a behavioural rule into a block list:

* observations joined with ``AND`` or ``FOLLOWEDBY`` (a combination of events, not a list);
* qualifiers (``WITHIN``, ``REPEATS``, ``START … STOP``), which make a single sighting benign;
* operators other than ``=``, ``IN`` and ``ISSUBSET`` (``!=``, ``LIKE``, ``MATCHES``, ``NOT`` …);
* timestamp, hex, binary or boolean literals, and ``EXISTS``.

The text is tokenised with one regular expression and parsed by recursive descent; nothing is
evaluated. Nesting depth and the number of alternatives an ``AND`` of ``OR`` s expands to are
bounded, so a hostile pattern costs little.

:func:`observable_fields` then says what one alternative means as event fields (the table is
in ``stix.py``'s docstring). STIX Cyber-observable Objects (``{"type": "ipv4-addr", "value":
…}``) are read through the same table by turning them into comparisons
(:func:`sco_observable`), so an indicator and observed data map alike.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum

from cleannet.core.errors import CleanNetError
from cleannet.engines.feeds.formats.json_common import (
    JSONObject,
    address_fields,
    email_fields,
    object_at,
    text_at,
)

__all__ = [
    "Comparison",
    "Observable",
    "ObservableKind",
    "UnsupportedPattern",
    "observable_fields",
    "observables",
    "sco_observable",
]

_MAX_DEPTH = 20
_MAX_EXPANSION = 1000
_QUOTED = r"'(?:[^'\\]|\\.)*'"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
    | (?P<literal>[thb]{_QUOTED})
    | (?P<string>{_QUOTED})
    | (?P<path>[A-Za-z][A-Za-z0-9-]*:(?:[A-Za-z0-9_-]+|{_QUOTED})
        (?:\.(?:[A-Za-z0-9_-]+|{_QUOTED})|\[(?:\*|\d+)\])*)
    | (?P<number>[+-]?\d+(?:\.\d+)?)
    | (?P<word>[A-Za-z_]+)
    | (?P<operator>!=|<=|>=|=|<|>)
    | (?P<punct>[\[\](),])
    """,
    re.VERBOSE,
)
_STEP = re.compile(rf"\.?(?:(?P<name>[A-Za-z0-9_-]+)|(?P<quoted>{_QUOTED})|\[(?P<index>\*|\d+)\])")
_UNESCAPE = re.compile(r"\\(.)")
_QUALIFIERS = frozenset({"WITHIN", "REPEATS", "START", "STOP"})


class UnsupportedPattern(CleanNetError):
    """A pattern that is malformed or outside the subset read here; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class Comparison:
    """``object_type:path = value`` (or ``ISSUBSET value``), the path split into steps.

    ``file:hashes.'SHA-256'`` has ``object_type="file"`` and ``path=("hashes", "SHA-256")``.
    """

    object_type: str
    path: tuple[str, ...]
    operator: str
    value: object


Observable = tuple[Comparison, ...]
"""Comparisons that one object must meet together (the ``AND`` of them)."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    position: int


def _unquote(quoted: str) -> str:
    return _UNESCAPE.sub(r"\1", quoted[1:-1])


def _tokens(pattern: str) -> list[_Token]:
    """Return the tokens of ``pattern``. Raises ``UnsupportedPattern`` at a stray character."""
    tokens: list[_Token] = []
    position = 0
    while position < len(pattern):
        match = _TOKEN.match(pattern, position)
        if match is None:
            character = pattern[position]
            raise UnsupportedPattern(f"has an unexpected {character!r} at position {position}")
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    return tokens


def _split_path(text: str) -> tuple[str, tuple[str, ...]]:
    """Return the object type and the property steps of an object path token."""
    object_type, _, rest = text.partition(":")
    steps: list[str] = []
    for step in _STEP.finditer(rest):
        if step["quoted"] is not None:
            steps.append(_unquote(step["quoted"]))
        else:
            steps.append(step["name"] or f"[{step['index']}]")
    return object_type.lower(), tuple(steps)


def _and(left: list[Observable], right: list[Observable]) -> list[Observable]:
    """Return the alternatives of ``left AND right`` (every pairing), within the bound."""
    if len(left) * len(right) > _MAX_EXPANSION:
        raise UnsupportedPattern(f"expands to more than {_MAX_EXPANSION} alternatives")
    return [first + second for first in left for second in right]


class _Parser:
    """Recursive descent over the tokens; each method returns alternatives (``OR`` of ``AND``)."""

    def __init__(self, pattern: str) -> None:
        self.tokens = _tokens(pattern)
        self.index = 0
        self.depth = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def keyword(self) -> str:
        token = self.peek()
        return token.text.upper() if token is not None and token.kind == "word" else ""

    def take(self, text: str) -> None:
        token = self.peek()
        if token is None or token.text != text:
            found = "the end" if token is None else f"{token.text!r} at position {token.position}"
            raise UnsupportedPattern(f"is malformed: expected {text!r} but found {found}")
        self.index += 1

    def nested(self) -> None:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise UnsupportedPattern(f"is nested more than {_MAX_DEPTH} levels deep")

    def pattern(self) -> list[Observable]:
        alternatives = self.observation()
        while (join := self.keyword()) in {"OR", "AND", "FOLLOWEDBY"}:
            if join != "OR":
                raise UnsupportedPattern(
                    f"joins observations with {join}: it describes several events together, "
                    "not a list of observables"
                )
            self.index += 1
            alternatives = alternatives + self.observation()
        return alternatives

    def observation(self) -> list[Observable]:
        self.nested()
        token = self.peek()
        if token is not None and token.text == "(":
            self.take("(")
            alternatives = self.pattern()
            self.take(")")
        else:
            self.take("[")
            alternatives = self.disjunction()
            self.take("]")
        if self.keyword() in _QUALIFIERS:
            raise UnsupportedPattern(f"has a {self.keyword()} qualifier, which is not supported")
        self.depth -= 1
        return alternatives

    def disjunction(self) -> list[Observable]:
        alternatives = self.conjunction()
        while self.keyword() == "OR":
            self.index += 1
            alternatives = alternatives + self.conjunction()
        return alternatives

    def conjunction(self) -> list[Observable]:
        alternatives = self.test()
        while self.keyword() == "AND":
            self.index += 1
            alternatives = _and(alternatives, self.test())
        return alternatives

    def test(self) -> list[Observable]:
        token = self.peek()
        if token is not None and token.text == "(":
            self.nested()
            self.take("(")
            alternatives = self.disjunction()
            self.take(")")
            self.depth -= 1
            return alternatives
        if token is None or token.kind != "path":
            found = "the end" if token is None else f"{token.text!r} at position {token.position}"
            raise UnsupportedPattern(f"is malformed: expected an object path but found {found}")
        self.index += 1
        object_type, path = _split_path(token.text)
        return self.comparison(object_type, path)

    def comparison(self, object_type: str, path: tuple[str, ...]) -> list[Observable]:
        operator = self.peek()
        if operator is None:
            raise UnsupportedPattern("is malformed: it ends after an object path")
        self.index += 1
        name = operator.text.upper()
        if name == "=":
            return [(Comparison(object_type, path, "=", self.value()),)]
        if name == "ISSUBSET":
            return [(Comparison(object_type, path, "ISSUBSET", self.value()),)]
        if name == "IN":
            return [(Comparison(object_type, path, "=", value),) for value in self.value_set()]
        raise UnsupportedPattern(f"uses the operator {operator.text}; only =, IN and ISSUBSET")

    def value(self) -> object:
        token = self.peek()
        if token is None:
            raise UnsupportedPattern("is malformed: it ends where a value was expected")
        self.index += 1
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind == "number" and token.text.lstrip("+-").isdigit():
            return int(token.text)
        raise UnsupportedPattern(f"compares with {token.text!r}; only text and whole numbers")

    def value_set(self) -> list[object]:
        self.take("(")
        values = [self.value()]
        while (token := self.peek()) is not None and token.text == ",":
            self.index += 1
            values.append(self.value())
        self.take(")")
        return values


def observables(pattern: str) -> list[Observable]:
    """Return the alternatives a STIX pattern lists, in pattern order.

    Each alternative is the comparisons one object must meet; ``[a] OR [b]``, ``[a OR b]``
    and ``[x IN ('a', 'b')]`` all give two. Raises ``UnsupportedPattern`` with the reason
    if the pattern is malformed or outside the subset described in the module docstring.
    """
    parser = _Parser(pattern)
    if not parser.tokens:
        raise UnsupportedPattern("is empty")
    alternatives = parser.pattern()
    rest = parser.peek()
    if rest is not None:
        raise UnsupportedPattern(f"has {rest.text!r} left over at position {rest.position}")
    return alternatives


class ObservableKind(StrEnum):
    """What an observable names, which decides its classification in ``stix.py``."""

    HOST = "host"
    URL = "url"
    HASH = "hash"
    EMAIL = "email"


_HASH_FIELDS = {
    "MD5": "malware.hash.md5",
    "SHA1": "malware.hash.sha1",
    "SHA256": "malware.hash.sha256",
}
_VALUE_TYPES = frozenset({"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"})
_DST_REF_TYPES = frozenset({"ipv4-addr", "ipv6-addr", "domain-name"})
_Fields = dict[str, object]


def _hash_field(algorithm: str) -> str | None:
    """Return the event field of a STIX hash name ('SHA-256', 2.0's 'SHA256'), if any."""
    return _HASH_FIELDS.get(algorithm.upper().replace("-", ""))


def _host_fields(value: object) -> _Fields:
    """Return the address fields of an IP or prefix, else ``source.fqdn``."""
    try:
        ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError:
        return {"source.fqdn": value}
    return address_fields(value)


def _comparison_fields(comparison: Comparison) -> tuple[_Fields, ObservableKind | None]:
    """Return the fields one comparison sets and the kind of observable it names (if any).

    Raises ``UnsupportedPattern`` for a property with no event field, ``InvalidEvent`` for
    an e-mail address that is not one.
    """
    value = comparison.value
    key = (comparison.object_type, comparison.path)
    if comparison.operator == "ISSUBSET":
        if key not in {("ipv4-addr", ("value",)), ("ipv6-addr", ("value",))}:
            raise UnsupportedPattern("uses ISSUBSET on something other than an IP address")
        return {"source.network": value}, ObservableKind.HOST
    match key:
        case ("ipv4-addr" | "ipv6-addr", ("value",)):
            return address_fields(value), ObservableKind.HOST
        case ("domain-name", ("value",)):
            return {"source.fqdn": value}, ObservableKind.HOST
        case ("url", ("value",)):
            return {"source.url": value}, ObservableKind.URL
        case ("email-addr", ("value",)):
            return email_fields(value), ObservableKind.EMAIL
        case ("file", ("hashes", algorithm)) if _hash_field(algorithm):
            return {str(_hash_field(algorithm)): value}, ObservableKind.HASH
        case ("file", ("name",)):
            return {"extra.file_name": value}, None
        case ("network-traffic", ("dst_ref", "value")):
            return _host_fields(value), ObservableKind.HOST
        case ("network-traffic", ("dst_ref", "type")) if value in _DST_REF_TYPES:
            return {}, None
        case ("network-traffic", ("dst_port",)):
            return {"source.port": value}, None
    path = f"{comparison.object_type}:{'.'.join(comparison.path)}"
    raise UnsupportedPattern(f"compares {path} = {value!r}, which maps to no event field")


def observable_fields(observable: Observable) -> tuple[_Fields, ObservableKind]:
    """Return the event fields one alternative names, and what kind of observable it is.

    Raises ``UnsupportedPattern`` if it mixes object types, asks one object for two
    values of a field, names a property with no event field, or names no observable
    (only a port or a file name); raises ``InvalidEvent`` for a malformed e-mail address.
    """
    types = sorted({comparison.object_type for comparison in observable})
    if len(types) > 1:
        raise UnsupportedPattern(f"asks one object to be {' and '.join(types)} at once")
    fields: _Fields = {}
    kinds: set[ObservableKind] = set()
    for comparison in observable:
        more, kind = _comparison_fields(comparison)
        for name, value in more.items():
            if fields.setdefault(name, value) != value:
                raise UnsupportedPattern(f"asks one {types[0]} for two values of {name}")
        kinds.update([kind] if kind is not None else [])
    if not kinds:
        raise UnsupportedPattern(f"names no observable of a {types[0]}, only {sorted(fields)}")
    return fields, kinds.pop()


def sco_observable(sco: JSONObject) -> Observable | None:
    """Return a Cyber-observable Object as the comparisons that describe it.

    Returns ``None`` for an SCO that names nothing this table reads (an unsupported type,
    a file with no MD5/SHA-1/SHA-256): observed data carries many such objects.
    """
    kind = text_at(sco, "type")
    if kind in _VALUE_TYPES:
        return (Comparison(kind, ("value",), "=", sco.get("value")),)
    if kind != "file":
        return None
    hashes = tuple(
        Comparison("file", ("hashes", algorithm), "=", digest)
        for algorithm, digest in object_at(sco, "hashes").items()
        if _hash_field(algorithm)
    )
    if not hashes:
        return None
    name = text_at(sco, "name")
    return hashes + ((Comparison("file", ("name",), "=", name),) if name else ())
