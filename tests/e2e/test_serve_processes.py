"""``cleannet serve --processes N``: gunicorn with N worker processes serving the same site."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path


def _children(pid: int) -> set[int]:
    """Return the process ids whose parent is ``pid`` (read from /proc)."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:  # the process ended while we looked
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.add(int(status.parent.name))
    return found


def test_it_serves_the_site_from_several_worker_processes(
    migrated_site_env, free_port, wait_until_up
) -> None:
    env, port = migrated_site_env, free_port
    serve = [
        sys.executable,
        "-m",
        "cleannet",
        "serve",
        "--port",
        str(port),
        "--processes",
        "2",
        "--threads",
        "2",
    ]
    process = subprocess.Popen(serve, env=env, stderr=subprocess.PIPE)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz", process)
        with urllib.request.urlopen(base + "/range/00000", timeout=10) as answer:  # noqa: S310
            assert answer.status == 200
            assert answer.read() == b""
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(base + "/healthz", timeout=10) as answer:  # noqa: S310
            assert b'"database"' in answer.read()
        assert len(_children(process.pid)) == 2
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors.decode(errors="replace")[-2000:]
    assert not _children(process.pid)
