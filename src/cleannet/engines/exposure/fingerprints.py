"""Known-vulnerable software versions: rules kept as data, matched against what probes saw.

A rule names a product (and its aliases), the affected versions as PEP 440-like specifiers
(``">=8.5p1,<9.8p1"``; a list means any of them), the CVE ids, a severity and a summary. The
rules shipped with CleanNet live in ``data/fingerprints.toml``; an operator may load their own
file with ``load_rules`` to extend or replace them.

Versions are compared as dotted numbers with the suffixes real banners carry: OpenSSH's
portable patch level (``7.4p1``), OpenSSL/ProFTPD letter releases (``1.0.1f``, ``1.3.5a``) and
MariaDB's replication prefix (``5.5.5-10.3.39-MariaDB`` is MariaDB 10.3.39). A version that
cannot be read matches no rule: a banner match is a hint, never proof, as distributions
backport fixes without changing the version.
"""

from __future__ import annotations

import functools
import operator
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from cleannet.core.errors import InvalidValue
from cleannet.engines.exposure.model import SEVERITIES, Finding, Severity

__all__ = [
    "FingerprintError",
    "Rule",
    "Vulnerability",
    "apply",
    "default_rules",
    "load_rules",
    "match",
    "version_key",
]

VersionKey = tuple[int, ...]
_VERSION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)*)(?:p(\d+)|([a-z])(?![a-z]))?", re.IGNORECASE)
_MARIADB_PREFIX = re.compile(r"^5\.5\.5-(?=\d+\.\d+.*mariadb)", re.IGNORECASE)
_SPEC = re.compile(r"^\s*(==|!=|<=|>=|<|>)\s*(\S+)\s*$")
_OPERATORS: dict[str, Callable[[VersionKey, VersionKey], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_DEPTH = 4  # dotted components compared; shorter versions are padded with zeros


class FingerprintError(InvalidValue):
    """A rule file with a missing or malformed field (``field`` names it, with the rule)."""


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One rule that matched: which CVEs, how bad, in a sentence."""

    rule_id: str
    cves: tuple[str, ...]
    severity: Severity
    summary: str


@dataclass(frozen=True, slots=True)
class Rule:
    """Affected versions of one product; ``ranges`` are alternatives of AND-ed specifiers."""

    rule_id: str
    products: frozenset[str]
    ranges: tuple[tuple[tuple[str, VersionKey], ...], ...]
    vulnerability: Vulnerability

    def affects(self, product: str, version: str) -> bool:
        """Whether ``product`` at ``version`` falls in one of the rule's ranges."""
        if product.strip().casefold() not in self.products:
            return False
        key = version_key(version)
        if key is None:
            return False
        return any(all(_OPERATORS[op](key, bound) for op, bound in spec) for spec in self.ranges)


def version_key(version: str) -> VersionKey | None:
    """A comparable key for a banner version, or ``None`` when it holds no number.

    ``"OpenSSH_7.4p1"`` -> (7, 4, 0, 0, 1, 0); ``"1.0.1f"`` -> (1, 0, 1, 0, 0, 6);
    ``"5.5.5-10.3.39-MariaDB-log"`` -> (10, 3, 39, 0, 0, 0).
    """
    text = _MARIADB_PREFIX.sub("", version.strip())
    found = _VERSION.search(text)
    if found is None:
        return None
    numbers = [int(part) for part in found.group(1).split(".")][:_DEPTH]
    numbers += [0] * (_DEPTH - len(numbers))
    patch = int(found.group(2) or 0)
    letter = ord(found.group(3).lower()) - ord("a") + 1 if found.group(3) else 0
    return (*numbers, patch, letter)


def _specifier(rule_id: str, text: object) -> tuple[tuple[str, VersionKey], ...]:
    if not isinstance(text, str) or not text.strip():
        raise FingerprintError(f"{rule_id}.versions", text, "must be a specifier such as '<9.3p2'")
    spec = []
    for clause in text.split(","):
        parsed = _SPEC.match(clause)
        key = version_key(parsed.group(2)) if parsed else None
        if parsed is None or key is None:
            raise FingerprintError(f"{rule_id}.versions", clause, "is not '<op><version>'")
        spec.append((parsed.group(1), key))
    return tuple(spec)


def _strings(rule_id: str, data: Mapping[str, object], name: str) -> tuple[str, ...]:
    value = data.get(name, [])
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise FingerprintError(f"{rule_id}.{name}", value, "must be a string or list of strings")
    return tuple(value)


def _rule(data: Mapping[str, object], position: int) -> Rule:
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise FingerprintError(f"rule[{position}].id", rule_id, "must be a non-empty string")
    products = _strings(rule_id, data, "product") + _strings(rule_id, data, "aliases")
    if not products:
        raise FingerprintError(f"{rule_id}.product", None, "is required")
    cves = _strings(rule_id, data, "cves")
    if not cves or not all(re.fullmatch(r"CVE-\d{4}-\d{4,}", cve) for cve in cves):
        raise FingerprintError(f"{rule_id}.cves", cves, "must list CVE ids like CVE-2021-41773")
    severity = data.get("severity")
    if severity not in SEVERITIES:
        raise FingerprintError(f"{rule_id}.severity", severity, f"must be one of {SEVERITIES}")
    summary = data.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise FingerprintError(f"{rule_id}.summary", summary, "must be a non-empty string")
    versions = data.get("versions")
    alternatives = versions if isinstance(versions, list) else [versions]
    return Rule(
        rule_id=rule_id,
        products=frozenset(p.casefold() for p in products),
        ranges=tuple(_specifier(rule_id, text) for text in alternatives),
        vulnerability=Vulnerability(rule_id, cves, severity, " ".join(summary.split())),
    )


def parse_rules(text: str, source: str = "rules") -> tuple[Rule, ...]:
    """Rules from TOML text (``[[rule]]`` tables); raise ``FingerprintError`` naming the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FingerprintError("toml", source, str(error)) from None
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise FingerprintError("rule", source, "must be an array of tables ([[rule]])")
    rules = tuple(_rule(table, position) for position, table in enumerate(tables))
    seen: set[str] = set()
    for rule in rules:
        if rule.rule_id in seen:
            raise FingerprintError(f"{rule.rule_id}.id", rule.rule_id, "is used twice")
        seen.add(rule.rule_id)
    return rules


@functools.cache
def default_rules() -> tuple[Rule, ...]:
    """The rules shipped in ``data/fingerprints.toml`` (read once)."""
    data = resources.files("cleannet.engines.exposure").joinpath("data/fingerprints.toml")
    return parse_rules(data.read_text(encoding="utf-8"), "data/fingerprints.toml")


def load_rules(path: Path, *, extend: bool = True) -> tuple[Rule, ...]:
    """Rules from an operator's file: added to the shipped ones (a rule with the same id
    replaces the shipped one), or alone when ``extend`` is false. Raises ``FingerprintError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FingerprintError("path", str(path), str(error)) from None
    own = parse_rules(text, str(path))
    if not extend:
        return own
    replaced = {rule.rule_id for rule in own}
    return tuple(r for r in default_rules() if r.rule_id not in replaced) + own


def match(product: str, version: str, rules: Iterable[Rule] | None = None) -> list[Vulnerability]:
    """The vulnerabilities whose rules cover ``product`` at ``version`` (none if unreadable)."""
    chosen = default_rules() if rules is None else rules
    return [rule.vulnerability for rule in chosen if rule.affects(product, version)]


def apply(findings: Iterable[Finding], rules: Iterable[Rule] | None = None) -> list[Finding]:
    """The findings, each followed by one ``vulnerable-version`` finding per matching rule.

    The added finding copies the service's fields and carries the CVE ids, the rule id and the
    summary in ``details``; ``details["confidence"]`` is ``"banner"``: a version seen, not a
    flaw tried.
    """
    chosen = default_rules() if rules is None else tuple(rules)
    result: list[Finding] = []
    for found in findings:
        result.append(found)
        if found.tag == "vulnerable-version" or not found.product:
            continue
        for vulnerability in match(found.product, found.version, chosen):
            details = {
                "cves": ",".join(vulnerability.cves),
                "rule": vulnerability.rule_id,
                "summary": vulnerability.summary,
                "confidence": "banner",
                "service_tag": found.tag,
            }
            result.append(
                replace(
                    found,
                    tag="vulnerable-version",
                    severity=vulnerability.severity,
                    details=details,
                )
            )
    return result
