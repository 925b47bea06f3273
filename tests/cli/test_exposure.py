"""``cleannet exposure define | scopes | scan`` on the test database, scanning loopback only."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator

import pytest
from django.utils import translation
from typer.testing import CliRunner

from cleannet.cli.exposure import app
from cleannet.server.accounts import services as accounts
from cleannet.server.accounts.models import AuditEntry, Organisation
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.exposure.models import ScanRun, ScanScope

runner = CliRunner()
pytestmark = pytest.mark.django_db
UNTIL = (dt.date.today() + dt.timedelta(days=365)).isoformat()


@pytest.fixture(autouse=True)
def _wide_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich's tables: no wrapped cells


@pytest.fixture
def isp() -> Organisation:
    """An ISP, the authority and its administrator ``admin`` and analyst ``analyst``."""
    authority = accounts.create_organisation(None, "Authority", OrganisationKind.AUTHORITY)
    for name, role in (("admin", Role.AUTHORITY_ADMIN), ("analyst", Role.AUTHORITY_ANALYST)):
        accounts.create_user(None, name, f"{name}@example.org", "pw-" * 6, role, authority)
    return accounts.create_organisation(None, "Song Hong Net", OrganisationKind.ISP)


def listening(host: str) -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((host, 0))
    server.listen(8)
    server.settimeout(0)
    yield server
    server.close()


@pytest.fixture
def port_open() -> Iterator[socket.socket]:
    """A socket listening on a port of 127.0.0.1 the system picked."""
    yield from listening("127.0.0.1")


@pytest.fixture
def bystander() -> Iterator[socket.socket]:
    """A socket on 127.0.0.2, outside the scope: nothing may ever connect to it."""
    yield from listening("127.0.0.2")


def accepted(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            connection, _address = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def define(*extra: str, user: str = "admin") -> list[str]:
    return ["define", "--name", "loopback", "--owner", "song-hong-net",
            "--network", "127.0.0.1/32", "--approved-until", UNTIL,
            "--reference", "Decision 12/2026", "--user", user, *extra]  # fmt: skip


def test_it_defines_a_scope_and_lists_it(isp: Organisation) -> None:
    result = runner.invoke(app, define("--rate", "500"))
    assert result.exit_code == 0, result.output
    assert "Defined scope loopback for Song Hong Net" in result.output
    scope = ScanScope.objects.get()
    assert (scope.networks, scope.rate_per_second, scope.owner) == (["127.0.0.1/32"], 500, isp)
    listed = runner.invoke(app, ["scopes"])
    assert listed.exit_code == 0, listed.output
    assert "loopback" in listed.output and "127.0.0.1/32" in listed.output
    assert "never" in listed.output and "manual" in listed.output


def test_it_refuses_a_scope_from_an_analyst(isp: Organisation) -> None:
    with translation.override("en"):
        result = runner.invoke(app, define(user="analyst"))
    assert result.exit_code == 1
    assert "Refused: Only the authority's administrators" in result.output
    assert not ScanScope.objects.exists()


def test_it_refuses_a_bad_network_naming_the_field(isp: Organisation) -> None:
    result = runner.invoke(app, [*define(), "--network", "10.0.0.0/33"])
    assert result.exit_code == 1
    assert "Refused: networks:" in result.output


def test_it_names_an_unknown_user(isp: Organisation) -> None:
    result = runner.invoke(app, define(user="nobody"))
    assert result.exit_code == 2
    assert "--user: no user named 'nobody'" in result.output


def test_it_scans_a_scope_and_prints_the_summary(
    isp: Organisation, port_open: socket.socket
) -> None:
    assert runner.invoke(app, define()).exit_code == 0
    port = str(port_open.getsockname()[1])
    args = ["scan", "--scope", "loopback", "--ports", port, "--user", "admin"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert accepted(port_open) == 1
    row = next(line for line in result.output.splitlines() if "│ loopback" in line)
    cells = [cell.strip() for cell in row.split("│")[1:-1]]
    assert cells == ["loopback", "finished", "1", "1", "0", "1", "0", "0", "0"]
    run = ScanRun.objects.get()
    assert run.started_by is not None and run.started_by.username == "admin"
    assert (run.ports, run.open_ports) == ([int(port)], 1)
    assert AuditEntry.objects.filter(action="exposure.scan.run").exists()


def test_it_refuses_a_target_outside_the_scope_before_any_packet(
    isp: Organisation, port_open: socket.socket, bystander: socket.socket
) -> None:
    assert runner.invoke(app, define()).exit_code == 0
    port = str(bystander.getsockname()[1])
    args = ["scan", "--scope", "loopback", "--ports", port, "--user", "admin",
            "--target", "127.0.0.2"]  # fmt: skip
    result = runner.invoke(app, args)
    assert "refused 127.0.0.2: outside the networks of scope 'loopback'" in result.output
    assert accepted(bystander) == 0
    assert ScanRun.objects.get().refused == [
        {"target": "127.0.0.2", "reason": "outside the networks of scope 'loopback'"}
    ]


def test_it_refuses_a_scan_by_a_member_of_an_organisation(isp: Organisation) -> None:
    assert runner.invoke(app, define()).exit_code == 0
    accounts.create_user(None, "isp-op", "op@example.org", "pw-" * 6, Role.ISP_OPERATOR, isp)
    args = ["scan", "--scope", "loopback", "--ports", "9", "--user", "isp-op"]
    with translation.override("en"):
        result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "Refused: Only the authority may run exposure scans." in result.output
    assert not ScanRun.objects.exists()


def test_it_rejects_bad_ports_before_touching_anything(isp: Organisation) -> None:
    args = ["scan", "--scope", "loopback", "--ports", "0,70000", "--user", "admin"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--ports" in result.output
