"""The one place that reads the environment.

``load_config()`` reads every key once, checks it and returns a frozen ``Config``;
a missing or malformed value raises ``ConfigurationError`` naming the key, so a bad
deployment stops at start-up instead of failing later. Every key is documented in
``.env.example`` at the top of the repository. A secret may also come from a file
named by ``<KEY>_FILE`` (for Docker/systemd credentials).
"""

from __future__ import annotations

import ipaddress
import math
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cleannet.core.errors import ConfigurationError

HUEY_BACKENDS = ("sqlite", "redis", "memory")
SITE_ROLES = ("hub", "node", "both")
LANGUAGES = ("vi", "en")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Config:
    """Validated settings; see ``.env.example`` for what each key means."""

    debug: bool
    secret_key: str
    database_url: str
    allowed_hosts: tuple[str, ...]
    var_dir: Path
    site_role: str
    language_code: str
    time_zone: str
    huey_backend: str
    huey_url: str
    huey_name: str
    huey_immediate: bool
    csrf_trusted_origins: tuple[str, ...]
    secure_cookies: bool
    log_level: str
    feed_registry: Path | None
    fetch_allow_private: bool
    fetch_allow_networks: tuple[str, ...]
    fetch_max_bytes: int
    fetch_timeout: float


def _get(env: Mapping[str, str], key: str, default: str | None = None) -> str | None:
    file_key = f"{key}_FILE"
    if env.get(file_key):
        try:
            return Path(env[file_key]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(file_key, f"cannot read {env[file_key]!r}: {exc}") from exc
    return env.get(key, default)


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = _get(env, key)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(key, f"{raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def _choice(env: Mapping[str, str], key: str, choices: tuple[str, ...], default: str) -> str:
    value = (_get(env, key) or default).strip().lower()
    if value not in choices:
        raise ConfigurationError(key, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _list(env: Mapping[str, str], key: str, default: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in (_get(env, key) or default).split(",") if item.strip())


def _positive_number(env: Mapping[str, str], key: str, default: float) -> float:
    raw = (_get(env, key) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(key, f"{raw!r} is not a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise ConfigurationError(key, f"{raw!r} must be a positive number")
    return value


def _positive_int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = (_get(env, key) or "").strip()
    if raw and not raw.isdigit():
        raise ConfigurationError(key, f"{raw!r} is not a whole number")
    value = int(raw) if raw else default
    if value <= 0:
        raise ConfigurationError(key, f"{raw!r} must be above 0")
    return value


def _networks(env: Mapping[str, str], key: str) -> tuple[str, ...]:
    networks = _list(env, key, "")
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigurationError(key, f"{network!r} is not an IP network (CIDR)") from None
    return networks


def _feed_registry(env: Mapping[str, str]) -> Path | None:
    raw = (_get(env, "CLEANNET_FEED_REGISTRY") or "").strip()
    if not raw:
        return None  # the registry packaged with CleanNet
    path = Path(raw).resolve()
    if not path.is_file():
        raise ConfigurationError("CLEANNET_FEED_REGISTRY", f"{raw!r} is not a file")
    return path


def _secret_key(env: Mapping[str, str], debug: bool) -> str:
    key = _get(env, "CLEANNET_SECRET_KEY")
    if key:
        if not debug and len(key) < 32:
            raise ConfigurationError("CLEANNET_SECRET_KEY", "must be at least 32 characters")
        return key
    if debug:
        return "insecure-debug-only-key-never-use-in-production"
    raise ConfigurationError(
        "CLEANNET_SECRET_KEY",
        "required when CLEANNET_DEBUG is off (or set CLEANNET_SECRET_KEY_FILE)",
    )


def _database_url(env: Mapping[str, str], var_dir: Path) -> str:
    url = _get(env, "DATABASE_URL") or f"sqlite:///{var_dir / 'cleannet.sqlite3'}"
    if not url.startswith(("sqlite://", "postgres://", "postgresql://")):
        raise ConfigurationError("DATABASE_URL", f"{url.split(':')[0]!r} is not sqlite or postgres")
    return url


def _time_zone(env: Mapping[str, str]) -> str:
    name = _get(env, "CLEANNET_TIME_ZONE") or "Asia/Ho_Chi_Minh"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            "CLEANNET_TIME_ZONE", f"{name!r} is not a known time zone"
        ) from exc
    return name


def load_config(env: Mapping[str, str] | None = None) -> Config:
    """Read and check every setting; raise ``ConfigurationError`` on the first bad one."""
    env = os.environ if env is None else env
    debug = _bool(env, "CLEANNET_DEBUG", False)
    var_dir = Path(_get(env, "CLEANNET_VAR_DIR") or "var").resolve()
    huey_backend = _choice(env, "CLEANNET_HUEY_BACKEND", HUEY_BACKENDS, "sqlite")
    huey_url = _get(env, "CLEANNET_HUEY_URL") or ""
    if huey_backend == "redis" and not huey_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError("CLEANNET_HUEY_URL", "a redis:// URL is required for redis")
    return Config(
        debug=debug,
        secret_key=_secret_key(env, debug),
        database_url=_database_url(env, var_dir),
        allowed_hosts=_list(env, "CLEANNET_ALLOWED_HOSTS", "127.0.0.1,localhost"),
        var_dir=var_dir,
        site_role=_choice(env, "CLEANNET_SITE_ROLE", SITE_ROLES, "both"),
        language_code=_choice(env, "CLEANNET_LANGUAGE", LANGUAGES, "vi"),
        time_zone=_time_zone(env),
        huey_backend=huey_backend,
        huey_url=huey_url,
        huey_name=_get(env, "CLEANNET_HUEY_NAME") or "cleannet",
        huey_immediate=_bool(env, "CLEANNET_HUEY_IMMEDIATE", False),
        csrf_trusted_origins=_list(env, "CLEANNET_CSRF_TRUSTED_ORIGINS", ""),
        secure_cookies=_bool(env, "CLEANNET_SECURE_COOKIES", not debug),
        log_level=_choice(
            env, "CLEANNET_LOG_LEVEL", ("debug", "info", "warning", "error"), "info"
        ).upper(),
        feed_registry=_feed_registry(env),
        fetch_allow_private=_bool(env, "CLEANNET_FETCH_ALLOW_PRIVATE", False),
        fetch_allow_networks=_networks(env, "CLEANNET_FETCH_ALLOW_NETWORKS"),
        fetch_max_bytes=_positive_int(env, "CLEANNET_FETCH_MAX_BYTES", 256 * 1024 * 1024),
        fetch_timeout=_positive_number(env, "CLEANNET_FETCH_TIMEOUT", 60.0),
    )
