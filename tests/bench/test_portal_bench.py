"""The portal benchmark's request lists, wrk script, commands, judging, report and profiler,
on tiny inputs (no timings; the one wrk run talks to a loopback server in this process)."""

from __future__ import annotations

import http.server
import importlib.util
import shutil
import sys
import threading
import urllib.parse
from pathlib import Path
from types import ModuleType
from typing import ClassVar

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    """Import bench/<name>.py (bench/ is scripts, not a package; its helpers import each other)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


site = _load("portal_site")
http_ = _load("portal_http")
profile = _load("portal_profile")
report = _load("portal_report")
bench = _load("portal")


def test_it_pairs_addresses_seen_in_events_with_neighbours_that_are_not() -> None:
    seen = ["10.0.0.1", "10.0.0.2", "10.0.0.9", "2001:db8::1", "2001:db8::2"]

    hits, misses = site.hit_and_miss_addresses(seen, 10)

    assert sorted(hits) == sorted(seen)  # IPv4 and IPv6 together, none dropped
    assert hits[:3] == ["10.0.0.1", "10.0.0.2", "10.0.0.9"]  # v4 first, in address order
    assert misses == ["10.0.0.3", "10.0.0.3", "10.0.0.10", "2001:db8::3", "2001:db8::3"]
    assert not set(misses) & set(seen)
    assert len(site.hit_and_miss_addresses(seen, 2)[0]) == 2


def test_the_request_lists_carry_the_visitor_and_the_quoted_url() -> None:
    urls = site.url_lines(["bank.example"], ["fake.example"], ["bank-login.example"])
    lists = site.request_lists(["10.0.0.1"], ["10.0.0.3"], urls)

    assert urls[:4] == [
        "https://bank.example/",
        "https://fake.example/dang-nhap",
        "http://bank-login.example/login?next=/tai-khoan",
        f"https://{site.BENIGN_HOSTS[0]}/bai-viet/123",
    ]
    assert lists["home"] == ["/"]
    assert lists["check_ip"] == ["/check-ip/\t10.0.0.1", "/check-ip/\t10.0.0.3"]
    first = lists["url_check_api"][0]
    assert first == "/api/v1/url-check?url=https%3A%2F%2Fbank.example%2F"
    assert urllib.parse.unquote(lists["url_check_page"][2].split("=", 1)[1]) == urls[2]
    assert len(lists["url_check_page"]) == len(urls)


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None, str | None]]] = []

    def do_GET(self) -> None:
        entry = (self.path, self.headers.get("X-Forwarded-For"), self.headers.get("Authorization"))
        _Recorder.seen.append(entry)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_the_wrk_script_rotates_paths_visitors_and_sends_the_token(tmp_path: Path) -> None:
    requests = tmp_path / "check_ip.txt"
    requests.write_text("/check-ip/\t10.0.0.1\n/check-ip/\t10.0.0.3\n/plain\n")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        command = http_.wrk_command(port, 1, 2, "/", requests, "cn_secret")
        figures = http_.run_wrk(command, "cn_secret")
    finally:
        server.shutdown()
        server.server_close()

    seen = set(_Recorder.seen)
    assert ("/check-ip/", "10.0.0.1", "Bearer cn_secret") in seen
    assert ("/check-ip/", "10.0.0.3", "Bearer cn_secret") in seen
    assert ("/plain", None, "Bearer cn_secret") in seen
    assert figures["requests"] > 0 and figures["non_2xx"] == 0
    assert figures["connections"] == 2
    assert "cn_secret" not in figures["command"] and "TOKEN" in figures["command"]
    assert "127.0.0.1:PORT" in figures["command"]
    assert "SITE/check_ip.txt" in figures["command"]


def test_the_site_environment_is_production_like_and_trusts_only_loopback(tmp_path: Path) -> None:
    env = http_.site_env(tmp_path, "postgresql")

    assert env["CLEANNET_DEBUG"] == "0"
    assert env["CLEANNET_TRUSTED_PROXIES"] == "127.0.0.1/32"
    assert env["DJANGO_SETTINGS_MODULE"] == "portal_settings"
    assert env["PYTHONPATH"].split(":")[0] == str(BENCH)
    assert env["DATABASE_URL"].endswith(f"127.0.0.1:5432/{http_.PG_DATABASE}")
    assert http_.site_env(tmp_path)["DATABASE_URL"].startswith("sqlite:///")
    with pytest.raises(ValueError, match="database"):
        http_.database_url(tmp_path, "mysql")


def test_the_servers_are_cleannet_serve_and_the_bare_view_in_the_same_layouts() -> None:
    app = http_.serve_command(8123, 4, 2)
    bare_many, bare_one = http_.bare_command(8124, 4, 2), http_.bare_command(8124, 8, 1)

    assert app[1:] == ["serve", "--host", "127.0.0.1", "--port", "8123", "--threads", "4",
                       "--processes", "2"]  # fmt: skip
    assert bare_many[bare_many.index("--workers") + 1] == "2"
    assert bare_many[bare_many.index("--threads") + 1] == "4"
    assert bare_many[-1] == "portal_bare:application"
    assert bare_one[1:] == [str(BENCH / "leaks_bare.py"), "8124", "8"]


def _run(rate: float, p99: float, connections: int = 8, errors: int = 0) -> dict:
    return {
        "requests_per_s": rate,
        "p50_ms": 1.0,
        "p90_ms": 2.0,
        "p99_ms": p99,
        "connections": connections,
        "socket_errors": 0,
        "non_2xx": errors,
        "command": "wrk …",
    }


def _results(home: list[dict], check_ip: list[dict] | None = None) -> dict:
    layout = {"processes": 2, "threads": 4, "home": {"runs": home, "probes": []}}
    if check_ip is not None:
        layout["check_ip"] = {"runs": check_ip, "probes": []}
    else:
        layout["check_ip"] = {"error": "/check-ip/ answered 404", "probes": []}
    results = {
        "command": ".venv/bin/python bench/portal.py --seconds 3",
        "total_seconds": 120.0,
        "source": {"git_head": "0123456789abcdef", "portal_sha256": "ab", "portal_uncommitted": 1},
        "machine": {
            "date": "2026-11-30T00:00:00+00:00",
            "nproc": 2,
            "cpu": "test CPU",
            "python": "3.11",
            "platform": "Linux",
            "load_average_at_start": [1.0, 1.0, 1.0],
            "load_average_at_end": [1.0, 1.0, 1.0],
        },
        "bare": {"gunicorn 2×4": {"bare": {"runs": [_run(6000, 5.0)]}}},
        "databases": {
            "sqlite": {
                "plan": {
                    "seed": 1,
                    "events": 100,
                    "days": 9,
                    "addresses_in_events": 3,
                    "addresses_not_in_events": 3,
                    "urls": 4,
                },
                "servers": {"gunicorn 2×4": layout},
            },
            "postgresql": {"error": "connection refused"},
        },
    }
    results["targets"] = report.judge(results)
    return results


def test_it_judges_each_target_on_its_best_qualifying_run() -> None:
    results = _results([_run(2100, 30.0), _run(2600, 80.0, 32)], [_run(1200, 12.0)])
    home, check_ip = results["targets"]["home"], results["targets"]["check_ip"]

    assert home["met"] is True and home["value"] == 2100  # the faster run misses the p99
    assert home["server"] == "gunicorn 2×4, sqlite"
    assert check_ip["met"] is True and check_ip["connections"] == 8


def test_a_slow_page_an_erring_page_or_an_unmeasured_page_misses_the_target() -> None:
    slow = _results([_run(1900, 10.0)], [_run(1500, 10.0, errors=3)])["targets"]

    assert slow["home"]["met"] is False
    assert slow["check_ip"]["met"] is False  # fast enough, but non-2xx answers
    unmeasured = _results([])["targets"]
    assert unmeasured["home"]["met"] is unmeasured["check_ip"]["met"] is None
    assert unmeasured["check_ip"]["value"] is None


def test_the_page_shows_targets_runs_skipped_pages_and_the_profile() -> None:
    results = _results([_run(2100, 30.0)])
    results["databases"]["sqlite"]["profile"] = {
        "home": {
            "statuses": {"200": 20}, "requests": 10, "ms_per_request": 2.5,
            "queries": {"per_request": 1.0, "slowest": [
                {"sql": "SELECT 1", "per_request": 1.0, "ms_per_request": 0.1}]},
            "stages": {"template rendering": 1.2}, "buckets": {
                "templates": {"ms_per_request": 1.1, "share": 0.5}},
            "top_own_time": [{"function": "x.py:1(f)", "own_ms": 0.5, "cumulative_ms": 1.0,
                              "calls": 2.0}],
        }
    }  # fmt: skip
    page = report.render(results)

    assert "home `/`: 2,100 requests/s with p99 30.0 ms at 8 connections" in page
    assert "check-my-IP `/check-ip/`: not measured." in page
    assert "| bare Django view (reference) | gunicorn 2×4 | none | 8 | 6,000 |" in page
    assert "| home `/` | gunicorn 2×4 | sqlite | 8 | 2,100 | 1.0 | 2.0 | 30.0 | 0 |" in page
    assert "not measured: /check-ip/ answered 404" in page
    assert "not measured: connection refused" in page
    assert "### home: 2.5 ms per request (≈ 400/s on one core), 1.0 queries" in page
    assert "- template rendering: 1.2 ms" in page
    assert "- templates: 1.1 ms (50%)" in page


def _tiny_app(environ: dict, start_response) -> list[bytes]:
    status = "200 OK" if environ.get("HTTP_X_FORWARDED_FOR") else "404 Not Found"
    start_response(status, [("Content-Type", "text/plain")])
    return [environ["PATH_INFO"].encode(), environ["QUERY_STRING"].encode()]


def test_the_profiler_asks_each_line_as_wrk_would_and_splits_the_time() -> None:
    environ = profile.environ_for("/brands/check/?url=https%3A%2F%2Fa.example\t10.0.0.1", "t")
    assert environ["PATH_INFO"] == "/brands/check/"
    assert environ["QUERY_STRING"] == "url=https%3A%2F%2Fa.example"
    assert (environ["REMOTE_ADDR"], environ["HTTP_X_FORWARDED_FOR"]) == ("127.0.0.1", "10.0.0.1")
    assert environ["HTTP_AUTHORIZATION"] == "Bearer t"

    figures = profile.profile_page(_tiny_app, ["/a\t10.0.0.1", "/b"], "", 10)

    assert figures["statuses"] == {"200": 10, "404": 10}
    assert figures["queries"] == {"per_request": 0.0, "slowest": []}
    assert figures["ms_per_request"] > 0
    assert set(figures["stages"]) == {stage for stage, _ in profile.STAGES}
    assert sum(b["share"] for b in figures["buckets"].values()) == pytest.approx(1.0)
    assert profile.bucket_of("/x/site-packages/django/template/base.py") == "templates"
    assert profile.bucket_of("/work/src/cleannet/server/portal/views.py") == "CleanNet code"


def test_the_benchmark_urls_add_only_what_the_site_map_lacks() -> None:
    urls = _load("portal_urls")
    included = urls.included_modules(list(urls.site.urlpatterns))

    assert "cleannet.server.brands.urls" in included
    for _, name in urls.ADDED:
        assert name not in included
    assert len(urls.urlpatterns) == len(urls.site.urlpatterns) + len(urls.ADDED)


def test_the_options_default_to_the_issues_layout() -> None:
    args = bench.parse_args([])

    assert (args.processes, args.process_threads, args.threads) == (2, 4, 8)
    assert args.databases == "sqlite" and args.connections == "8,32"
    assert [name for name, *_ in bench.servers(args)] == ["gunicorn 2×4", "waitress 1×8"]
    assert bench.parse_args(["--skip-waitress"]).skip_waitress is True
