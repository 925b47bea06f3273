"""Exposure scanning: the authority looks at the networks it is allowed to scan.

``scan`` checks every target against a ``Scope`` (networks, names, opt-outs, an authority that
runs out) before any packet, connect-scans the ports, and runs the protocol probes of
``PROBES`` on what is open, yielding ``Finding`` records named after Shadowserver's scan
reports. Pure computation and sockets: no Django, no database.
"""

from cleannet.engines.exposure.connect import connect_one, connect_scan
from cleannet.engines.exposure.model import (
    Finding,
    PortResult,
    PortState,
    Refusal,
    ScanResult,
    Target,
)
from cleannet.engines.exposure.probes import PROBES, probes_for_port, select_probes
from cleannet.engines.exposure.probes.base import Probe, ProbeContext
from cleannet.engines.exposure.ratelimit import NetworkPacer, TokenBucket
from cleannet.engines.exposure.scanner import ScanEvent, ScanProgress, scan, user_agent
from cleannet.engines.exposure.scope import (
    OutOfScope,
    Scope,
    ScopeError,
    check_address,
    check_hostname,
    load_scope,
    load_scope_toml,
)
from cleannet.engines.exposure.targets import expand_targets, parse_ports

__all__ = [
    "PROBES",
    "Finding",
    "NetworkPacer",
    "OutOfScope",
    "PortResult",
    "PortState",
    "Probe",
    "ProbeContext",
    "Refusal",
    "ScanEvent",
    "ScanProgress",
    "ScanResult",
    "Scope",
    "ScopeError",
    "Target",
    "TokenBucket",
    "check_address",
    "check_hostname",
    "connect_one",
    "connect_scan",
    "expand_targets",
    "load_scope",
    "load_scope_toml",
    "parse_ports",
    "probes_for_port",
    "scan",
    "select_probes",
    "user_agent",
]
