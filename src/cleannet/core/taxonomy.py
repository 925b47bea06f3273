"""The RSIT incident taxonomy every CleanNet event is classified with.

RSIT is the Reference Security Incident Taxonomy of ENISA and TF-CSIRT (v1.3, machine
namespace ``rsit``, version 1003). IntelMQ adds a few types under ``other`` that feeds
use (``blacklist``, ``dga-domain``, ``malware``, ``proxy``, ``tor``); we keep them so that
IntelMQ events load unchanged. Names are the machine values (lower case, hyphens).

Feeds still send the names of older taxonomies (eCSIRT.net, IntelMQ 1.x/2.x) and loose
spellings ("Botnet Drone", "C&C", "vulnerable_service"); :func:`classify` maps them to
the current type. Legacy mapping choices, where the sources left room:

* ``malware`` stays IntelMQ's type ``other/malware`` (a sample or hash with no infected
  host or server named); it is not folded into ``infected-system``.
* ``ransomware`` becomes ``infected-system``, as IntelMQ maps it. ``dropzone`` becomes
  ``other``: a drop zone receives stolen data but is not itself a leak, so ``data-leak``
  would send the notice to the wrong party.
* ``compromised``, ``backdoor``, ``unauthorized-login``, ``unauthorized-command`` become
  ``system-compromise``; ``defacement`` becomes ``unauthorised-information-modification``.
* RSIT spells "unauthorised" the British way; IntelMQ's American spellings are accepted.
* ``blocklist`` (Shadowserver's newer word) is accepted for ``blacklist``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cleannet.core.errors import InvalidTaxonomy

__all__ = [
    "LEGACY_TYPES",
    "TAXONOMY",
    "TAXONOMY_DESCRIPTIONS",
    "TYPE_DESCRIPTIONS",
    "UNSPECIFIC_TYPES",
    "Classification",
    "classify",
    "machine_tag",
    "normalise_taxonomy",
]

# (taxonomy, description, ((type, description), ...)) in RSIT's own order, which the
# generated documentation keeps.
_RSIT: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "abusive-content",
        "Content that is unwanted by, or harmful to, those who receive it.",
        (
            ("spam", "Unsolicited bulk e-mail, and the infrastructure that sends or feeds it."),
            ("harmful-speech", "Bullying, harassment or discrimination of a person."),
            ("violence", "Child sexual exploitation, sexual or violent content."),
        ),
    ),
    (
        "malicious-code",
        "Software put into a system for a harmful purpose.",
        (
            (
                "infected-system",
                "A system infected with malware; most often seen talking to "
                "a sinkholed command-and-control server.",
            ),
            ("c2-server", "A command-and-control server contacted by malware on infected systems."),
            ("malware-distribution", "A URI or host used to distribute malware."),
            ("malware-configuration", "A URI hosting a malware configuration file."),
        ),
    ),
    (
        "information-gathering",
        "Attempts to learn about systems, networks or people.",
        (
            ("scanner", "Requests sent to discover weaknesses: port scans, DNS or SMTP probes."),
            ("sniffing", "Observing and recording network traffic (wiretapping)."),
            (
                "social-engineering",
                "Getting information from people by lies, tricks, bribes or threats.",
            ),
        ),
    ),
    (
        "intrusion-attempts",
        "Attempts to break into a system or service.",
        (
            (
                "ids-alert",
                "An attempt to exploit a vulnerability with a known identifier such as a CVE.",
            ),
            ("brute-force", "Many login attempts: guessing or cracking passwords."),
            ("exploit", "An attack using an unknown exploit."),
        ),
    ),
    (
        "intrusions",
        "A successful compromise of a system, application or account.",
        (
            (
                "privileged-account-compromise",
                "A compromise in which the attacker gained administrative privileges.",
            ),
            (
                "unprivileged-account-compromise",
                "A compromise through an unprivileged user or service account.",
            ),
            (
                "application-compromise",
                "A compromise of an application through a software "
                "vulnerability, e.g. SQL injection.",
            ),
            (
                "system-compromise",
                "A compromise of a system, e.g. an unauthorised login or command, or a web shell.",
            ),
            ("burglary", "Physical intrusion, e.g. into a building or data centre."),
        ),
    ),
    (
        "availability",
        "Attacks or failures that make a service unavailable.",
        (
            ("dos", "Denial of service, e.g. crafted requests that crash or slow an application."),
            ("ddos", "Distributed denial of service, e.g. SYN floods or UDP reflection."),
            (
                "misconfiguration",
                "A misconfiguration that hurts availability, e.g. an outdated DNSSEC root key.",
            ),
            ("sabotage", "Physical sabotage, e.g. cut wires or arson."),
            ("outage", "An outage without malice, e.g. a cooling failure or natural disaster."),
        ),
    ),
    (
        "information-content-security",
        "Unauthorised access to, change of, or loss of information.",
        (
            (
                "unauthorised-information-access",
                "Unauthorised access to information, e.g. with stolen credentials.",
            ),
            (
                "unauthorised-information-modification",
                "Unauthorised change of information, e.g. by ransomware encrypting data.",
            ),
            ("data-loss", "Loss of data, e.g. by disk failure or physical theft."),
            ("data-leak", "Leaked confidential information such as credentials or personal data."),
        ),
    ),
    (
        "fraud",
        "Deceiving people or abusing resources for gain.",
        (
            (
                "unauthorised-use-of-resources",
                "Using resources for unauthorised purposes, e.g. chain letters or pyramid schemes.",
            ),
            (
                "copyright",
                "Offering or installing unlicensed software or other copyrighted material.",
            ),
            ("masquerade", "One party illegitimately taking on the identity of another."),
            (
                "phishing",
                "Posing as another party to make people reveal credentials or personal data.",
            ),
        ),
    ),
    (
        "vulnerable",
        "Systems and services open to attack.",
        (
            (
                "weak-crypto",
                "A public service offering weak cryptography, e.g. open to POODLE or FREAK.",
            ),
            (
                "ddos-amplifier",
                "A public service usable for DDoS reflection or amplification, "
                "e.g. an open DNS resolver.",
            ),
            (
                "potentially-unwanted-accessible",
                "A potentially unwanted public service, e.g. Telnet, RDP or VNC.",
            ),
            (
                "information-disclosure",
                "A public service that may disclose sensitive information, e.g. SNMP or Redis.",
            ),
            (
                "vulnerable-system",
                "A system open to known attacks, e.g. an outdated operating "
                "system or a misconfigured proxy.",
            ),
        ),
    ),
    (
        "other",
        "Incidents that fit no other class.",
        (
            ("other", "An incident that fits no other type (uncategorised)."),
            ("undetermined", "The type of the incident is not known (yet)."),
            ("blacklist", "Listed on a blocklist without a stated reason (IntelMQ extension)."),
            (
                "dga-domain",
                "A domain made by a malware domain-generation algorithm (IntelMQ extension).",
            ),
            ("malware", "A malware sample or hash, with no host named (IntelMQ extension)."),
            ("proxy", "An open or anonymising proxy (IntelMQ extension)."),
            ("tor", "A Tor relay or exit node (IntelMQ extension)."),
        ),
    ),
    ("test", "Meant for testing.", (("test", "Meant for testing."),)),
)

TAXONOMY: Mapping[str, frozenset[str]] = MappingProxyType(
    {taxonomy: frozenset(name for name, _ in types) for taxonomy, _, types in _RSIT}
)
"""Each RSIT taxonomy (in RSIT order) and the set of its types."""

TAXONOMY_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {taxonomy: description for taxonomy, description, _ in _RSIT}
)
"""A short English description of each taxonomy."""

TYPE_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(
    {name: description for _, _, types in _RSIT for name, description in types}
)
"""A short English description of each type, in RSIT order."""

UNSPECIFIC_TYPES: frozenset[str] = frozenset({"other", "undetermined"})
"""Types a feed may pair with any taxonomy: it knows the class but not the type."""

LEGACY_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "botnet-drone": "infected-system",
        "ransomware": "infected-system",
        "c&c": "c2-server",
        "c2server": "c2-server",
        "vulnerable-service": "vulnerable-system",
        "vulnerable-client": "vulnerable-system",
        "leak": "data-leak",
        "unknown": "undetermined",
        "compromised": "system-compromise",
        "backdoor": "system-compromise",
        "unauthorized-login": "system-compromise",
        "unauthorized-command": "system-compromise",
        "defacement": "unauthorised-information-modification",
        "dropzone": "other",
        "unauthorized-information-access": "unauthorised-information-access",
        "unauthorized-information-modification": "unauthorised-information-modification",
        "unauthorized-use-of-resources": "unauthorised-use-of-resources",
        "blocklist": "blacklist",
    }
)
"""Older or variant type names (already lower-cased, spaces as hyphens) -> RSIT type."""

_TAXONOMY_OF_TYPE: Mapping[str, str] = MappingProxyType(
    {name: taxonomy for taxonomy, names in TAXONOMY.items() for name in names}
)
assert len(_TAXONOMY_OF_TYPE) == len(TYPE_DESCRIPTIONS), "an RSIT type is listed twice"

_SEPARATORS = re.compile(r"[\s_]+")


@dataclass(frozen=True, slots=True)
class Classification:
    """A valid RSIT pair, with the feed's optional identifier (malware or service name).

    Raises ``InvalidTaxonomy`` on construction if the taxonomy or type is unknown or the
    type does not belong to the taxonomy; build it with :func:`classify` to accept the
    legacy and loosely spelled names feeds send.
    """

    taxonomy: str
    type: str
    identifier: str = ""

    def __post_init__(self) -> None:
        if self.taxonomy not in TAXONOMY:
            raise InvalidTaxonomy("classification.taxonomy", self.taxonomy, "unknown taxonomy")
        if self.type not in _TAXONOMY_OF_TYPE:
            raise InvalidTaxonomy("classification.type", self.type, "unknown type")
        expected = _TAXONOMY_OF_TYPE[self.type]
        if self.taxonomy != expected and self.type not in UNSPECIFIC_TYPES:
            raise InvalidTaxonomy(
                "classification.taxonomy",
                self.taxonomy,
                f"type {self.type!r} belongs to taxonomy {expected!r}",
            )


def _canonical_spelling(value: object, field: str) -> str:
    """Return ``value`` lower-cased with runs of spaces/underscores as one hyphen.

    Raises ``InvalidTaxonomy`` if ``value`` is not a non-empty string.
    """
    if not isinstance(value, str):
        raise InvalidTaxonomy(field, value, f"expected a string, got {type(value).__name__}")
    spelled = _SEPARATORS.sub("-", value.strip().lower())
    if not spelled:
        raise InvalidTaxonomy(field, value, "is empty")
    return spelled


def _suggestion(spelled: str, known: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for a close known name, else ``""``."""
    close = difflib.get_close_matches(spelled, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def normalise_taxonomy(value: object) -> str:
    """Return the RSIT machine value of a taxonomy name ("Malicious Code" -> "malicious-code").

    Raises ``InvalidTaxonomy`` naming ``classification.taxonomy`` if it is unknown.
    """
    spelled = _canonical_spelling(value, "classification.taxonomy")
    if spelled not in TAXONOMY:
        hint = _suggestion(spelled, TAXONOMY)
        raise InvalidTaxonomy("classification.taxonomy", value, f"unknown taxonomy{hint}")
    return spelled


def _normalise_type(value: object) -> str:
    """Return the RSIT machine value of a type name, mapping legacy names.

    Raises ``InvalidTaxonomy`` naming ``classification.type`` if it is unknown.
    """
    spelled = _canonical_spelling(value, "classification.type")
    spelled = LEGACY_TYPES.get(spelled, spelled)
    if spelled not in _TAXONOMY_OF_TYPE:
        hint = _suggestion(spelled, [*_TAXONOMY_OF_TYPE, *LEGACY_TYPES])
        raise InvalidTaxonomy("classification.type", value, f"unknown type{hint}")
    return spelled


def classify(type_: object, taxonomy: object = None, identifier: str = "") -> Classification:
    """Return the classification of a type name, finding its taxonomy when none is given.

    Names are matched ignoring case, spaces and underscores, and legacy names are mapped
    (see ``LEGACY_TYPES``). Types are unique across taxonomies, so the taxonomy follows
    from the type; a given taxonomy must agree with it, except that ``other`` and
    ``undetermined`` may stand under any taxonomy (the feed knows the class only).
    ``identifier`` is stored lower-cased and stripped.

    Raises ``InvalidTaxonomy`` naming the field and value if a name is unknown or the
    type does not belong to the given taxonomy.
    """
    name = _normalise_type(type_)
    if taxonomy is None:
        return Classification(_TAXONOMY_OF_TYPE[name], name, identifier.strip().lower())
    return Classification(normalise_taxonomy(taxonomy), name, identifier.strip().lower())


def machine_tag(classification: Classification) -> str:
    """Return the RSIT machine tag, e.g. ``rsit:malicious-code="infected-system"``."""
    return f'rsit:{classification.taxonomy}="{classification.type}"'
