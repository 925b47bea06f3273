"""HTTP measurements of the leaks benchmark: servers on loopback and wrk against them.

Four servers answer ``/range/<PREFIX>``: the application under ``cleannet serve``
(waitress in one process, and gunicorn with several worker processes), a bare Django view
under the same waitress settings (the reference), and nginx serving the exported static
range files. wrk (one thread, a Lua script asking random
prefixes) measures each for a fixed time; every server is stopped afterwards.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "leaks_wrk.lua"
PYTHON = sys.executable
TOOLS = {"wrk": "wrk", "nginx": "nginx-light"}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def missing_tools() -> list[str]:
    """Return the Debian packages of the tools that are not installed."""
    found = {"wrk": shutil.which("wrk"), "nginx": shutil.which("nginx") or _sbin("nginx")}
    return [package for tool, package in TOOLS.items() if not found[tool]]


def _sbin(name: str) -> str | None:
    path = Path("/usr/sbin") / name
    return str(path) if path.is_file() else None


def ensure_tools(log: Any) -> None:
    """Install wrk and nginx from Debian's packages when missing (root only), or raise.

    The command is ``apt-get install -y wrk nginx-light`` (after ``apt-get update``).
    """
    packages = missing_tools()
    if not packages:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"install first: sudo apt-get install -y {' '.join(packages)}")
    log(f"installing {', '.join(packages)} from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env)  # noqa: S603, S607


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def site_env(site_dir: Path) -> dict[str, str]:
    """The environment of the scratch site: production-like settings, its own var dir."""
    return {
        **os.environ,
        "CLEANNET_VAR_DIR": str(site_dir),
        "DATABASE_URL": f"sqlite:///{site_dir / 'bench.sqlite3'}",
        "CLEANNET_DEBUG": "0",
        "CLEANNET_SECRET_KEY": "bench-only-secret-key-long-enough-for-the-check-0123456789",
        "CLEANNET_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CLEANNET_LOG_LEVEL": "warning",
        "CLEANNET_HUEY_BACKEND": "memory",
        "CLEANNET_SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "cleannet.server.settings",
    }


def prepare_site(site_dir: Path, store: Path) -> None:
    """Create the scratch site's database and register ``store`` as its breach's passwords."""
    command = [PYTHON, str(BENCH / "leaks_site.py"), str(site_dir), str(store)]
    subprocess.run(command, check=True, env=site_env(site_dir), cwd=ROOT)  # noqa: S603


def _wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with status {process.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=5) as answer,  # noqa: S310 (loopback)
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def running(
    command: list[str], url: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[None]:
    """Run a server until the block ends, its output to ``log``; wait for ``url`` first.

    The output goes to a file, never to an unread pipe: waitress warns about its queue
    depth under load, and a full pipe would stop the server mid-run.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(url, process)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def app_server(
    site_dir: Path, port: int, threads: int, processes: int = 1
) -> contextlib.AbstractContextManager[None]:
    """``cleannet serve``: waitress with ``threads`` threads, or gunicorn with ``processes``
    workers of ``threads`` threads each."""
    cleannet = str(Path(PYTHON).with_name("cleannet"))
    command = [cleannet, "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--threads", str(threads), "--processes", str(processes)]
    url = f"http://127.0.0.1:{port}/range/00000"
    log = site_dir / "serve.log"
    return running(command, url, log, site_env(site_dir))


def bare_server(port: int, threads: int, log: Path) -> contextlib.AbstractContextManager[None]:
    command = [PYTHON, str(BENCH / "leaks_bare.py"), str(port), str(threads)]
    return running(command, f"http://127.0.0.1:{port}/range/00000", log)


NGINX_CONF = """\
worker_processes {workers};
worker_rlimit_nofile 8192;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=2000 inactive=60s;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        default_type text/plain;
        location ~ "^/range/([0-9A-F]{{5}})$" {{
            try_files /password_sha1/$1.txt =404;
            add_header Cache-Control "public, max-age=86400";
        }}
    }}
}}
"""


def nginx_server(
    root: Path, work: Path, port: int, workers: int
) -> contextlib.AbstractContextManager[None]:
    """nginx on ``port`` serving ``root/password_sha1/<PREFIX>.txt`` as ``/range/<PREFIX>``."""
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    text = NGINX_CONF.format(workers=workers, work=work, port=port, root=root)
    conf.write_text(text)
    nginx = shutil.which("nginx") or _sbin("nginx") or "nginx"
    url = f"http://127.0.0.1:{port}/range/00000"
    return running([nginx, "-c", str(conf)], url, work / "nginx.out")


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict[str, Any]:
    """Return requests/s, latency percentiles (ms), requests and errors from ``wrk --latency``."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise ValueError(f"wrk printed no Requests/sec line:\n{output}")
    figures: dict[str, Any] = {"requests_per_s": float(rate.group(1))}
    for percent, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.MULTILINE):
        figures[f"p{percent}_ms"] = round(_milliseconds(value), 3)
    done = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    figures["requests"] = int(done.group(1)) if done else 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    figures["socket_errors"] = sum(int(n) for n in errors.groups()) if errors else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    return figures


def run_wrk(port: int, seconds: int, connections: int, padding: bool = False) -> dict[str, Any]:
    """Run wrk (one thread) against ``/range/`` on ``port``; return its parsed figures."""
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
        "-s", str(LUA), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    if padding:
        command += ["--", "padding"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    shown = shlex.join(command).replace(str(LUA), "bench/leaks_wrk.lua")
    return parse_wrk(output) | {
        "connections": connections,
        "seconds": seconds,
        "padding": padding,
        "command": re.sub(r":\d+\b", ":PORT", shown),
    }
