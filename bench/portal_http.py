"""Servers and wrk for the portal benchmark: the scratch site's environment (SQLite or a
scratch PostgreSQL database), ``cleannet serve`` in one or several processes, the bare Django
view under the same servers, and wrk rotating through a page's request list.

The process and wrk plumbing (``running``, ``free_port``, ``parse_wrk``) is the leaks
benchmark's; only what differs for the portal lives here. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import leaks_http

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "portal_wrk.lua"
PYTHON = leaks_http.PYTHON
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_DATABASE = "cleannet_bench_portal"
READY_PATH = "/healthz"


def database_url(site_dir: Path, database: str) -> str:
    """Return the scratch site's ``DATABASE_URL`` for ``database`` (sqlite or postgresql)."""
    if database == "sqlite":
        return f"sqlite:///{site_dir / 'bench.sqlite3'}"
    if database == "postgresql":
        return f"postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}"
    raise ValueError(f"database: {database!r} is not sqlite or postgresql")


def site_env(site_dir: Path, database: str = "sqlite") -> dict[str, str]:
    """The leaks benchmark's production-like environment, plus the trusted proxy (wrk sends
    each visitor's address as ``X-Forwarded-For`` from 127.0.0.1), the chosen database and
    ``bench/portal_settings.py`` (the site's settings with the portal apps' pages)."""
    env = leaks_http.site_env(site_dir)
    python_path = [str(BENCH), *filter(None, [env.get("PYTHONPATH")])]
    return env | {
        "DATABASE_URL": database_url(site_dir, database),
        "CLEANNET_TRUSTED_PROXIES": "127.0.0.1/32",
        "DJANGO_SETTINGS_MODULE": "portal_settings",
        "PYTHONPATH": os.pathsep.join(python_path),
    }


@contextlib.contextmanager
def scratch_postgresql() -> Iterator[None]:
    """Create the scratch database (dropped first if a run was interrupted), drop it after."""
    import psycopg

    def admin(statement: str) -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(statement)

    admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    admin(f"CREATE DATABASE {PG_DATABASE}")
    try:
        yield
    finally:
        admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def prepare_site(site_dir: Path, database: str, seed: int, days: int, events: int) -> None:
    """Migrate the scratch site, load the demo world, write its plan and request lists."""
    site_dir.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, str(BENCH / "portal_site.py"), str(site_dir), str(seed), str(days)]
    env = site_env(site_dir, database)
    subprocess.run([*command, str(events)], check=True, env=env, cwd=ROOT)  # noqa: S603


def serve_command(port: int, threads: int, processes: int) -> list[str]:
    """``cleannet serve`` on loopback: waitress for one process, gunicorn for more."""
    cleannet = str(Path(PYTHON).with_name("cleannet"))
    command = [cleannet, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--threads", str(threads), "--processes", str(processes)]


def app_server(
    site_dir: Path, database: str, port: int, threads: int, processes: int
) -> contextlib.AbstractContextManager[None]:
    """The application with the production settings (``CLEANNET_DEBUG=0``) until the block ends."""
    url = f"http://127.0.0.1:{port}{READY_PATH}"
    log = site_dir / "serve.log"
    env = site_env(site_dir, database)
    return leaks_http.running(serve_command(port, threads, processes), url, log, env)


def bare_command(port: int, threads: int, processes: int) -> list[str]:
    """The bare Django view (``bench/leaks_bare.py``): waitress for one process, else gunicorn
    with the options ``cleannet serve --processes`` uses."""
    if processes == 1:
        return [PYTHON, str(BENCH / "leaks_bare.py"), str(port), str(threads)]
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    return [
        gunicorn, "--bind", f"127.0.0.1:{port}", "--workers", str(processes),
        "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5",
        "--log-level", "warning", "--pythonpath", str(BENCH), "portal_bare:application",
    ]  # fmt: skip


def bare_server(
    work: Path, port: int, threads: int, processes: int
) -> contextlib.AbstractContextManager[None]:
    url = f"http://127.0.0.1:{port}/range/00000"
    return leaks_http.running(bare_command(port, threads, processes), url, work / "bare.log")


def wrk_command(
    port: int, seconds: int, connections: int, path: str, requests: Path | None, token: str = ""
) -> list[str]:
    """wrk with one thread; with ``requests``, ``portal_wrk.lua`` rotates through that list."""
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency",
    ]  # fmt: skip
    if requests is None:
        return [*command, f"http://127.0.0.1:{port}{path}"]
    command += ["-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(requests)]
    return command + ([token] if token else [])


def shown_command(command: list[str], token: str) -> str:
    """The command as the report prints it: no port, no token, paths relative to the repo."""
    text = shlex.join(command).replace(str(BENCH) + "/", "bench/")
    text = re.sub(r"/\S*/(?=[a-z_]+\.txt\b)", "SITE/", text)
    if token:
        text = text.replace(token, "TOKEN")
    return re.sub(r":\d+\b", ":PORT", text)


def run_wrk(command: list[str], token: str = "") -> dict[str, Any]:
    """Run ``command`` (from ``wrk_command``); return wrk's parsed figures and the command."""
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    connections = int(next(part[2:] for part in command if part.startswith("-c")))
    return leaks_http.parse_wrk(output) | {
        "connections": connections,
        "command": shown_command(command, token),
    }
