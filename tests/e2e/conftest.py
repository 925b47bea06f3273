"""A real ``cleannet serve`` process on a loopback port, and headless Chromium to look at it."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Not inherited by the served site: the database of the test run, and what an in-process
# ``cleannet demo`` (a CLI test) leaves in the environment: its site address and mailbox.
_NOT_INHERITED = ("DATABASE_URL", "CLEANNET_SITE_URL")
_NOT_INHERITED_PREFIXES = ("CLEANNET_SMTP_", "CLEANNET_SMPP_", "CLEANNET_SMS_")


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _NOT_INHERITED and not k.startswith(_NOT_INHERITED_PREFIXES)
    }
    env.update(CLEANNET_VAR_DIR=str(var_dir), CLEANNET_DEBUG="0", CLEANNET_SECURE_COOKIES="0")
    return env


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cleannet serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (loopback URL we built)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"cleannet serve did not answer {url} within 30 s")


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate a fresh SQLite database and serve it; yield the base URL."""
    var_dir = tmp_path_factory.mktemp("served-var")
    env = _server_env(var_dir)
    command = [sys.executable, "-m", "cleannet"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright (no browser download).

    One per module: Playwright's sync API marks an asyncio loop running in the main thread
    while it is open, so it must close before the worker runs tests that call asyncio.run
    (tests/e2e is a directory, not a package: a "package" fixture would live as long as the
    session)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is needed at {CHROMIUM}: run `make install` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def migrated_site_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a fresh, migrated SQLite site in ``tmp_path`` (not served yet)."""
    env = _server_env(tmp_path)
    command = [sys.executable, "-m", "cleannet", "migrate"]
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603
    return env


@pytest.fixture
def free_port() -> int:
    return _free_port()


@pytest.fixture
def wait_until_up() -> object:
    """``wait_until_up(url, process)``: wait up to 30 s for ``url`` to answer."""
    return _wait_until_up


# --- The portal's flows: a seeded site with a mail catcher, screenshots -----------------

SEED_SCRIPT = Path(__file__).parent / "seed_portal.py"
REPO = Path(__file__).resolve().parents[2]


class MailCatcher:
    """An SMTP server on loopback (aiosmtpd) that keeps what the site sends."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"

    def sent_to(self, address: str) -> list[str]:
        """The text of each part of every message sent to ``address``."""
        import email
        from email.message import Message

        found = []
        for recipients, raw in self.messages:
            if address in recipients:
                message: Message = email.message_from_bytes(raw)
                parts = message.walk() if message.is_multipart() else [message]
                for part in parts:
                    payload = part.get_payload(decode=True)
                    if isinstance(payload, bytes):
                        found.append(payload.decode(part.get_content_charset() or "utf-8"))
        return found


def _load_seed_module() -> Any:
    spec = importlib.util.spec_from_file_location("cleannet_e2e_seed", SEED_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class PortalSite:
    """The served site; ``seed`` is ``seed_portal.py`` (its logins and addresses)."""

    base: str
    env: dict[str, str]
    mail: MailCatcher
    seed: Any


@pytest.fixture(scope="session")
def portal_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalSite]:
    """A migrated, seeded (``seed_portal.py``) site served on loopback, its e-mail caught."""
    from aiosmtpd.controller import Controller

    var_dir = tmp_path_factory.mktemp("portal-var")
    mail = MailCatcher()
    smtp = Controller(mail, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    env = _server_env(var_dir)
    env.update(CLEANNET_SMTP_HOST="127.0.0.1", CLEANNET_SMTP_PORT=str(smtp.port))
    command = [sys.executable, "-m", "cleannet"]
    try:
        subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
        subprocess.run([sys.executable, str(SEED_SCRIPT)], env=env, check=True)  # noqa: S603
        port = _free_port()
        log = (var_dir / "serve.log").open("wb")
        process = subprocess.Popen(  # noqa: S603
            [*command, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base + "/healthz", process)
            yield PortalSite(base, env, mail, _load_seed_module())
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()
    finally:
        smtp.stop()


def artifacts_dir() -> Path:
    """Where this run keeps screenshots: ``$CLEANNET_TEST_ARTIFACTS`` or ``var/test-artifacts``."""
    root = Path(os.environ.get("CLEANNET_TEST_ARTIFACTS") or REPO / "var" / "test-artifacts")
    directory = root / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Any, str], Path]:
    """``screenshot(page, name)`` saves a full-page PNG among the run's artefacts."""

    def take(page: Any, name: str) -> Path:
        path = artifacts_dir() / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
