"""A node run that cannot go on is recorded as failed with the reason; nothing is raised
into the worker, and nothing is half stored."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from huey.contrib.djhuey import HUEY

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.config import NodeSettings
from cleannet.server.node import tasks
from cleannet.server.node.models import NodeFinding, NodeRun
from cleannet.server.node.runner import LOCK_NAME
from cleannet.server.node.services import NodeBusy, NotANode, run_node

pytestmark = pytest.mark.django_db

BIND_LINE = (
    "01-Mar-2026 15:00:00.512 queries: info: client @0x7f3a2c0e8b60 10.0.0.5#53211"
    " (www.Evil.Example): query: www.Evil.Example IN A +E(0)K (10.0.0.1)\n"
)


def _changed(settings, **changes) -> None:
    settings.CLEANNET_NODE = dataclasses.replace(settings.CLEANNET_NODE, **changes)


def _failed_with(reason: str) -> NodeRun:
    run = run_node()
    assert run.status == NodeRun.Status.FAILED
    assert reason in run.error
    assert run.finished_at is not None
    assert not NodeFinding.objects.exists()
    return run


def test_it_records_a_hub_it_cannot_reach(node_settings) -> None:
    run = _failed_with("GET /api/v1/intel/indicators: cannot reach the hub")

    entry = AuditEntry.objects.get(action="node_run.finish")
    assert (entry.object_id, entry.after["status"]) == (str(run.pk), "failed")


def test_it_records_a_log_directory_that_is_not_there(node_settings, node_dirs) -> None:
    shutil.rmtree(node_dirs["logs"])
    _failed_with(f"{node_dirs['logs']} is not a directory")


def test_it_records_a_log_directory_without_a_matching_file(node_settings) -> None:
    _changed(node_settings, log_glob="queries*.log")
    _failed_with("no file matches 'queries*.log' in")


def test_it_records_a_lease_directory_without_a_file(node_settings, node_dirs) -> None:
    (node_dirs["leases"] / "leases.csv").unlink()
    _failed_with("no lease file in")


def test_it_records_logs_the_readers_refuse_as_a_whole(
    node_settings, node_dirs, live_server, hub
) -> None:
    # BIND writes local times without a zone: without CLEANNET_NODE_TZ it is never guessed.
    (node_dirs["logs"] / "queries.log").write_text(BIND_LINE)
    _changed(node_settings, hub_url=live_server.url, log_format="bind", log_glob="queries.log")

    _failed_with("NeedsTimezone")


def test_it_runs_one_node_run_at_a_time(node_settings) -> None:
    with HUEY.lock_task(LOCK_NAME), pytest.raises(NodeBusy):
        run_node()
    assert not NodeRun.objects.exists()


def test_it_refuses_to_run_a_server_that_is_not_a_node(settings) -> None:
    settings.CLEANNET_NODE = NodeSettings()
    with pytest.raises(NotANode):
        run_node()


def test_the_worker_task_records_the_run_without_raising(node_settings, caplog) -> None:
    caplog.set_level("WARNING", logger="cleannet.server.node.runner")

    tasks.run_node_match.call_local()

    assert NodeRun.objects.get().status == NodeRun.Status.FAILED
    assert "cannot reach the hub" in caplog.text


def test_the_worker_task_skips_a_tick_while_a_run_is_going(node_settings, caplog) -> None:
    caplog.set_level("INFO", logger="cleannet.server.node.tasks")

    with HUEY.lock_task(LOCK_NAME):
        tasks.run_node_match.call_local()

    assert "still going" in caplog.text
    assert not NodeRun.objects.exists()


def test_a_starting_worker_releases_the_lock_a_dead_worker_left(node_settings) -> None:
    HUEY.lock_task(LOCK_NAME).__enter__()  # a run that never finished
    tasks._lock_released = None

    tasks.release_the_node_lock_left_by_a_dead_worker()

    assert run_node().status == NodeRun.Status.FAILED  # it ran: the lock was free
