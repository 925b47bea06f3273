"""Django settings, built from the checked ``Config`` (nothing here reads the environment)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from cleannet.server.config import load_config

CONFIG = load_config()
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = CONFIG.var_dir

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CONFIG.csrf_trusted_origins)
CLEANNET_SITE_ROLE = CONFIG.site_role
# Feed collection (cleannet.server.intel.feed_runner): None means the packaged registry.
CLEANNET_FEED_REGISTRY = CONFIG.feed_registry
CLEANNET_FETCH_ALLOW_PRIVATE = CONFIG.fetch_allow_private
CLEANNET_FETCH_ALLOW_NETWORKS = CONFIG.fetch_allow_networks
CLEANNET_FETCH_MAX_BYTES = CONFIG.fetch_max_bytes
CLEANNET_FETCH_TIMEOUT = CONFIG.fetch_timeout
# The ISP node (cleannet.server.node): hub, logs, leases, schedule; not a node without a hub URL.
CLEANNET_NODE = CONFIG.node
# The leak check (cleannet.server.leaks): store directory, SMS channel, rate limits.
CLEANNET_LEAKS = CONFIG.leaks
# Brand protection (cleannet.server.brands): alert threshold, RPZ zone, domain-control checks.
CLEANNET_BRANDS = CONFIG.brands
# Signature bundles for cleannet-scan (cleannet.server.scanhub): signing key, rules, TLP cap.
CLEANNET_SCANNER = CONFIG.scanner
CLEANNET_NOTICES = CONFIG.notices
# The online file scan (cleannet.server.filescan): one setting per limit, so tests can change one.
CLEANNET_FILESCAN_DIR = CONFIG.filescan.directory
CLEANNET_FILESCAN_SIGNATURES = CONFIG.filescan.signatures
CLEANNET_FILESCAN_KEEP_DAYS = CONFIG.filescan.keep_days
CLEANNET_FILESCAN_MAX_BYTES = CONFIG.filescan.max_bytes
CLEANNET_FILESCAN_CPU_SECONDS = CONFIG.filescan.cpu_seconds
CLEANNET_FILESCAN_MEMORY_MB = CONFIG.filescan.memory_mb
CLEANNET_FILESCAN_WALL_SECONDS = CONFIG.filescan.wall_seconds
CLEANNET_FILESCAN_CONCURRENT_SCANS = CONFIG.filescan.concurrent_scans
CLEANNET_FILESCAN_UPLOADS_PER_HOUR = CONFIG.filescan.uploads_per_hour
CLEANNET_FILESCAN_LOOKUPS_PER_HOUR = CONFIG.filescan.lookups_per_hour
# The public portal (reports, selfcheck): the report channel's limits and SLAs, proxies, caches.
CLEANNET_REPORTS_DIR = CONFIG.portal.reports_dir
CLEANNET_REPORTS_MAX_ATTACHMENT_BYTES = CONFIG.portal.reports_max_attachment_bytes
CLEANNET_REPORTS_MAX_ATTACHMENTS = CONFIG.portal.reports_max_attachments
CLEANNET_REPORTS_PER_HOUR_PER_CLIENT = CONFIG.portal.reports_per_hour_per_client
CLEANNET_REPORTS_PER_DAY_PER_EMAIL = CONFIG.portal.reports_per_day_per_email
CLEANNET_REPORTS_SLA_HOURS = CONFIG.portal.reports_sla_hours
CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS = CONFIG.portal.reports_keep_attachment_days
CLEANNET_TRUSTED_PROXIES = CONFIG.portal.trusted_proxies
CLEANNET_DOWNLOADS_DIR = CONFIG.portal.downloads_dir
CLEANNET_SELFCHECK_CACHE_SECONDS = CONFIG.portal.selfcheck_cache_seconds
CLEANNET_STATISTICS_CACHE_SECONDS = CONFIG.portal.statistics_cache_seconds
CLEANNET_HOME_PAGE_CACHE_SECONDS = CONFIG.portal.home_page_cache_seconds
# The site's public address, for links in e-mails (reminders, replies).
CLEANNET_SITE_URL = CONFIG.site_url

# Outgoing e-mail through the configured SMTP relay.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = CONFIG.mail.host
EMAIL_PORT = CONFIG.mail.port
EMAIL_HOST_USER = CONFIG.mail.user
EMAIL_HOST_PASSWORD = CONFIG.mail.password
EMAIL_USE_TLS = CONFIG.mail.starttls
EMAIL_TIMEOUT = CONFIG.mail.timeout
DEFAULT_FROM_EMAIL = CONFIG.mail.from_address
SERVER_EMAIL = CONFIG.mail.from_address

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "huey.contrib.djhuey",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "cleannet.server.ops",
    "cleannet.server.accounts",
    "cleannet.server.networks",
    "cleannet.server.intel",
    "cleannet.server.node",
    "cleannet.server.leaks",
    "cleannet.server.breachnotices",
    "cleannet.server.brands",
    "cleannet.server.exposure",
    "cleannet.server.scanhub",
    "cleannet.server.filescan",
    "cleannet.server.encyclopedia",
    "cleannet.server.notices",
    "cleannet.server.reports",
    "cleannet.server.campaigns",
    "cleannet.server.selfcheck",
    "cleannet.server.workspace",
    "cleannet.server.portal",
    "cleannet.server.api",
    "cleannet.server.exchange",
]

MIDDLEWARE = [
    "cleannet.server.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cleannet.server.i18n.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cleannet.server.urls"
WSGI_APPLICATION = "cleannet.server.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Persistent connections (each request thread keeps its own for CLEANNET_DB_CONN_MAX_AGE, a
# minute by default): opening one costs more than a page's queries (SQLite: open + PRAGMAs
# ~1.5 ms; PostgreSQL: a TCP and auth round trip). Safe: requests run in autocommit, so no
# transaction or snapshot outlives one, and gunicorn forks before the application is loaded (no
# connection crosses a fork). The tests use 0: their servers' short-lived request threads would
# otherwise end holding connections.
DATABASES = {
    "default": dj_database_url.parse(CONFIG.database_url, conn_max_age=CONFIG.database_conn_max_age)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share one file; the PRAGMAs
    # run once per connection, so once a minute per thread with persistent connections.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One memory cache per process (no cache server to run). Django's default room, 300 entries,
# thrashes as soon as check-my-IP keeps an answer per visitor's address (two entries each):
# every look-up then misses. 10,000 small entries (rendered fragments, answers) stay well
# under 50 MB a process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = CONFIG.language_code
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = CONFIG.time_zone

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_SECURE = CONFIG.secure_cookies
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024


def _huey_settings() -> dict[str, Any]:
    common: dict[str, Any] = {
        "name": CONFIG.huey_name,
        "immediate": CONFIG.huey_immediate,
        "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
    }
    if CONFIG.huey_backend == "redis":
        return {**common, "huey_class": "huey.RedisHuey", "connection": {"url": CONFIG.huey_url}}
    if CONFIG.huey_backend == "memory":
        return {**common, "huey_class": "huey.MemoryHuey", "immediate": True}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {**common, "huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}


HUEY = _huey_settings()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    # With a handler of its own, huey's consumer does not add a second one (doubled lines).
    "loggers": {
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
        # smpplib logs every connect and PDU at INFO; aiosmtpd (the demo's mailbox) every
        # SMTP command. Their warnings still show.
        "smpp": {"level": "WARNING"},
        "mail.log": {"level": "WARNING"},
    },
}
