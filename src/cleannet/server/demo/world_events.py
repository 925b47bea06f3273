"""Builders of single demo events, one method per kind of observation a feed makes.

Hosts are drawn from pools so the same infected router or C2 server is reported again
on later days, as real feeds do; a pooled host is only reused while its prefix is
still held by the same ISP (see ``world_hosts``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from cleannet.server.demo import world_tables as tables
from cleannet.server.demo.world_hosts import AddressBook, Host, honeypot, sinkhole, stray
from cleannet.server.demo.world_model import EventDict
from cleannet.server.demo.world_sampling import Picker


def new_event(feed: str, at: dt.datetime, kind: str) -> EventDict:
    """Return the three fields every event has: feed, time (ISO 8601, UTC) and type."""
    return {"feed.name": feed, "time.source": at.isoformat(), "classification.type": kind}


def _set_source(event: EventDict, host: Host, port: int | None = None) -> None:
    event["source.ip"] = host.ip
    if host.asn is not None:
        event["source.asn"] = host.asn
    if port is not None:
        event["source.port"] = port


def _name_family(event: EventDict, name: str) -> None:
    event["classification.identifier"] = name
    event["malware.name"] = name


class EventFactory:
    """Makes one event at a time; all randomness comes from the ``rng`` it was given."""

    def __init__(self, rng: random.Random, book: AddressBook) -> None:
        self._rng = rng
        self._book = book
        self._pools: dict[str, list[Host]] = defaultdict(list)
        self._sites: list[tuple[str, Host | None]] = []
        self._iot_ports = Picker(tables.IOT_SPREAD_PORTS)
        self._http_ports = Picker(tables.HTTP_PORTS)
        self._scans = Picker([((port, app), w) for port, app, w in tables.SCAN_TARGETS])
        self._suffixes = Picker(tables.HOST_SUFFIXES)

    def _host(self, pool: str, at: dt.datetime, reuse: float, strays: float) -> Host:
        """Return a host from ``pool`` (probability ``reuse``), a stray, or a new subscriber."""
        rng = self._rng
        if rng.random() < strays:
            return stray(rng)
        seen = self._pools[pool]
        if seen and rng.random() < reuse:
            host = seen[rng.randrange(len(seen))]
            if self._book.is_usable(host, at):
                return host
        host = self._book.subscriber(rng, at)
        seen.append(host)
        return host

    def sinkholed(self, at: dt.datetime, family: str) -> EventDict:
        """Return an infected host seen calling a sinkholed C2 of ``family``."""
        rng = self._rng
        host = self._host(f"infected:{family}", at, reuse=0.55, strays=0.015)
        event = new_event("shadowserver-sinkhole", at, "infected-system")
        _name_family(event, family.lower())
        _set_source(event, host, rng.randrange(1024, 65536))
        event["destination.ip"] = sinkhole(rng, ipv6=":" in host.ip)
        # Mozi has no server: its bots meet on the BitTorrent DHT (UDP, bootstrap port 6881).
        if family == "Mozi":
            event["destination.port"], event["protocol.transport"] = 6881, "udp"
        else:
            event["destination.port"] = rng.choice(tables.C2_PORTS[family])
            event["protocol.transport"] = "tcp"
        return event

    def honeypot_hit(self, at: dt.datetime, family: str) -> EventDict:
        """Return an IoT bot caught trying to infect a honeypot over Telnet or UPnP."""
        rng = self._rng
        host = self._host(f"infected:{family}", at, reuse=0.4, strays=0.01)
        port = self._iot_ports.pick(rng)
        event = new_event("demo-honeypot", at, "infected-system")
        _name_family(event, family.lower())
        _set_source(event, host, rng.randrange(1024, 65536))
        event["destination.ip"] = honeypot(rng, ipv6=":" in host.ip)
        event["destination.port"] = port
        event["protocol.transport"] = "tcp"
        event["protocol.application"] = "http" if port == 37215 else "telnet"
        if port == 37215:
            event["extra.exploit"] = "cve-2017-17215"
        return event

    def scan(self, at: dt.datetime) -> EventDict:
        """Return a host seen scanning a honeypot for an exposed service."""
        rng = self._rng
        host = self._host("scanner", at, reuse=0.3, strays=0.04)
        port, application = self._scans.pick(rng)
        event = new_event("demo-honeypot", at, "scanner")
        event["classification.identifier"] = f"{application}-scan"
        _set_source(event, host, rng.randrange(1024, 65536))
        event["destination.ip"] = honeypot(rng, ipv6=":" in host.ip)
        event["destination.port"] = port
        event["protocol.transport"] = "tcp"
        event["protocol.application"] = application
        return event

    def exposed(self, at: dt.datetime) -> EventDict:
        """Return a device whose web interface has a known, exploited vulnerability."""
        rng = self._rng
        vendor, product, cve = rng.choice(tables.VULNERABLE_PRODUCTS)
        host = self._host(f"exposed:{cve}", at, reuse=0.5, strays=0.0)
        port = self._http_ports.pick(rng)
        event = new_event("shadowserver-scan-http", at, "vulnerable-system")
        event["classification.identifier"] = "vulnerable-http"
        _set_source(event, host, port)
        event["protocol.transport"] = "tcp"
        event["protocol.application"] = "https" if port in (443, 8443) else "http"
        event["product.vendor"], event["product.name"] = vendor, product
        event["product.vulnerabilities"] = cve
        return event

    def distribution(self, at: dt.datetime, family: str) -> EventDict:
        """Return a URL serving ``family``: an infected router for IoT bots, else a web host."""
        rng = self._rng
        event = new_event("urlhaus", at, "malware-distribution")
        _name_family(event, family.lower())
        if family in tables.IOT_PAYLOADS:
            self._iot_payload_url(event, at, family)
        else:
            self._web_payload_url(event, at)
        event["malware.hash.sha256"] = f"{rng.getrandbits(256):064x}"
        event["status"] = "online" if rng.random() < 0.6 else "offline"
        return event

    def _iot_payload_url(self, event: EventDict, at: dt.datetime, family: str) -> None:
        rng = self._rng
        host = self._host(f"infected:{family}", at, reuse=0.5, strays=0.02)
        # Mozi nodes serve their payload from a random high port of the router itself.
        port = rng.randrange(30000, 60000) if family == "Mozi" else rng.choice((80, 8080))
        address = f"[{host.ip}]" if ":" in host.ip else host.ip
        path = rng.choice(tables.IOT_PAYLOADS[family])
        event["source.url"] = f"http://{address}:{port}/{path}"
        _set_source(event, host, port)

    def _web_payload_url(self, event: EventDict, at: dt.datetime) -> None:
        rng = self._rng
        fqdn, host = self._site(at)
        path = rng.choice(tables.PC_PAYLOADS).format(n=rng.randrange(100, 10000), m=at.month)
        event["source.url"] = f"https://{fqdn}/{path}"
        event["source.fqdn"] = fqdn
        if host is not None:
            _set_source(event, host)

    def _site(self, at: dt.datetime) -> tuple[str, Host | None]:
        """Return a web site serving malware; one site serves several payloads over time."""
        rng = self._rng
        if self._sites and rng.random() < 0.6:
            fqdn, host = self._sites[rng.randrange(len(self._sites))]
            if host is None or self._book.is_usable(host, at):
                return fqdn, host
        words = rng.sample(tables.HOST_WORDS, 2)
        fqdn = f"{words[0]}.{words[1]}-{rng.randrange(10, 1000)}{self._suffixes.pick(rng)}"
        # Half the sites are compromised web servers on an ISP's hosting ranges.
        host = self._host("web", at, reuse=0.3, strays=0.05) if rng.random() < 0.5 else None
        self._sites.append((fqdn, host))
        return fqdn, host

    def c2_server(self, at: dt.datetime, feed: str, family: str) -> EventDict:
        """Return a C2 server of ``family`` as ``feed`` lists it (the C2 is ``source``)."""
        rng = self._rng
        # Many C2s sit abroad; in this world "abroad" means outside every demo prefix.
        host = self._host(f"c2:{family}", at, reuse=0.7, strays=0.1)
        event = new_event(feed, at, "c2-server")
        malpedia = feed == "threatfox" and family in tables.MALPEDIA
        _name_family(event, tables.MALPEDIA[family] if malpedia else family.lower())
        _set_source(event, host, rng.choice(tables.C2_PORTS[family]))
        event["protocol.transport"] = "tcp"
        if feed == "threatfox":
            event["extra.confidence_level"] = rng.choice((50, 75, 100))
        return event
