"""The SMTP relay and leak-check settings: read from the environment, checked at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.core.errors import ConfigurationError
from cleannet.server.config import load_config

BASE = {"CLEANNET_DEBUG": "1"}


def test_it_defaults_to_a_local_relay_and_a_store_under_var(tmp_path: Path) -> None:
    config = load_config({**BASE, "CLEANNET_VAR_DIR": str(tmp_path)})

    assert (config.mail.host, config.mail.port, config.mail.starttls) == ("localhost", 25, False)
    assert config.leaks.store_dir == tmp_path / "leaks"
    assert config.leaks.sms_backend == "outbox"
    assert (config.leaks.checks_per_ip_hour, config.leaks.checks_per_address_day) == (5, 3)


def test_it_reads_an_authenticated_starttls_relay_with_a_password_file(tmp_path: Path) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    env = {
        **BASE,
        "CLEANNET_SMTP_HOST": "smtp.example.gov.vn",
        "CLEANNET_SMTP_PORT": "587",
        "CLEANNET_SMTP_USER": "cleannet",
        "CLEANNET_SMTP_PASSWORD_FILE": str(secret),
        "CLEANNET_SMTP_STARTTLS": "1",
        "CLEANNET_MAIL_FROM": "CleanNet <no-reply@cleannet.example>",
    }

    mail = load_config(env).mail

    assert (mail.host, mail.port, mail.user, mail.password) == (
        "smtp.example.gov.vn", 587, "cleannet", "s3cret"
    )  # fmt: skip
    assert mail.starttls is True
    assert mail.from_address == "CleanNet <no-reply@cleannet.example>"


def test_it_refuses_to_send_a_password_to_a_remote_relay_in_the_clear() -> None:
    env = {**BASE, "CLEANNET_SMTP_HOST": "smtp.example.gov.vn", "CLEANNET_SMTP_PASSWORD": "x"}
    with pytest.raises(ConfigurationError, match="CLEANNET_SMTP_STARTTLS"):
        load_config(env)


def test_it_accepts_a_password_to_a_loopback_relay_without_starttls() -> None:
    env = {**BASE, "CLEANNET_SMTP_HOST": "127.0.0.1", "CLEANNET_SMTP_PASSWORD": "x"}
    assert load_config(env).mail.password == "x"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("CLEANNET_SMTP_PORT", "70000", "is not a TCP port"),
        ("CLEANNET_SMTP_PORT", "smtp", "is not a whole number"),
        ("CLEANNET_MAIL_FROM", "nobody", "is not an address"),
        ("CLEANNET_LEAKS_SMS_BACKEND", "pigeon", "is not one of outbox, console"),
        ("CLEANNET_LEAKS_CHECKS_PER_IP_HOUR", "0", "must be above 0"),
    ],
)
def test_it_names_the_key_of_a_bad_value(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{key}: .*{message}"):
        load_config({**BASE, key: value})


def test_it_builds_djangos_mail_settings_from_the_config() -> None:
    from cleannet.server import settings as site_settings

    assert site_settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert site_settings.CONFIG.mail.port == site_settings.EMAIL_PORT
    assert site_settings.CONFIG.mail.host == site_settings.EMAIL_HOST
    assert site_settings.EMAIL_USE_TLS is site_settings.CONFIG.mail.starttls
    assert site_settings.CONFIG.mail.from_address == site_settings.DEFAULT_FROM_EMAIL
