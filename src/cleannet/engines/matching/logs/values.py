"""Log field values held to core's normalisers, memoised: logs repeat the same few values.

A DNS log names the same resolvers' clients and the same popular names millions of times
a day, so each distinct text goes through ``cleannet.core.indicators`` once and the answer
(or the refusal) is kept in a dictionary; past ``CACHE_LIMIT`` entries the older half is
dropped (cheaper than an LRU; the names looked up all day are looked up again at once).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import canonicalise_url, ipv4_mapped, normalise_domain, normalise_ip
from cleannet.engines.matching.logs.base import LineError

CACHE_LIMIT = 1 << 20
_REFUSED = ""  # never a canonical address, name or URL


def canonical_ip(raw: str) -> str:
    """Return ``raw`` as the schema's address text: core's form, IPv4-mapped as IPv4.

    Raises ``InvalidIndicator`` as ``normalise_ip`` does.
    """
    address = normalise_ip(raw)
    if address.startswith("::ffff:") and "." in address:
        return ipv4_mapped(address) or address
    return address


class Values:
    """Memoised normalisers of addresses, names and URLs.

    ``Values.shared()`` is the one instance of the process: normalising is a pure function,
    and the next hour's log names the same resolvers and domains as this one.
    """

    _shared: Values | None = None

    @classmethod
    def shared(cls) -> Values:
        if cls._shared is None:
            cls._shared = cls()
        return cls._shared

    def __init__(self) -> None:
        # Readers may look a value up here first (``ips.get(raw) or values.ip(raw)``): a
        # refused value is cached as "" and so falls through to the method that says why.
        self.ips: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self._urls: dict[str, str] = {}
        self._reasons: dict[str, str] = {}

    def ip(self, raw: str, what: str = "address") -> str:
        """Return the canonical address of ``raw``; raise ``LineError`` naming ``what``."""
        address = self.ips.get(raw)
        if address is None:
            address = self._remember(self.ips, raw, canonical_ip)
        if not address:
            raise LineError(f"{what} {raw[:60]!r}: {self._reasons.get(raw, 'not an address')}")
        return address

    def domain(self, raw: str) -> str | None:
        """Return the normalised name of ``raw``, or None if core refuses it as a domain
        (single labels such as ``wpad``, the root, escaped binary labels)."""
        name = self.names.get(raw)
        if name is None:
            name = self._remember(self.names, raw, normalise_domain)
        return name or None

    def url(self, raw: str) -> str:
        """Return the canonical URL of ``raw``; raise ``LineError`` if it has none."""
        url = self._urls.get(raw)
        if url is None:
            url = self._remember(self._urls, raw, canonicalise_url)
        if not url:
            raise LineError(f"url {raw[:60]!r}: {self._reasons.get(raw, 'not a URL')}")
        return url

    def ip_or_none(self, raw: str) -> str | None:
        """Return the canonical address of ``raw``, or None if core refuses it."""
        address = self.ips.get(raw)
        if address is None:
            address = self._remember(self.ips, raw, canonical_ip)
        return address or None

    def url_or_none(self, raw: str) -> str | None:
        """Return the canonical URL of ``raw``, or None if core refuses it."""
        url = self._urls.get(raw)
        if url is None:
            url = self._remember(self._urls, raw, canonicalise_url)
        return url or None

    def reason(self, raw: str) -> str:
        """Return why ``raw`` was last refused (or "refused" if that is forgotten)."""
        return self._reasons.get(raw, "refused")

    def _remember(self, cache: dict[str, str], raw: str, normalise: Callable[[str], str]) -> str:
        if len(cache) >= CACHE_LIMIT:
            for old in list(islice(cache, len(cache) // 2 + 1)):  # insertion order: oldest first
                del cache[old]
            if len(self._reasons) >= CACHE_LIMIT:
                self._reasons.clear()
        try:
            value = normalise(raw)
        except InvalidIndicator as error:
            value = _REFUSED
            self._reasons[raw] = error.reason
        cache[raw] = value
        return value


_PORTS = {str(number): number for number in range(65536)}


def port(raw: str) -> int:
    """Return the port number in ``raw`` (0-65535, no sign or leading zero); raise
    ``LineError`` otherwise."""
    number = _PORTS.get(raw)
    if number is None:
        raise LineError(f"port {raw[:20]!r} is not a number from 0 to 65535")
    return number
