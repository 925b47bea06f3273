"""When the worker runs the node: never without a hub, else every N minutes or by crontab."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from huey.contrib.djhuey import HUEY

from cleannet.server.config import NodeSettings
from cleannet.server.node import tasks
from cleannet.server.node.schedule import is_due

NODE = NodeSettings(hub_url="https://hub.example", hub_token="cn_token", schedule="15")
TEN_PAST = dt.datetime(2026, 3, 1, 10, 0, 59)


def test_it_never_runs_on_a_server_that_is_not_a_node() -> None:
    assert not any(is_due(TEN_PAST + dt.timedelta(minutes=m), NodeSettings()) for m in range(60))


def test_it_runs_every_n_minutes() -> None:
    due = [m for m in range(60) if is_due(TEN_PAST + dt.timedelta(minutes=m), NODE)]
    assert due == [0, 15, 30, 45]


def test_it_runs_by_crontab_in_utc() -> None:
    nightly = dataclasses.replace(NODE, schedule="30 1 * * *")
    hanoi = dt.timezone(dt.timedelta(hours=7))

    assert is_due(dt.datetime(2026, 3, 1, 8, 30, tzinfo=hanoi), nightly)
    assert is_due(dt.datetime(2026, 3, 1, 1, 30), nightly)
    assert not is_due(dt.datetime(2026, 3, 1, 1, 31), nightly)


def _periodic_due(at: dt.datetime) -> list[str]:
    return [task.name for task in HUEY.read_periodic(at)]


def test_the_worker_finds_the_task_due_as_the_settings_say_at_each_tick(settings) -> None:
    settings.CLEANNET_NODE = NODE
    assert "run_node_match" in _periodic_due(TEN_PAST)
    assert "run_node_match" not in _periodic_due(TEN_PAST + dt.timedelta(minutes=1))

    settings.CLEANNET_NODE = NodeSettings()
    assert "run_node_match" not in _periodic_due(TEN_PAST)


@pytest.mark.django_db
def test_the_task_does_nothing_on_a_server_that_is_not_a_node(settings, caplog) -> None:
    settings.CLEANNET_NODE = NodeSettings()
    caplog.set_level("INFO", logger="cleannet.server.node.tasks")

    tasks.run_node_match.call_local()

    assert "CLEANNET_NODE_HUB_URL is not set" in caplog.text
