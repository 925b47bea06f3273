"""Readers of one environment value each, for ``config``: each returns the value checked or
raises ``ConfigurationError`` naming the key. Only ``config`` calls them (it owns the keys)."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from cleannet.core.errors import ConfigurationError

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def get(env: Mapping[str, str], key: str, default: str | None = None) -> str | None:
    file_key = f"{key}_FILE"
    if env.get(file_key):
        try:
            return Path(env[file_key]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(file_key, f"cannot read {env[file_key]!r}: {exc}") from exc
    return env.get(key, default)


def boolean(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = get(env, key)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ConfigurationError(key, f"{raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def choice(env: Mapping[str, str], key: str, choices: tuple[str, ...], default: str) -> str:
    value = (get(env, key) or default).strip().lower()
    if value not in choices:
        raise ConfigurationError(key, f"{value!r} is not one of {', '.join(choices)}")
    return value


def listed(env: Mapping[str, str], key: str, default: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in (get(env, key) or default).split(",") if item.strip())


def positive_number(env: Mapping[str, str], key: str, default: float) -> float:
    raw = (get(env, key) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(key, f"{raw!r} is not a number") from None
    if not (value > 0 and math.isfinite(value)):
        raise ConfigurationError(key, f"{raw!r} must be a positive number")
    return value


def positive_int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = (get(env, key) or "").strip()
    if raw and not raw.isdigit():
        raise ConfigurationError(key, f"{raw!r} is not a whole number")
    value = int(raw) if raw else default
    if value <= 0:
        raise ConfigurationError(key, f"{raw!r} must be above 0")
    return value


def networks(env: Mapping[str, str], key: str) -> tuple[str, ...]:
    found = listed(env, key, "")
    for network in found:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigurationError(key, f"{network!r} is not an IP network (CIDR)") from None
    return found


def port(env: Mapping[str, str], key: str, default: int) -> int:
    port = positive_int(env, key, default)
    if port > 65535:
        raise ConfigurationError(key, f"{port} is not a TCP port (1–65535)")
    return port


def known(key: str, value: str, names: Iterable[str]) -> str:
    known = sorted(names)
    if value not in known:
        raise ConfigurationError(key, f"{value!r} is not one of {', '.join(known)}")
    return value
