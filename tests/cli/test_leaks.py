"""``cleannet leaks``: import through the breach registry (or the engine alone), check one
identifier without echoing it, export the password ranges."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.cli import leaks as leaks_cli
from cleannet.engines.leakindex import ranges

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "engines" / "leakindex" / "fixtures"


def leaks(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["leaks", *args], input=stdin, env={"COLUMNS": "400", **(env or {})})


@pytest.fixture
def engine_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No breach registry: the engine writes the stores under ``CLEANNET_VAR_DIR``."""
    monkeypatch.setattr(leaks_cli, "_has_services", lambda: False)
    monkeypatch.setenv("CLEANNET_VAR_DIR", str(tmp_path / "var"))
    return tmp_path / "var" / "leaks"


@pytest.fixture
def leak_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    from cleannet.server.leaks import services

    directory = tmp_path / "leaks"
    settings.CLEANNET_LEAKS = dataclasses.replace(settings.CLEANNET_LEAKS, store_dir=directory)
    services.forget_open_stores()
    yield directory
    services.forget_open_stores()


def test_it_imports_passwords_with_the_engine_alone(engine_only: Path) -> None:
    result = leaks(
        "import",
        "--breach",
        "forum",
        "--kind",
        "password",
        "--json",
        str(FIXTURES / "passwords.txt"),
    )

    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts == {
        "read": 12,
        "used": 10,
        "bad": 1,
        "skipped": 1,
        "hashes": {"password_sha1": 8, "password_ntlm": 8},
    }
    assert "passwords.txt:9: is not valid UTF-8" in result.output
    assert sorted(p.name for p in (engine_only / "breaches" / "forum").iterdir()) == [
        "password_ntlm.store",
        "password_sha1.store",
    ]


def test_it_checks_a_password_read_from_stdin_without_echoing_it(engine_only: Path) -> None:
    leaks("import", "--breach", "forum", "--kind", "password", str(FIXTURES / "passwords.txt"))
    leaks(
        "import",
        "--breach",
        "combo",
        "--kind",
        "password",
        "--format",
        "combo",
        str(FIXTURES / "combo.txt"),
    )

    found = leaks("check", "--kind", "password", stdin="123456\n")
    missing = leaks("check", "--kind", "password", "--json", stdin="correct horse battery\n")

    assert found.exit_code == 0, found.output
    assert found.stdout.strip() == "Found in 1 of 2 breaches, 2 times: forum (2)"
    assert "123456" not in found.output
    assert json.loads(missing.stdout) == {"found": False, "count": 0, "breaches": {}, "searched": 2}


def test_it_checks_an_email_in_any_spelling(engine_only: Path) -> None:
    leaks("import", "--breach", "shop", "--kind", "email", str(FIXTURES / "customers.csv"))

    result = leaks("check", "--kind", "email", "NGUYEN.VANA@gmail.com.")

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Found in 1 of 1 breaches, 2 times: shop (2)"


def test_it_refuses_an_invalid_phone_without_quoting_it(engine_only: Path) -> None:
    result = leaks("check", "--kind", "phone", "0912-ABC-678")

    assert result.exit_code == 2
    assert "ABC" not in result.output and "Not a valid phone" in result.output


def test_it_stops_on_a_file_it_cannot_read_and_writes_nothing(
    engine_only: Path, tmp_path: Path
) -> None:
    headerless = tmp_path / "dump.csv"
    headerless.write_text("someone@example.com,hunter2\n")

    result = leaks("import", "--breach", "x", "--kind", "email", str(headerless))

    assert result.exit_code == 1
    assert "Import stopped" in result.output and "someone" not in result.output
    assert not list((engine_only / "breaches" / "x").glob("*.store"))


def test_it_refuses_a_breach_name_that_is_not_a_short_name(engine_only: Path) -> None:
    result = leaks(
        "import", "--breach", "../etc", "--kind", "email", str(FIXTURES / "customers.csv")
    )

    assert result.exit_code == 2
    assert not engine_only.exists()


def test_it_exports_every_password_range(
    engine_only: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaks("import", "--breach", "forum", "--kind", "password", str(FIXTURES / "passwords.txt"))
    leaks(
        "import",
        "--breach",
        "ranges",
        "--kind",
        "password",
        "--hashed",
        str(FIXTURES / "pwned-hashes.txt"),
    )
    written: dict[str, str] = {}
    monkeypatch.setattr(ranges, "_write", lambda _dir, name, text: written.update({name: text}))

    result = leaks("export-ranges", str(tmp_path / "static"), "--mode", "sha1")

    assert result.exit_code == 0, result.output
    assert "1,048,576 range files from 2 breaches" in result.stdout
    assert len(written) == 16**5
    # 'password' is twice in the list and 52,580 times in the downloaded ranges.
    assert written["5BAA6.txt"] == "1E4C9B93F3F0682250B6CF8331B7EE68FD8:52582"


@pytest.mark.django_db
def test_it_imports_through_the_breach_registry(leak_dir: Path) -> None:
    from cleannet.server.leaks.models import Breach

    result = leaks(
        "import",
        "--breach",
        "shop-2024",
        "--kind",
        "email",
        "--json",
        str(FIXTURES / "customers.csv"),
    )
    check = leaks("check", "--kind", "email", "tranb@example.com")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["hashes"] == {"email": 4}
    breach = Breach.objects.get(name="shop-2024")
    assert breach.stores.get(kind="email").hashes == 4
    assert check.stdout.strip() == "Found in 1 of 1 breaches, 1 times: shop-2024 (1)"
    assert list((leak_dir / "breaches" / "shop-2024").glob("email-*.store"))
