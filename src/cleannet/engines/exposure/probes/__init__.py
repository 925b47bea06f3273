"""The probe registry: one module per protocol, one line here per probe.

``PROBES`` maps a probe's name to a ready instance (probes are stateless); ``probes_for_port``
says which probes to try on a port. Adding a protocol means copying a sibling module and adding
its line below.
"""

from __future__ import annotations

from cleannet.engines.exposure.probes.base import Probe
from cleannet.engines.exposure.probes.dns import DnsProbe
from cleannet.engines.exposure.probes.elasticsearch import ElasticsearchProbe
from cleannet.engines.exposure.probes.ftp import FtpProbe
from cleannet.engines.exposure.probes.http import HttpProbe, HttpsProbe
from cleannet.engines.exposure.probes.memcached import MemcachedProbe
from cleannet.engines.exposure.probes.mongodb import MongoProbe
from cleannet.engines.exposure.probes.mqtt import MqttProbe
from cleannet.engines.exposure.probes.mysql import MySqlProbe
from cleannet.engines.exposure.probes.postgres import PostgresProbe
from cleannet.engines.exposure.probes.rdp import RdpProbe
from cleannet.engines.exposure.probes.redis import RedisProbe
from cleannet.engines.exposure.probes.smtp import SmtpProbe
from cleannet.engines.exposure.probes.ssh import SshProbe
from cleannet.engines.exposure.probes.telnet import TelnetProbe

__all__ = ["PROBES", "Probe", "probes_for_port", "select_probes"]

_ALL: tuple[Probe, ...] = (
    HttpProbe(),
    HttpsProbe(),
    SshProbe(),
    FtpProbe(),
    SmtpProbe(),
    TelnetProbe(),
    RdpProbe(),
    RedisProbe(),
    MqttProbe(),
    PostgresProbe(),
    MySqlProbe(),
    ElasticsearchProbe(),
    MongoProbe(),
    MemcachedProbe(),
    DnsProbe(),
)

PROBES: dict[str, Probe] = {probe.name: probe for probe in _ALL}


def probes_for_port(port: int, probes: dict[str, Probe] | None = None) -> list[Probe]:
    """Return the probes whose default ports include ``port``, in registry order."""
    return [p for p in (probes or PROBES).values() if port in p.default_ports]


def select_probes(names: list[str] | tuple[str, ...]) -> dict[str, Probe]:
    """Return the registry restricted to ``names``; raises ``KeyError`` naming an unknown one."""
    unknown = [name for name in names if name not in PROBES]
    if unknown:
        raise KeyError(f"unknown probe(s): {', '.join(unknown)}; known: {', '.join(PROBES)}")
    return {name: PROBES[name] for name in names}
