"""The demo's loopback mailbox: an SMTP server (aiosmtpd) that keeps every message in a
Maildir and an SMPP server that keeps every SMS, so that a demo run shows the notices it sent
arrive without a real relay or SMS centre.

It starts before Django is set up (the relay's port is a setting), so it imports no model.
"""

from __future__ import annotations

import mailbox
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.header import decode_header, make_header
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from cleannet.server.notices.channels.smpp_sink import SmppSink

SMTP_PORT = 8025
SMPP_PORT = 2775


def free_port(preferred: int, host: str = "127.0.0.1") -> int:
    """Return ``preferred`` when nothing listens there, else a port the system picks."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise OSError("no free port on the loopback")


@dataclass(frozen=True)
class ReceivedMail:
    to: str
    subject: str
    message_id: str
    ticket: str


class DemoMailbox:
    """Start with ``start()``; ``mails()`` reads the Maildir, ``sms`` the SMS received."""

    def __init__(self, directory: Path, smtp_port: int, smpp_port: int) -> None:
        self.directory = directory
        for sub in ("tmp", "new", "cur"):  # a Maildir, whether or not it existed
            (directory / sub).mkdir(parents=True, exist_ok=True)
        self.smtp = Controller(Mailbox(directory), hostname="127.0.0.1", port=smtp_port)
        self.smpp = SmppSink(host="127.0.0.1", port=smpp_port)
        self.smtp_port = smtp_port
        self.smpp_port = smpp_port

    def start(self) -> DemoMailbox:
        self.smtp.start()
        self.smpp.start()
        return self

    def stop(self) -> None:
        self.smtp.stop()
        self.smpp.stop()

    def mails(self) -> list[ReceivedMail]:
        box = mailbox.Maildir(str(self.directory), create=False)
        return [
            ReceivedMail(
                to=str(message.get("To", "")),
                subject=str(make_header(decode_header(str(message.get("Subject", ""))))),
                message_id=str(message.get("Message-ID", "")),
                ticket=str(message.get("X-CleanNet-Ticket", "")),
            )
            for message in box
        ]

    @property
    def sms(self) -> list[object]:
        return list(self.smpp.messages)


@contextmanager
def demo_mailbox(directory: Path) -> Iterator[DemoMailbox]:
    """Run the loopback mailbox for the block, on the usual ports when they are free, and
    point the SMTP and SMPP settings at it unless the environment already names a relay."""
    box = DemoMailbox(directory, free_port(SMTP_PORT), free_port(SMPP_PORT)).start()
    for key, value in (
        ("CLEANNET_SMTP_HOST", "127.0.0.1"),
        ("CLEANNET_SMTP_PORT", str(box.smtp_port)),
        ("CLEANNET_SMPP_HOST", "127.0.0.1"),
        ("CLEANNET_SMPP_PORT", str(box.smpp_port)),
    ):
        os.environ.setdefault(key, value)
    try:
        yield box
    finally:
        box.stop()
