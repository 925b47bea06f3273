"""The one place that reads the environment (with ``config_sections`` for some capabilities'
settings, and ``config_values`` for reading one value).

``load_config()`` reads every key once, checks it and returns a frozen ``Config``;
a missing or malformed value raises ``ConfigurationError`` naming the key, so a bad
deployment stops at start-up instead of failing later. Every key is documented in
``.env.example`` at the top of the repository. A secret may also come from a file
named by ``<KEY>_FILE`` (for Docker/systemd credentials).
"""

from __future__ import annotations

import os
import re
import urllib.parse
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cleannet.core.errors import ConfigurationError
from cleannet.engines.feeds.schedule import cron_fields
from cleannet.server.config_notices import NoticeSettings, notice_settings
from cleannet.server.config_sections import (
    BrandSettings,
    FileScanSettings,
    PortalSettings,
    ScannerSettings,
    brand_settings,
    filescan_settings,
    portal_settings,
    scanner_settings,
)
from cleannet.server.config_values import boolean as _bool
from cleannet.server.config_values import choice as _choice
from cleannet.server.config_values import get as _get
from cleannet.server.config_values import known as _known
from cleannet.server.config_values import listed as _list
from cleannet.server.config_values import networks as _networks
from cleannet.server.config_values import port as _port
from cleannet.server.config_values import positive_int as _positive_int
from cleannet.server.config_values import positive_number as _positive_number

HUEY_BACKENDS = ("sqlite", "redis", "memory")
SITE_ROLES = ("hub", "node", "both")
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class NodeSettings:
    """What an ISP node matches and where its hub is; an empty ``hub_url``: not a node.

    ``schedule`` is five crontab fields (UTC) or a number of minutes between runs.
    """

    hub_url: str = ""
    hub_token: str = ""
    hub_timeout: float = 60.0
    log_dir: Path | None = None
    log_glob: str = "*"
    log_format: str = ""
    lease_dir: Path | None = None
    lease_format: str = ""
    cgnat_dir: Path | None = None
    tz: str = ""
    engine: str = "duckdb"
    memory_limit: str = "2GB"
    schedule: str = "60"
    lookback_days: int = 7

    @property
    def is_node(self) -> bool:
        return bool(self.hub_url)


@dataclass(frozen=True)
class MailSettings:
    """The SMTP relay every outgoing e-mail goes through (Django's SMTP backend)."""

    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10.0
    from_address: str = "CleanNet <no-reply@localhost>"


@dataclass(frozen=True)
class LeakSettings:
    """Where the leak stores live, how phone results are sent, and the lookup rate limits."""

    store_dir: Path
    sms_backend: str = "outbox"
    checks_per_ip_hour: int = 5
    checks_per_address_day: int = 3
    ranges_per_user_minute: int = 600


@dataclass(frozen=True)
class Config:
    """Validated settings; see ``.env.example`` for what each key means."""

    debug: bool
    secret_key: str
    database_url: str
    database_conn_max_age: int
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
    node: NodeSettings
    mail: MailSettings
    leaks: LeakSettings
    brands: BrandSettings
    scanner: ScannerSettings
    filescan: FileScanSettings
    portal: PortalSettings
    notices: NoticeSettings
    site_url: str


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
    site_role = _choice(env, "CLEANNET_SITE_ROLE", SITE_ROLES, "both")
    if huey_backend == "redis" and not huey_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError("CLEANNET_HUEY_URL", "a redis:// URL is required for redis")
    return Config(
        debug=debug,
        secret_key=_secret_key(env, debug),
        database_url=_database_url(env, var_dir),
        database_conn_max_age=_conn_max_age(env),
        allowed_hosts=_list(env, "CLEANNET_ALLOWED_HOSTS", "127.0.0.1,localhost"),
        var_dir=var_dir,
        site_role=site_role,
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
        node=_node(env, debug, site_role),
        mail=_mail(env),
        leaks=_leaks(env, var_dir),
        brands=brand_settings(env),
        scanner=scanner_settings(env),
        filescan=filescan_settings(env, var_dir),
        portal=portal_settings(env, var_dir),
        notices=notice_settings(env, _mail(env).from_address),
        site_url=_site_url(env),
    )


# --- The ISP node ----------------------------------------------------------------------

_MEMORY = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B)", re.IGNORECASE)
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
MAX_SCHEDULE_MINUTES = 7 * 24 * 60


def _hub_url(raw: str, debug: bool, site_role: str) -> str:
    """Return the hub's base URL: https, or plain http on the loopback or in debug only."""
    key = "CLEANNET_NODE_HUB_URL"
    if site_role == "hub":
        raise ConfigurationError(key, "a hub is not a node (CLEANNET_SITE_ROLE is hub)")
    try:
        parts = urllib.parse.urlsplit(raw)
        host = parts.hostname or ""
    except ValueError:
        raise ConfigurationError(key, f"{raw!r} is not an http(s) URL") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(key, f"{raw!r} is not an http(s) URL")
    if parts.scheme == "http" and not debug and host not in _LOOPBACK_HOSTS:
        # The hub token travels with every request.
        raise ConfigurationError(key, "use https (the hub token is sent with every request)")
    return raw.rstrip("/")


def _required(env: Mapping[str, str], key: str) -> str:
    value = (_get(env, key) or "").strip()
    if not value:
        raise ConfigurationError(key, "required when CLEANNET_NODE_HUB_URL is set")
    return value


def _directory(env: Mapping[str, str], key: str, required: bool = True) -> Path | None:
    """Return the directory named by ``key``; its existence is checked by each node run."""
    raw = _required(env, key) if required else (_get(env, key) or "").strip()
    return Path(raw).resolve() if raw else None


def _optional_zone(env: Mapping[str, str], key: str) -> str:
    name = (_get(env, key) or "").strip()
    try:
        if name:
            zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(key, f"{name!r} is not a known time zone") from exc
    return name


def _memory_limit(env: Mapping[str, str]) -> str:
    raw = (_get(env, "CLEANNET_NODE_MEMORY_LIMIT") or "2GB").strip()
    if not _MEMORY.fullmatch(raw):
        raise ConfigurationError("CLEANNET_NODE_MEMORY_LIMIT", f"{raw!r} is not a size like 4GB")
    return raw


def _schedule(env: Mapping[str, str]) -> str:
    """Return a crontab (five fields, UTC) or a number of minutes between runs."""
    raw = " ".join((_get(env, "CLEANNET_NODE_SCHEDULE") or "60").split())
    if raw.isdigit():
        if not 1 <= int(raw) <= MAX_SCHEDULE_MINUTES:
            reason = f"{raw!r} minutes is outside 1–{MAX_SCHEDULE_MINUTES}"
            raise ConfigurationError("CLEANNET_NODE_SCHEDULE", reason)
        return str(int(raw))
    try:
        cron_fields(raw)
    except ValueError as exc:
        raise ConfigurationError("CLEANNET_NODE_SCHEDULE", str(exc)) from None
    return raw


def _node(env: Mapping[str, str], debug: bool, site_role: str) -> NodeSettings:
    """Return the node's settings; every key but the hub URL is ignored when it is empty."""
    raw_url = (_get(env, "CLEANNET_NODE_HUB_URL") or "").strip()
    if not raw_url:
        return NodeSettings()
    # Only a node loads the matching engines' registries (pyarrow and friends).
    from cleannet.engines.matching import ENGINES
    from cleannet.engines.matching.leases import LEASE_FORMATS
    from cleannet.engines.matching.logs import LOG_FORMATS

    return NodeSettings(
        hub_url=_hub_url(raw_url, debug, site_role),
        hub_token=_required(env, "CLEANNET_NODE_HUB_TOKEN"),
        hub_timeout=_positive_number(env, "CLEANNET_NODE_HUB_TIMEOUT", 60.0),
        log_dir=_directory(env, "CLEANNET_NODE_LOG_DIR"),
        log_glob=(_get(env, "CLEANNET_NODE_LOG_GLOB") or "*").strip(),
        log_format=_known(
            "CLEANNET_NODE_LOG_FORMAT",
            _required(env, "CLEANNET_NODE_LOG_FORMAT"),
            # csv logs need a column mapping, which a node does not take: convert to parquet.
            set(LOG_FORMATS) - {"csv"},
        ),
        lease_dir=_directory(env, "CLEANNET_NODE_LEASE_DIR"),
        lease_format=_known(
            "CLEANNET_NODE_LEASE_FORMAT",
            _required(env, "CLEANNET_NODE_LEASE_FORMAT"),
            LEASE_FORMATS,
        ),
        cgnat_dir=_directory(env, "CLEANNET_NODE_CGNAT_DIR", required=False),
        tz=_optional_zone(env, "CLEANNET_NODE_TZ"),
        engine=_known(
            "CLEANNET_NODE_ENGINE", _get(env, "CLEANNET_NODE_ENGINE") or "duckdb", ENGINES
        ),
        memory_limit=_memory_limit(env),
        schedule=_schedule(env),
        lookback_days=_positive_int(env, "CLEANNET_NODE_LOOKBACK_DAYS", 7),
    )


# --- Outgoing mail and the leak check ----------------------------------------------------

SMS_BACKENDS = ("outbox", "console")


def _mail(env: Mapping[str, str]) -> MailSettings:
    """Return the SMTP settings; a password is refused on a non-loopback relay without STARTTLS."""
    host = (_get(env, "CLEANNET_SMTP_HOST") or "localhost").strip()
    password = _get(env, "CLEANNET_SMTP_PASSWORD") or ""
    starttls = _bool(env, "CLEANNET_SMTP_STARTTLS", False)
    if password and not starttls and host not in _LOOPBACK_HOSTS:
        # The password would cross the network in the clear.
        raise ConfigurationError("CLEANNET_SMTP_STARTTLS", "required to send a password to a relay")
    from_address = (_get(env, "CLEANNET_MAIL_FROM") or MailSettings.from_address).strip()
    if "@" not in from_address:
        raise ConfigurationError("CLEANNET_MAIL_FROM", f"{from_address!r} is not an address")
    return MailSettings(
        host=host,
        port=_port(env, "CLEANNET_SMTP_PORT", 25),
        user=(_get(env, "CLEANNET_SMTP_USER") or "").strip(),
        password=password,
        starttls=starttls,
        timeout=_positive_number(env, "CLEANNET_SMTP_TIMEOUT", 10.0),
        from_address=from_address,
    )


def _leaks(env: Mapping[str, str], var_dir: Path) -> LeakSettings:
    raw_dir = (_get(env, "CLEANNET_LEAKS_DIR") or "").strip()
    return LeakSettings(
        store_dir=Path(raw_dir).resolve() if raw_dir else var_dir / "leaks",
        sms_backend=_choice(env, "CLEANNET_LEAKS_SMS_BACKEND", SMS_BACKENDS, "outbox"),
        checks_per_ip_hour=_positive_int(env, "CLEANNET_LEAKS_CHECKS_PER_IP_HOUR", 5),
        checks_per_address_day=_positive_int(env, "CLEANNET_LEAKS_CHECKS_PER_ADDRESS_DAY", 3),
        ranges_per_user_minute=_positive_int(env, "CLEANNET_LEAKS_RANGES_PER_USER_MINUTE", 600),
    )


def _site_url(env: Mapping[str, str]) -> str:
    """Return the site's public address for links in e-mails (empty: no link is built)."""
    raw = (_get(env, "CLEANNET_SITE_URL") or "").strip().rstrip("/")
    if raw:
        parsed = urllib.parse.urlsplit(raw)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigurationError("CLEANNET_SITE_URL", f"{raw!r} is not an http(s) address")
    return raw


def _conn_max_age(env: Mapping[str, str]) -> int:
    """Seconds a request thread keeps its database connection (0: closed after each request)."""
    raw = (_get(env, "CLEANNET_DB_CONN_MAX_AGE") or "60").strip()
    if not raw.isdigit():
        raise ConfigurationError("CLEANNET_DB_CONN_MAX_AGE", f"{raw!r} is not a whole number ≥ 0")
    return int(raw)
