"""MQTT 3.1.1: one CONNECT without user name or password, then DISCONNECT.

CONNACK return code 0 means the broker accepts anonymous clients, who can usually subscribe to
every topic (``#``) and publish commands to devices: ``open-mqtt`` (high). Codes 4 and 5 (bad
credentials, not authorised) mean it asks for credentials: ``mqtt`` (info). Anything else that
comes back is an ``unexpected-response``.
"""

from __future__ import annotations

import struct

from cleannet.engines.exposure.model import DetailValue, Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_exactly,
)

__all__ = ["CONNECT", "MqttProbe", "parse_connack"]

_CLIENT_ID = b"cleannet-scan"
_VARIABLE_HEADER = b"\x00\x04MQTT\x04\x02\x00\x1e"  # protocol 3.1.1, clean session, keep-alive 30 s
_BODY = _VARIABLE_HEADER + struct.pack("!H", len(_CLIENT_ID)) + _CLIENT_ID
CONNECT = bytes([0x10, len(_BODY)]) + _BODY
DISCONNECT = b"\xe0\x00"
_REASONS = {
    0: "accepted",
    1: "unacceptable-protocol-version",
    2: "identifier-rejected",
    3: "server-unavailable",
    4: "bad-user-name-or-password",
    5: "not-authorised",
}


def parse_connack(data: bytes) -> int | None:
    """The CONNACK return code, or ``None`` when ``data`` is not a CONNACK packet."""
    if len(data) < 4 or data[0] != 0x20 or data[1] != 0x02:
        return None
    return data[3]


class MqttProbe:
    """Connects anonymously; reports ``open-mqtt``, ``mqtt`` or ``unexpected-response``."""

    name = "mqtt"
    report_type = "scan_mqtt"
    default_ports: tuple[int, ...] = (1883,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the broker answered, none when it stayed silent."""
        try:
            async with open_connection(target, timeout) as conn:
                conn.writer.write(CONNECT)
                await conn.writer.drain()
                reply = await read_exactly(conn.reader, 4, timeout)
                if parse_connack(reply) == 0:
                    conn.writer.write(DISCONNECT)
                    await conn.writer.drain()
        except (OSError, TimeoutError):
            return []
        if not reply:
            return []
        code = parse_connack(reply)
        if code is None:
            return [finding(self, target, tag="unexpected-response", banner=banner_text(reply))]
        details: dict[str, DetailValue] = {
            "return_code": code,
            "reason": _REASONS.get(code, "unknown"),
        }
        if code == 0:
            return [
                finding(
                    self,
                    target,
                    tag="open-mqtt",
                    severity="high",
                    product="MQTT",
                    details={**details, "anonymous": True},
                )
            ]
        return [finding(self, target, tag="mqtt", product="MQTT", details=details)]
