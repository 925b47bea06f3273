"""A real ``cleannet serve`` process on a loopback port, and headless Chromium to look at it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

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


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
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


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright (no browser download)."""
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
