"""pytest plugin (``-p cleannet.testing`` in pyproject.toml): test defaults for the settings.

It runs before pytest-django imports the settings, so the suite works from a bare
``pytest`` as well as from ``make test``. Explicit environment values win (CI sets
``DATABASE_URL`` to run the database tests on PostgreSQL).
"""

from __future__ import annotations

import os
import tempfile

import pytest

_DEFAULTS = {
    "CLEANNET_DEBUG": "0",
    "CLEANNET_SECRET_KEY": "test-secret-key-that-is-long-enough-for-the-check",
    "CLEANNET_HUEY_BACKEND": "memory",
    "CLEANNET_SECURE_COOKIES": "0",
    "CLEANNET_LOG_LEVEL": "warning",
    # Test servers (live_server, wsgiref) answer in short-lived threads: close each request's
    # connection rather than leave it open when the thread ends.
    "CLEANNET_DB_CONN_MAX_AGE": "0",
}
for _key, _value in _DEFAULTS.items():
    os.environ.setdefault(_key, _value)
os.environ.setdefault("CLEANNET_VAR_DIR", tempfile.mkdtemp(prefix="cleannet-test-var-"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the database ``db``, so CI can rerun them on PostgreSQL."""
    database_fixtures = {"db", "transactional_db", "client", "admin_client", "live_server"}
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None
        if uses_db or database_fixtures & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
