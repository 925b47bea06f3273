"""C2 IOCs (signature-base ``c2-iocs.txt``): domains, host names, IPv4/IPv6 addresses, CIDRs.

Lines are ``entry[;score]``; the last comment line is the description; entries shorter than
four characters are ignored (as Loki does). A domain IOC matches the name and every name below
it (``evil.example`` matches ``a.evil.example``); an address matches itself and a CIDR every
address inside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import ip_address, ip_network

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import normalise_domain
from cleannet.core.indicators.ip import normalise_cidr, normalise_ip
from cleannet.scanner.signatures.lines import SignatureProblem, iter_signature_lines

__all__ = ["C2Set"]

_MIN_ENTRY = 4
_DEFAULT_SCORE = 100


@dataclass
class C2Set:
    """C2 names and addresses, each mapped to (description, score)."""

    names: dict[str, tuple[str, int]] = field(default_factory=dict)
    addresses: dict[str, tuple[str, int]] = field(default_factory=dict)
    # prefix length → {network address as int → (description, score)}, per IP version
    networks: dict[tuple[int, int], dict[int, tuple[str, int]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.names) + len(self.addresses) + sum(map(len, self.networks.values()))

    def match_ip(self, ip: str) -> tuple[str, int] | None:
        """The (description, score) of the IOC covering ``ip``, or ``None`` (also for junk)."""
        try:
            address = ip_address(ip.strip().strip("[]"))
        except ValueError:
            return None
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        hit = self.addresses.get(str(address))
        if hit is not None:
            return hit
        value = int(address)
        for (version, length), table in self.networks.items():
            if version == address.version:
                mask = ((1 << length) - 1) << (address.max_prefixlen - length)
                hit = table.get(value & mask)
                if hit is not None:
                    return hit
        return None

    def match_name(self, name: str) -> tuple[str, int] | None:
        """The (description, score) of the domain IOC at or above ``name``, or ``None``."""
        try:
            labels = normalise_domain(name, allow_single_label=True).split(".")
        except InvalidValue:
            return None
        for start in range(len(labels)):
            hit = self.names.get(".".join(labels[start:]))
            if hit is not None:
                return hit
        return None

    def merge(self, other: C2Set) -> None:
        self.names.update(other.names)
        self.addresses.update(other.addresses)
        for key, table in other.networks.items():
            self.networks.setdefault(key, {}).update(table)

    def load(self, text: str, source: str) -> list[SignatureProblem]:
        """Add the entries of a C2 IOC file; a bad line is a problem, not a failure."""
        problems: list[SignatureProblem] = []
        for line in iter_signature_lines(text):
            entry, _, score_text = line.text.partition(";")
            entry = entry.strip()
            if len(entry) < _MIN_ENTRY:
                continue
            score = _DEFAULT_SCORE
            if score_text.strip().lstrip("-").isdigit():
                score = int(score_text.strip())
            reason = self._add(entry, (line.description or f"C2 {entry}", score))
            if reason:
                problems.append(SignatureProblem(source, line.number, reason))
        return problems

    def _add(self, entry: str, value: tuple[str, int]) -> str:
        try:
            if "/" in entry:
                network = ip_network(normalise_cidr(entry, strict=False))
                key = (network.version, network.prefixlen)
                self.networks.setdefault(key, {})[int(network.network_address)] = value
            elif _looks_like_ip(entry):
                self.addresses[normalise_ip(entry)] = value
            else:
                self.names[normalise_domain(entry, allow_single_label=False)] = value
        except InvalidValue as error:
            return f"not a domain, address or CIDR: {error.reason}"
        return ""


def _looks_like_ip(entry: str) -> bool:
    return ":" in entry or entry.replace(".", "").isdigit()
