"""A real ``cleannet worker`` process runs queued tasks from the SQLite and Redis queues."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ENQUEUE_HEARTBEAT = (
    "import django; django.setup(); from cleannet.server.ops.tasks import heartbeat; heartbeat()"
)


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CLEANNET_VAR_DIR=str(var_dir),
        CLEANNET_DEBUG="1",
        DJANGO_SETTINGS_MODULE="cleannet.server.settings",
        **extra,
    )
    return env


def _heartbeats(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM ops_workerheartbeat").fetchone()[0])


def _run_worker_until_a_heartbeat(env: dict[str, str], database: Path) -> int:
    command = [sys.executable, "-m", "cleannet"]
    subprocess.run([*command, "migrate"], env=env, check=True, capture_output=True)  # noqa: S603
    enqueue = [sys.executable, "-c", ENQUEUE_HEARTBEAT]
    subprocess.run(enqueue, env=env, check=True, capture_output=True)  # noqa: S603
    assert _heartbeats(database) == 0, "the task ran before any worker started"
    worker = subprocess.Popen(  # noqa: S603
        [*command, "worker", "--no-periodic"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _heartbeats(database) == 0:
            time.sleep(0.3)
        return _heartbeats(database)
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def test_it_runs_a_queued_task_from_the_sqlite_queue(tmp_path: Path) -> None:
    env = _env(tmp_path, CLEANNET_HUEY_BACKEND="sqlite")
    assert _run_worker_until_a_heartbeat(env, tmp_path / "cleannet.sqlite3") == 1
    assert (tmp_path / "huey.sqlite3").exists()


def test_it_runs_a_queued_task_from_the_redis_queue(tmp_path: Path) -> None:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail("Redis is expected on 127.0.0.1:6379 (see .ci/run)")
    # A queue name of its own, so parallel runs never take each other's tasks.
    env = _env(
        tmp_path,
        CLEANNET_HUEY_BACKEND="redis",
        CLEANNET_HUEY_URL=url,
        CLEANNET_HUEY_NAME=f"test-{uuid.uuid4().hex[:8]}",
    )
    assert _run_worker_until_a_heartbeat(env, tmp_path / "cleannet.sqlite3") == 1
