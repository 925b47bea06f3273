"""A leak store directory per test, three imported breaches, and a real SMTP server.

``leak_dir`` points ``CLEANNET_LEAKS.store_dir`` at a fresh directory (and forgets the
stores this process had open). ``breaches`` imports the files of ``fixtures/``:

- ``shop`` (Demo Bank's shop, not sensitive): ``shop-customers.csv`` e-mail addresses
  (Nguyen.Van.A@example.com, tran.thi.b@bücher.example, le.c@shop.example) and phone
  numbers (+84912345678, +84987654321), and ``forum-passwords.txt`` passwords;
- ``dating`` (sensitive): ``dating-members.jsonl`` e-mail addresses (tran.thi.b@…,
  secret.lover@shop.example, le.c@shop.example);
- ``telecom`` (not sensitive): ``telecom-subscribers.jsonl`` phone numbers (+84912345678,
  +84323456789, +842438251234) and the same passwords again (counts add up).

``smtp_server`` runs aiosmtpd on a free loopback port and points Django's SMTP backend at
it; ``smtp_server.messages`` holds what it received.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.message
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cleannet.server.leaks import services
from cleannet.server.leaks.models import Breach
from cleannet.server.ops import ratelimits

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def leak_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "leaks"
    settings.CLEANNET_LEAKS = dataclasses.replace(settings.CLEANNET_LEAKS, store_dir=directory)
    services.forget_open_stores()
    yield directory
    services.forget_open_stores()


@dataclass
class Breaches:
    shop: Breach
    dating: Breach
    telecom: Breach
    summaries: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def breaches(personas: Any, leak_dir: Path) -> Breaches:
    shop = services.add_breach(
        None, "shop", "Demo Shop customers", organisation=personas.bank,
        occurred_on="2024-05-01", data_classes=["name"], record_count=6,
    )  # fmt: skip
    dating = services.add_breach(None, "dating", "Secret Dating", sensitive=True)
    telecom = services.add_breach(None, "telecom", "Telecom subscribers", record_count=7)
    summaries = {
        "shop-email": services.import_breach_file(
            "shop", "email", [FIXTURES / "shop-customers.csv"]
        ),
        "shop-phone": services.import_breach_file(
            "shop", "phone", [FIXTURES / "shop-customers.csv"]
        ),
        "shop-password": services.import_breach_file(
            "shop", "password", [FIXTURES / "forum-passwords.txt"]
        ),
        "dating-email": services.import_breach_file(
            "dating", "email", [FIXTURES / "dating-members.jsonl"], mapping={"value": "mail"}
        ),
        "telecom-phone": services.import_breach_file(
            "telecom",
            "phone",
            [FIXTURES / "telecom-subscribers.jsonl"],
            fmt="jsonl",
        ),
        "telecom-password": services.import_breach_file(
            "telecom", "password", [FIXTURES / "forum-passwords.txt"]
        ),
    }
    for breach in (shop, dating, telecom):
        breach.refresh_from_db()
    return Breaches(shop, dating, telecom, summaries)


@pytest.fixture
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every rate-limit window the same, so a test never straddles two."""
    start = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    monkeypatch.setattr(ratelimits, "window_start", lambda now, window: start)


# --- A real SMTP server on the loopback --------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    collector: _Collector

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self.collector.messages

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        return self.collector.envelopes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    collector = _Collector()
    port = _free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "", ""
    settings.EMAIL_USE_TLS = False
    try:
        yield SmtpServer(port, collector)
    finally:
        controller.stop()
