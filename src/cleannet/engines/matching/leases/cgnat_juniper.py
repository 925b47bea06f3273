"""Juniper MS-MPC / MS-DPC port block allocation messages (``[jservices-nat]``)::

    … {cgn-sset}[jservices-nat]: JSERVICES_NAT_PORT_BLOCK_ALLOC: 100.64.0.5 ->
        203.0.113.7:1024-1535 0x6749e2a0  (one line)
    … JSERVICES_NAT_PORT_BLOCK_ACTIVE: … (interim, re-sent while the block is in use)
    … JSERVICES_NAT_PORT_BLOCK_RELEASE: 100.64.0.5 -> 203.0.113.7:1024-1535 0x6749e2a0

The trailing hex number is left alone: the syslog time says when each event happened.
"""

from __future__ import annotations

import re

from cleannet.engines.matching.leases.cgnat_lines import BlockLine
from cleannet.engines.matching.leases.sessions import Step

__all__ = ["parse_line"]

_MESSAGE = re.compile(
    r"JSERVICES_NAT_PORT_BLOCK_(ALLOC|ACTIVE|RELEASE)\s*:\s*(\S+)\s*->\s*(\S+):([0-9]+)-([0-9]+)"
)
_TAG = "JSERVICES_NAT_PORT_BLOCK_"
_STEPS = {"ALLOC": Step.OPEN, "ACTIVE": Step.UPDATE, "RELEASE": Step.CLOSE}


def parse_line(line: str) -> BlockLine | None:
    """Return what a Juniper port-block line says, or None if it is not one.

    Raises ``ValueError`` for a port-block message cut short or in an unknown shape.
    """
    if _TAG not in line:
        return None
    found = _MESSAGE.search(line)
    if found is None:
        raise ValueError("is a Juniper port-block message of an unknown shape (cut short?)")
    event, inside, public, first, last = found.groups()
    return BlockLine(_STEPS[event], inside, public, int(first), int(last), line[: found.start()])
