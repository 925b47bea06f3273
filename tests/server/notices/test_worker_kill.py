"""Killing the sender mid-drain loses nothing and doubles at most one message per kill.

A real ``send-pending`` process delivers 300 queued e-mails to an SMTP server on loopback
(aiosmtpd, recording each Message-ID); it is SIGKILLed several times while sending and
started again, then left to finish. The database is a file SQLite database of its own, and
the test database on PostgreSQL when the run is on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

NOTICES = 300
KILLS = 3
SENT_BEFORE_KILL = 35

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>]+>)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    """An SMTP handler that keeps the Message-ID of every message it accepts."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        found = _MESSAGE_ID.search(bytes(envelope.content))
        self.message_ids.append(found.group(1).decode() if found else "")
        return "250 OK queued"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    from aiosmtpd.controller import Controller

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


def _env(var_dir: Path, smtp_port: int, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CLEANNET_VAR_DIR=str(var_dir),
        CLEANNET_DEBUG="1",
        DJANGO_SETTINGS_MODULE="cleannet.server.settings",
        CLEANNET_SMTP_HOST="127.0.0.1",
        CLEANNET_SMTP_PORT=str(smtp_port),
        CLEANNET_NOTICES_FROM="canh-bao@cleannet.example",
        CLEANNET_NOTICES_LEASE_SECONDS="1",
        DATABASE_URL=database_url,
    )
    return env


def _send_pending_command() -> list[str]:
    """``cleannet notices send-pending`` once the group is registered on the root command."""
    from cleannet.cli.app import app

    if any(group.name == "notices" for group in app.registered_groups):
        return [sys.executable, "-m", "cleannet", "notices", "send-pending"]
    return [sys.executable, "-c", "from cleannet.cli.notices import app; app()", "send-pending"]


def _kill_while_sending(command: list[str], env: dict[str, str], recorder: Recorder) -> bool:
    """Start a drain, SIGKILL it once it sent ``SENT_BEFORE_KILL`` more; False if it ended."""
    before = len(recorder.message_ids)
    log = Path(env["CLEANNET_VAR_DIR"]) / "send-pending.log"
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output)  # noqa: S603
    deadline = time.monotonic() + 30
    while len(recorder.message_ids) < before + SENT_BEFORE_KILL and time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    return True


def _drain_with_kills(env: dict[str, str], recorder: Recorder) -> int:
    command = [*_send_pending_command(), "--until-empty", "--batch-size", "20"]
    kills = sum(_kill_while_sending(command, env, recorder) for _ in range(KILLS))
    final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert final.returncode == 0, final.stderr + final.stdout
    return kills


def _enqueue(count: int) -> set[str]:
    from django.db import transaction

    from cleannet.server.notices.outbox import enqueue

    with transaction.atomic():
        rows = [
            enqueue(kind="subscriber_warning", channel="email", recipient=f"user{n}@example.org",
                    ticket_ref=f"T-{n:04d}", stage="first", language="vi",
                    subject="Thiết bị của bạn bị nhiễm mã độc", body=f"Xin chào {n}, …")
            for n in range(count)
        ]  # fmt: skip
    return {row.message_id for row in rows}


def _database_for_subprocesses(tmp_path: Path) -> str:
    """A database URL the child processes share with this test.

    On SQLite the test database lives in memory: it is copied (schema and queued rows) into
    a file. On PostgreSQL the children use the test database itself.
    """
    import sqlite3

    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    path = tmp_path / "cleannet.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _outbox_rows(database_url: str) -> list[tuple[str, str]]:
    import sqlite3

    from cleannet.server.notices.models import OutboxMessage

    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            found = db.execute("SELECT message_id, status FROM notices_outboxmessage").fetchall()
        db.close()
        return [(str(mid), str(status)) for mid, status in found]
    return list(OutboxMessage.objects.values_list("message_id", "status"))


def test_it_delivers_every_notice_despite_kills(
    transactional_db: None, tmp_path: Path, smtp: tuple[Recorder, int]
) -> None:
    recorder, port = smtp
    queued = _enqueue(NOTICES)
    database_url = _database_for_subprocesses(tmp_path)
    env = _env(tmp_path, port, database_url)
    kills = _drain_with_kills(env, recorder)
    assert kills >= KILLS - 1, "the drain ended before it could be killed"
    rows = _outbox_rows(database_url)
    assert {message_id for message_id, _ in rows} == queued
    received = recorder.message_ids
    assert set(received) == queued  # every notice arrived, nothing else did
    assert len(received) - len(set(received)) <= kills
    assert {status for _, status in rows} == {"sent"}


def test_it_drains_with_two_worker_processes_sending_each_notice_once(
    transactional_db: None, tmp_path: Path, smtp: tuple[Recorder, int]
) -> None:
    recorder, port = smtp
    queued = _enqueue(120)
    database_url = _database_for_subprocesses(tmp_path)
    env = _env(tmp_path, port, database_url) | {"CLEANNET_NOTICES_LEASE_SECONDS": "30"}
    command = [*_send_pending_command(), "--workers", "2", "--batch-size", "10"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert done.returncode == 0, done.stderr + done.stdout
    assert "120 sent, 0 failed, 0 to retry later" in done.stdout
    assert sorted(recorder.message_ids) == sorted(queued)
    assert {status for _, status in _outbox_rows(database_url)} == {"sent"}
