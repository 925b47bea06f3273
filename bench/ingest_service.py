"""The ``ingest-*`` stages of ``bench/ingest.py``: the file through CleanNet's own ingest service.

What ``cleannet ingest --format shadowserver FILE`` does, timed from the call to
``intel.ingest.ingest_sources`` to its return: the columnar reader, the pipeline (dedup,
aggregation per UTC day, attribution per aggregate), and each batch of 50,000 rows stored in
one transaction with the run's checkpoint (events inserted or merged, evidence, refused rows;
PostgreSQL through ``COPY``). Setting up is not timed: a scratch database (a SQLite file in a
temporary directory; a PostgreSQL database ``cleannet_bench_<pid>`` created on
``BENCH_POSTGRES_ADMIN_URL`` and dropped afterwards), ``migrate``, and the prefix index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextlib.contextmanager
def scratch_database(backend: str) -> Iterator[None]:
    """Point CleanNet's settings at a new empty database of ``backend``; remove it afterwards."""
    with tempfile.TemporaryDirectory(prefix="cleannet-bench-") as tmp:
        os.environ.update(
            CLEANNET_VAR_DIR=tmp, CLEANNET_DEBUG="0", CLEANNET_SECRET_KEY=secrets.token_hex(32),
            CLEANNET_HUEY_IMMEDIATE="1", DJANGO_SETTINGS_MODULE="cleannet.server.settings",
        )  # fmt: skip
        if backend == "sqlite":
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            yield
            return
        import psycopg

        name = f"cleannet_bench_{os.getpid()}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        try:
            yield
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare() -> None:
    """Start Django and create the tables (untimed)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def ingest(csv_path: Path, attribute: Callable[[str, dt.date], Any]) -> dict[str, Any]:
    """Ingest ``csv_path`` once through the service; return the run's counts."""
    from cleannet.engines.feeds import ParseOptions
    from cleannet.server.intel.ingest import ingest_sources
    from cleannet.server.intel.ingest_input import sources_from_paths

    options = ParseOptions(feed_name="shadowserver-event4-sinkhole")
    run = ingest_sources(
        None, sources_from_paths([csv_path]), "shadowserver", options,
        attribute=attribute, window=dt.timedelta(days=1),
    )  # fmt: skip
    return {
        "read": run.read, "accepted": run.accepted, "rejected": run.rejected,
        "duplicates": run.duplicates, "events_created": run.events_created,
        "events_merged": run.events_merged, "status": run.status,
    }  # fmt: skip
