"""The settings of notices: delivery (outbox leases, retries), escalation, retention and the
SMS gateway, read from the environment for ``config`` (which owns the reading)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cleannet.core.errors import ConfigurationError
from cleannet.server.config_values import choice as _choice
from cleannet.server.config_values import get as _get
from cleannet.server.config_values import listed as _list
from cleannet.server.config_values import port as _port
from cleannet.server.config_values import positive_int as _positive_int
from cleannet.server.config_values import positive_number as _positive_number

SUBSCRIBER_CHANNELS = ("email", "sms", "page")
SMS_TRANSPORTS = ("smpp", "none")


@dataclass(frozen=True)
class SmppSettings:
    """The SMS centre (SMSC) the SMS channel binds to as a transmitter (SMPP 3.4)."""

    host: str = "127.0.0.1"
    port: int = 2775
    system_id: str = "cleannet"
    password: str = ""
    system_type: str = ""
    source_addr: str = "CleanNet"
    timeout: float = 10.0


@dataclass(frozen=True)
class NoticeSettings:
    """Delivery, escalation and retention of notices."""

    batch_size: int = 50
    lease_seconds: int = 60
    max_attempts: int = 8
    backoff_seconds: int = 60
    backoff_max_seconds: int = 6 * 3600
    suppress_after: int = 3
    cooldown_days: int = 3
    escalate_days: int = 7
    close_quiet_days: int = 30
    keep_days: int = 90
    subscriber_channels: tuple[str, ...] = SUBSCRIBER_CHANNELS
    from_address: str = ""
    message_id_domain: str = "cleannet.invalid"
    sms_transport: str = "smpp"
    smpp: SmppSettings = SmppSettings()


def _channels(env: Mapping[str, str]) -> tuple[str, ...]:
    key = "CLEANNET_NOTICES_CHANNELS"
    channels = _list(env, key, ",".join(SUBSCRIBER_CHANNELS))
    for channel in channels:
        if channel not in SUBSCRIBER_CHANNELS:
            raise ConfigurationError(
                key, f"{channel!r} is not one of {', '.join(SUBSCRIBER_CHANNELS)}"
            )
    return channels


def _message_id_domain(env: Mapping[str, str], from_address: str) -> str:
    key = "CLEANNET_NOTICES_MESSAGE_ID_DOMAIN"
    raw = (_get(env, key) or "").strip().lower()
    domain = raw or from_address.rpartition("@")[2].strip(" >").lower() or "cleannet.invalid"
    if not all(part.replace("-", "").isalnum() for part in domain.split(".")):
        raise ConfigurationError(key, f"{domain!r} is not a domain name")
    return domain


def _smpp(env: Mapping[str, str]) -> SmppSettings:
    return SmppSettings(
        host=(_get(env, "CLEANNET_SMPP_HOST") or "127.0.0.1").strip(),
        port=_port(env, "CLEANNET_SMPP_PORT", 2775),
        system_id=(_get(env, "CLEANNET_SMPP_SYSTEM_ID") or "cleannet").strip(),
        password=_get(env, "CLEANNET_SMPP_PASSWORD") or "",
        system_type=(_get(env, "CLEANNET_SMPP_SYSTEM_TYPE") or "").strip(),
        source_addr=(_get(env, "CLEANNET_SMPP_SOURCE_ADDR") or "CleanNet").strip(),
        timeout=_positive_number(env, "CLEANNET_SMPP_TIMEOUT", 10.0),
    )


def notice_settings(env: Mapping[str, str], mail_from: str) -> NoticeSettings:
    from_address = (_get(env, "CLEANNET_NOTICES_FROM") or mail_from).strip()
    return NoticeSettings(
        batch_size=_positive_int(env, "CLEANNET_NOTICES_BATCH_SIZE", 50),
        lease_seconds=_positive_int(env, "CLEANNET_NOTICES_LEASE_SECONDS", 60),
        max_attempts=_positive_int(env, "CLEANNET_NOTICES_MAX_ATTEMPTS", 8),
        backoff_seconds=_positive_int(env, "CLEANNET_NOTICES_BACKOFF_SECONDS", 60),
        backoff_max_seconds=_positive_int(env, "CLEANNET_NOTICES_BACKOFF_MAX_SECONDS", 6 * 3600),
        suppress_after=_positive_int(env, "CLEANNET_NOTICES_SUPPRESS_AFTER", 3),
        cooldown_days=_positive_int(env, "CLEANNET_NOTICES_COOLDOWN_DAYS", 3),
        escalate_days=_positive_int(env, "CLEANNET_NOTICES_ESCALATE_DAYS", 7),
        close_quiet_days=_positive_int(env, "CLEANNET_NOTICES_CLOSE_QUIET_DAYS", 30),
        keep_days=_positive_int(env, "CLEANNET_NOTICES_KEEP_DAYS", 90),
        subscriber_channels=_channels(env),
        from_address=from_address,
        message_id_domain=_message_id_domain(env, from_address),
        sms_transport=_choice(env, "CLEANNET_SMS_TRANSPORT", SMS_TRANSPORTS, "smpp"),
        smpp=_smpp(env),
    )
