"""Where a portal page's time goes: each page asked through the WSGI application in one
process, timed, its queries counted and its profile split by where the code lives.

Usage (in the site's environment, see ``portal_http.site_env``):
``python bench/portal_profile.py SITE_DIR OUT.json PAGES REQUESTS``. Each page's request list
(``SITE_DIR/<page>.txt``) is asked in turn: 20 warm-up requests, then ``REQUESTS`` timed
requests, then ``REQUESTS`` with every query counted and timed, then ``REQUESTS`` under
cProfile. The rendering half (``profile_lines``) needs no Django.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# (bucket, fragments of a code path): the first bucket with a matching fragment wins.
BUCKETS = (
    ("database (ORM, driver)", ("/django/db/", "sqlite3", "psycopg")),
    ("templates", ("/django/template/", "/django/templatetags/")),
    ("translation", ("/django/utils/translation/", "gettext")),
    ("middleware, sessions, auth", ("/django/middleware/", "/django/contrib/", "whitenoise")),
    ("CleanNet code", ("/cleannet/",)),
    ("Django, other", ("/django/",)),
)


# (stage, (code path ending, function names)): cumulative time of these functions.
STAGES = (
    ("whole request (WSGI handler)", ("django/core/handlers/wsgi.py", ("__call__",))),
    ("view, from URL resolving to response", ("django/core/handlers/base.py", ("_get_response",))),
    ("template rendering", ("django/template/backends/django.py", ("render",))),
    (
        "ORM queries (compile, execute, fetch)",
        ("django/db/models/sql/compiler.py", ("execute_sql",)),
    ),
    ("SQL execution in the driver", ("django/db/backends/utils.py", ("execute", "executemany"))),
    ("database connect and close", ("django/db/backends/base/base.py", ("connect", "close"))),
)


def stage_times(
    raw: dict[tuple[str, int, str], tuple[Any, ...]], requests: int
) -> dict[str, float]:
    """Cumulative ms per request spent in each of ``STAGES`` (nested stages overlap)."""
    times = {}
    for stage, (ending, names) in STAGES:
        seconds = sum(
            figures[3]
            for (filename, _, name), figures in raw.items()
            if filename.endswith(ending) and name in names
        )
        times[stage] = round(1000 * seconds / requests, 3)
    return times


def bucket_of(filename: str) -> str:
    """The bucket a function's file belongs to ("Python, other" when none matches)."""
    for name, fragments in BUCKETS:
        if any(fragment in filename for fragment in fragments):
            return name
    return "Python, other"


def split_profile(stats: pstats.Stats, requests: int) -> dict[str, Any]:
    """Own time per bucket (ms per request), and the 12 functions with most own time."""
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    buckets: Counter[str] = Counter()
    functions = []
    for (filename, line, name), (_, calls, own, cumulative, _) in raw.items():
        buckets[bucket_of(filename)] += own
        where = filename.split("site-packages/")[-1].split("/src/")[-1]
        functions.append((own, cumulative, calls, f"{where}:{line}({name})"))
    total = sum(buckets.values()) or 1.0
    top = sorted(functions, reverse=True)[:12]
    return {
        "stages": stage_times(raw, requests),
        "buckets": {
            name: {"ms_per_request": round(1000 * own / requests, 3), "share": own / total}
            for name, own in buckets.most_common()
        },
        "top_own_time": [
            {
                "function": where,
                "own_ms": round(1000 * own / requests, 3),
                "cumulative_ms": round(1000 * cum / requests, 3),
                "calls": round(calls / requests, 1),
            }
            for own, cum, calls, where in top
        ],
    }


def environ_for(line: str, token: str) -> dict[str, Any]:
    """The WSGI environ of one request-list line (as wrk would send it, from 127.0.0.1)."""
    from wsgiref.util import setup_testing_defaults

    target, _, address = line.partition("\t")
    path, _, query = target.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": urllib.parse.unquote(path),
        "QUERY_STRING": query,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
    }
    if address:
        environ["HTTP_X_FORWARDED_FOR"] = address
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    setup_testing_defaults(environ)
    return environ


def ask(application: Callable[..., Any], environ: dict[str, Any]) -> str:
    """Call the application once; return the status line (the body is read and closed)."""
    status: list[str] = []
    environ = environ | {"wsgi.input": io.BytesIO(b"")}
    body = application(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        for _ in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return status[0]


def _cycle(environs: list[dict[str, Any]], count: int) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield environs[index % len(environs)]


def _queries(
    application: Callable[..., Any], environs: list[dict[str, Any]], n: int
) -> dict[str, Any]:
    from django.db import connection

    by_sql: Counter[str] = Counter()
    seconds: dict[str, float] = {}

    def counted(execute: Callable[..., Any], sql: str, *rest: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *rest)
        finally:
            key = " ".join(sql.split())[:160]
            by_sql[key] += 1
            seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - started

    with connection.execute_wrapper(counted):
        for environ in _cycle(environs, n):
            ask(application, environ)
    slowest = [
        {
            "sql": sql,
            "per_request": round(by_sql[sql] / n, 2),
            "ms_per_request": round(1000 * total / n, 3),
        }
        for sql, total in sorted(seconds.items(), key=lambda item: -item[1])[:4]
    ]
    return {"per_request": round(sum(by_sql.values()) / n, 2), "slowest": slowest}


def profile_page(
    application: Callable[..., Any], lines: list[str], token: str, n: int
) -> dict[str, Any]:
    """Time, count the queries of, and profile ``n`` requests of one page."""
    environs = [environ_for(line, token) for line in lines]
    statuses = Counter(ask(application, e).split()[0] for e in _cycle(environs, 20))
    started = time.perf_counter()
    for environ in _cycle(environs, n):
        ask(application, environ)
    ms = 1000 * (time.perf_counter() - started) / n
    queries = _queries(application, environs, n)
    profiler = cProfile.Profile()
    profiler.enable()
    for environ in _cycle(environs, n):
        ask(application, environ)
    profiler.disable()
    split = split_profile(pstats.Stats(profiler), n)
    summary: dict[str, Any] = {
        "statuses": dict(statuses),
        "requests": n,
        "ms_per_request": round(ms, 3),
    }
    return summary | {"queries": queries} | split


def main(argv: list[str]) -> int:
    site, out, pages, n = Path(argv[0]), Path(argv[1]), argv[2].split(","), int(argv[3])
    import logging

    import django

    django.setup()
    from cleannet.server.wsgi import application

    # A failing page is reported by its statuses; a traceback per request would drown that.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)

    token = json.loads((site / "plan.json").read_text())["token"]
    figures = {}
    for page in pages:
        lines = [line for line in (site / f"{page}.txt").read_text().splitlines() if line]
        sent = token if page == "url_check_api" else ""
        figures[page] = profile_page(application, lines, sent, n)
        print(f"profile {page}: {figures[page]['ms_per_request']} ms/request", file=sys.stderr)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def profile_lines(database: str, profile: dict[str, Any]) -> list[str]:
    """The Markdown section for one database's profile."""
    lines = [f"## Where the time goes ({database}, one process, no concurrency)", ""]
    if "error" in profile:
        return [*lines, f"Not measured: {profile['error']}."]
    for page, figures in profile.items():
        rate = 1000 / figures["ms_per_request"] if figures["ms_per_request"] else 0
        lines += [
            f"### {page}: {figures['ms_per_request']} ms per request (≈ {rate:,.0f}/s on one "
            f"core), {figures['queries']['per_request']} queries per request, statuses "
            f"{figures['statuses']}",
            "",
            "Cumulative time per stage (ms per request, under cProfile; stages nest):",
            "",
            *(f"- {name}: {ms} ms" for name, ms in figures.get("stages", {}).items()),
            "",
            "Profiled own time by where the code lives (ms per request, under cProfile):",
            "",
            *(f"- {name}: {b['ms_per_request']} ms ({b['share']:.0%})"
              for name, b in figures["buckets"].items()),
            "",
            "Queries with the most time (per request):",
            "",
            *(f"- {q['per_request']}× {q['ms_per_request']} ms: `{q['sql'][:120]}`"
              for q in figures["queries"]["slowest"]),
            "",
            "Functions with the most own time (ms per request, cumulative ms, calls):",
            "",
            *(f"- `{f['function']}`: {f['own_ms']}, {f['cumulative_ms']}, {f['calls']}"
              for f in figures["top_own_time"][:8]),
            "",
        ]  # fmt: skip
    return lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
