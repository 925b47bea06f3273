from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.server.accounts.models import ApiToken, Organisation, User

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_it_lists_the_platform_commands_in_its_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "worker", "demo", "migrate", "user", "org", "docs"):
        assert command in result.output


@pytest.mark.django_db
def test_it_creates_an_organisation_then_a_user_with_a_token() -> None:
    result = runner.invoke(app, ["org", "create", "Sông Hồng Telecom", "--kind", "isp"])
    assert result.exit_code == 0, result.output
    org = Organisation.objects.get(kind="isp")
    args = ["user", "create", "alice", "--email", "alice@example.org", "--role", "isp_operator"]
    args += ["--organisation", org.slug, "--password", "a-long-and-unusual-pass-9", "--token"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="alice").organisation == org
    assert "cn_" in result.output
    assert ApiToken.objects.filter(user__username="alice").count() == 1


@pytest.mark.django_db
def test_it_names_the_option_when_the_role_is_unknown() -> None:
    args = ["user", "create", "bob", "--email", "b@example.org", "--role", "king"]
    result = runner.invoke(app, [*args, "--organisation", "x", "--password", "pw-long-enough-77"])
    assert result.exit_code == 1
    assert "role: 'king' is not one of" in result.output


@pytest.mark.django_db
def test_it_names_the_organisation_it_cannot_find() -> None:
    args = ["user", "create", "bob", "--email", "b@example.org", "--role", "org_member"]
    result = runner.invoke(app, [*args, "--organisation", "nowhere", "--password", "pw-long-9x!"])
    assert result.exit_code == 1
    assert "no organisation with the short name 'nowhere'" in result.output


@pytest.mark.django_db
def test_it_refuses_a_weak_password_and_says_why() -> None:
    runner.invoke(app, ["org", "create", "Demo Bank", "--kind", "bank"])
    args = ["user", "create", "carol", "--email", "c@example.org", "--role", "org_member"]
    result = runner.invoke(app, [*args, "--organisation", "demo-bank", "--password", "123"])
    assert result.exit_code == 1
    assert "password:" in result.output
    assert not User.objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_organisation_kind() -> None:
    result = runner.invoke(app, ["org", "create", "Acme", "--kind", "pirate"])
    assert result.exit_code == 1
    assert "kind: 'pirate' is not one of" in result.output


def test_it_prints_the_data_format_that_is_committed_in_docs() -> None:
    result = runner.invoke(app, ["docs", "data-format", "--output", "-"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_it_loads_a_small_demo_world_and_prints_the_same_logins_twice() -> None:
    args = ["demo", "--no-serve", "--events", "300", "--days", "7"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "300 read" in first.output
    admin = User.objects.get(username="admin")
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "0 new" in second.output
    password_line = next(line for line in second.output.splitlines() if "│ admin" in line)
    password = password_line.split("│")[2].strip()
    admin.refresh_from_db()
    assert admin.check_password(password)
    assert password in first.output
