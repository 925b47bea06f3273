"""Suite-wide test settings."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    """Real hashers cost ~0.2 s a user; the personas create five users per test."""
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    settings: Any = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Short test JVMs: C1 only (C2's compiler threads competed with the tests for the two cores
# and gained nothing on tables of a few rows) and one GC thread.
os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--spark-full",
        action="store_true",
        help="run every matching conformance case on Spark too (make test-spark; CI runs it)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Send every Spark test to one xdist worker (``--dist loadgroup``): one JVM for the run,
    not one per worker fighting for the same two cores.

    A Spark job costs seconds however small its tables, so without ``--spark-full`` the
    conformance suite runs every case on DuckDB and only the first case of each file on
    Spark; ``make test-spark`` (a step of CI) runs them all.
    """
    full = config.getoption("--spark-full")
    kept, deselected, files_on_spark = [], [], set()
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_spark = callspec is not None and callspec.params.get("engine") == "spark"
        if on_spark and not full and item.path in files_on_spark:
            deselected.append(item)
            continue
        if on_spark:
            files_on_spark.add(item.path)
        if on_spark or "spark" in item.path.name:
            item.add_marker(pytest.mark.xdist_group("spark"))
        kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(autouse=True)
def _no_event_loop_left_running() -> Iterator[None]:
    """Fail the test that leaves an asyncio loop marked running in this thread (every later
    ``asyncio.run`` in the worker would fail), and clear it for the next test. A loop that
    was running before the test (the browser tests' Playwright) is not the test's doing."""
    running_before = asyncio._get_running_loop() is not None
    yield
    if not running_before and asyncio._get_running_loop() is not None:
        asyncio._set_running_loop(None)
        pytest.fail("the test left an asyncio event loop running in the main thread")
