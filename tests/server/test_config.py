from pathlib import Path

import pytest

from cleannet.core.errors import ConfigurationError
from cleannet.server.config import load_config

GOOD_KEY = "k" * 40


def test_it_requires_a_secret_key_outside_debug() -> None:
    with pytest.raises(ConfigurationError, match="CLEANNET_SECRET_KEY: required"):
        load_config({})


def test_it_accepts_a_missing_secret_key_in_debug() -> None:
    assert load_config({"CLEANNET_DEBUG": "1"}).debug is True


def test_it_refuses_a_short_secret_key_in_production() -> None:
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        load_config({"CLEANNET_SECRET_KEY": "short"})


def test_it_reads_a_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(GOOD_KEY + "\n")
    assert load_config({"CLEANNET_SECRET_KEY_FILE": str(secret)}).secret_key == GOOD_KEY


def test_it_names_the_file_key_when_the_secret_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="CLEANNET_SECRET_KEY_FILE: cannot read"):
        load_config({"CLEANNET_SECRET_KEY_FILE": str(tmp_path / "absent")})


def test_it_refuses_a_boolean_it_cannot_read() -> None:
    with pytest.raises(ConfigurationError, match="CLEANNET_DEBUG: 'maybe' is not a boolean"):
        load_config({"CLEANNET_DEBUG": "maybe"})


def test_it_refuses_an_unknown_database_scheme() -> None:
    env = {"CLEANNET_SECRET_KEY": GOOD_KEY, "DATABASE_URL": "mysql://root@localhost/x"}
    with pytest.raises(ConfigurationError, match="DATABASE_URL: 'mysql' is not sqlite or postgres"):
        load_config(env)


def test_it_defaults_to_an_sqlite_file_under_var(tmp_path: Path) -> None:
    config = load_config({"CLEANNET_DEBUG": "1", "CLEANNET_VAR_DIR": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path / 'cleannet.sqlite3'}"


def test_it_requires_a_redis_url_for_the_redis_queue() -> None:
    env = {"CLEANNET_DEBUG": "1", "CLEANNET_HUEY_BACKEND": "redis"}
    with pytest.raises(ConfigurationError, match="CLEANNET_HUEY_URL"):
        load_config(env)


def test_it_refuses_an_unknown_language() -> None:
    with pytest.raises(ConfigurationError, match="CLEANNET_LANGUAGE: 'fr' is not one of vi, en"):
        load_config({"CLEANNET_DEBUG": "1", "CLEANNET_LANGUAGE": "fr"})


def test_it_refuses_an_unknown_time_zone() -> None:
    with pytest.raises(ConfigurationError, match="CLEANNET_TIME_ZONE: 'Mars/Olympus'"):
        load_config({"CLEANNET_DEBUG": "1", "CLEANNET_TIME_ZONE": "Mars/Olympus"})


def test_it_splits_allowed_hosts() -> None:
    config = load_config(
        {"CLEANNET_DEBUG": "1", "CLEANNET_ALLOWED_HOSTS": " a.example , b.example,"}
    )
    assert config.allowed_hosts == ("a.example", "b.example")
