"""Helpers for the channel tests: the relay's handler, a self-signed certificate, and
channels and messages pointed at the loopback servers (fixtures are in conftest.py)."""

from __future__ import annotations

import datetime as dt
import email.message
import email.policy
import ipaddress
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cleannet.server.config_notices import SmppSettings
from cleannet.server.notices.channels.base import OutgoingMessage
from cleannet.server.notices.channels.email import EmailChannel
from cleannet.server.notices.channels.sms import SmsChannel

USER, PASSWORD = "cleannet", "relay-secret"
FROM = "CleanNet <canh-bao@cleannet.example>"
SMPP_SYSTEM_ID, SMPP_PASSWORD = "cleannet", "smpp-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Relay:
    """An aiosmtpd handler keeping what it accepts; a test sets the replies it gives."""

    port: int = 0
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str = "250 2.0.0 Ok: queued as 4ABC123"
    controller: Any = None

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        reply = self.rcpt_replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.data_reply.startswith("250"):
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.data_reply


def restart(relay: Relay, *, running: bool = True) -> None:
    """Stop the relay (when ``running``), dropping its open sessions; start a new one on the
    same port."""
    if running:
        relay.controller.stop()
    relay.controller = Controller(relay, hostname="127.0.0.1", port=relay.port)
    relay.controller.start()


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    """aiosmtpd authenticator admitting USER / PASSWORD only."""
    admitted = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=admitted, handled=False)


def write_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (P-256, one day): (cert path, key path)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "relay.pem", directory / "relay.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def email_channel(port: int, **changes: Any) -> EmailChannel:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "user": "",
        "password": "",
        "starttls": False,
        "timeout": 5.0,
        "from_address": FROM,
    }
    options.update(changes)
    return EmailChannel(**options)


def outgoing(**changes: Any) -> OutgoingMessage:
    fields: dict[str, Any] = {
        "key": "a" * 64,
        "message_id": "<" + "a" * 64 + "@cleannet.example>",
        "channel": "email",
        "recipient": "chu-thue-bao@isp.example",
        "subject": "Cảnh báo: thiết bị của bạn nhiễm mã độc Mirai",
        "body": "Xin chào,\nThiết bị tại 198.51.100.7 đã kết nối tới máy chủ điều khiển.\n",
        "language": "vi",
        "ticket_ref": "W-2026-000123",
    }
    fields.update(changes)
    return OutgoingMessage(**fields)


def sms(recipient: str, body: str) -> OutgoingMessage:
    return outgoing(channel="sms", recipient=recipient, subject="", body=body)


def sms_channel(port: int, **changes: Any) -> SmsChannel:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "system_id": SMPP_SYSTEM_ID,
        "password": SMPP_PASSWORD,
        "source_addr": "CleanNet",
        "timeout": 5.0,
    }
    options.update(changes)
    return SmsChannel(SmppSettings(**options))
