import pytest

from cleannet.server.ops.models import WorkerHeartbeat
from cleannet.server.ops.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_it_records_a_heartbeat_each_time_the_periodic_task_runs(client) -> None:
    heartbeat.call_local()
    heartbeat.call_local()
    beat = WorkerHeartbeat.objects.get()
    assert beat.beats == 1
    assert client.get("/healthz").json()["worker"] == "ok"


def test_it_registers_the_heartbeat_as_a_periodic_task() -> None:
    from huey.contrib.djhuey import HUEY

    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert any(name.endswith("heartbeat") for name in names)
