"""Fetching feeds: against a real HTTP server on loopback, never the internet."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cleannet.engines.feeds.fetch import FetchError, FetchResult, address_refusal, fetch

BODY = b"id,url\n1,http://bad.example/x\n"


@dataclass
class Reply:
    status: int = 200
    body: bytes = BODY
    headers: dict[str, str] = field(default_factory=dict)
    stall: bool = False


@dataclass
class FeedServer:
    """A loopback server answering each path with its ``Reply``; records what it was asked."""

    port: int
    routes: dict[str, Reply | Callable[[dict[str, str]], Reply]]
    requests: list[tuple[str, dict[str, str]]]
    release: threading.Event

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append((self.path, headers))
            route = server.routes.get(self.path, Reply(status=404, body=b"no"))
            reply = route(headers) if callable(route) else route
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if "Content-Length" not in reply.headers and "Transfer-Encoding" not in reply.headers:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.stall:
                server.release.wait(10)
                return
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer(0, {}, [], threading.Event())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything opens a TCP connection."""

    def refuse(*args: object, **kwargs: object) -> socket.socket:
        raise AssertionError(f"connected to {args[0]!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)


def _fetch(url: str, dest: Path, **options: Any) -> FetchResult:
    """Fetch with the test limits; options override them."""
    return fetch(url, dest, **{"timeout": 2.0, "max_bytes": 1024 * 1024, **options})


def _from_loopback(url: str, dest: Path, **options: Any) -> FetchResult:
    return _fetch(url, dest, allow_private=True, **options)


def test_it_downloads_a_file_and_returns_its_validators(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Sun, 01 Mar 2026 06:00:00 GMT"}
    feed_server.routes["/downloads/csv_recent/"] = Reply(headers=validators)

    result = _from_loopback(feed_server.url("/downloads/csv_recent/"), tmp_path)

    assert result.path == tmp_path / "csv_recent"
    assert result.path.read_bytes() == BODY
    assert (result.status, result.bytes, result.not_modified) == (200, len(BODY), False)
    assert (result.etag, result.last_modified) == ('"v1"', "Sun, 01 Mar 2026 06:00:00 GMT")
    assert [p.name for p in tmp_path.iterdir()] == ["csv_recent"]


def test_it_sends_the_validators_and_reports_not_modified(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    def conditional(headers: dict[str, str]) -> Reply:
        if headers.get("if-none-match") == '"v1"':
            return Reply(status=304, body=b"")
        return Reply(headers={"ETag": '"v1"'})

    feed_server.routes["/list.csv"] = conditional

    result = _from_loopback(
        feed_server.url("/list.csv"),
        tmp_path,
        etag='"v1"',
        last_modified="Sun, 01 Mar 2026 06:00:00 GMT",
    )

    assert (result.not_modified, result.path, result.status) == (True, None, 304)
    assert result.etag == '"v1"'
    assert result.last_modified == "Sun, 01 Mar 2026 06:00:00 GMT"
    sent = feed_server.requests[0][1]
    assert sent["if-modified-since"] == "Sun, 01 Mar 2026 06:00:00 GMT"
    assert list(tmp_path.iterdir()) == []


def test_it_decodes_a_gzip_content_encoding(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.routes["/x.csv"] = Reply(
        body=gzip.compress(BODY), headers={"Content-Encoding": "gzip"}
    )

    result = _from_loopback(feed_server.url("/x.csv"), tmp_path)

    assert result.path is not None
    assert result.path.read_bytes() == BODY
    assert feed_server.requests[0][1]["accept-encoding"] == "gzip"


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.csv",
        "http://10.1.2.3/feed.csv",
        "http://[::1]/feed.csv",
        "https://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/feed.csv",
    ],
)
def test_it_refuses_a_non_public_address_by_default_without_connecting(
    url: str, tmp_path: Path
) -> None:
    with pytest.raises(FetchError, match="refused to connect"):
        _fetch(url, tmp_path)


@pytest.mark.usefixtures("no_connections")
def test_it_refuses_a_name_that_resolves_to_a_private_address(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"10\.0\.0\.7 is private"):
        _fetch(
            "https://feeds.example/list.csv",
            tmp_path,
            resolve=lambda host, port: ["10.0.0.7"],
        )


@pytest.mark.usefixtures("no_connections")
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://feeds.example/x", "gopher://a/"])
def test_it_refuses_a_url_that_is_not_http(url: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="is not an http or https URL"):
        _fetch(url, tmp_path)


def test_it_connects_to_the_address_it_checked_and_sends_the_host_name(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.routes["/feed.csv"] = Reply()
    answers = iter([["127.0.0.1"], ["10.66.0.1"]])  # a rebinding resolver: its 2nd answer differs
    asked: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        asked.append(host)
        return next(answers)

    result = _fetch(
        feed_server.url("/feed.csv", host="feeds.example"),
        tmp_path,
        resolve=rebinding,
        allowed_networks=["127.0.0.1/32"],
    )

    assert result.status == 200
    assert asked == ["feeds.example"]
    assert feed_server.requests[0][1]["host"] == f"feeds.example:{feed_server.port}"


def test_it_follows_redirects_and_names_the_file_after_the_last(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.routes["/a"] = Reply(status=301, headers={"Location": "/b"})
    feed_server.routes["/b"] = Reply(status=302, headers={"Location": feed_server.url("/c")})
    feed_server.routes["/c"] = Reply(status=307, headers={"Location": "/final.csv"})
    feed_server.routes["/final.csv"] = Reply()

    result = _from_loopback(feed_server.url("/a"), tmp_path)

    assert result.path == tmp_path / "final.csv"
    assert [path for path, _ in feed_server.requests] == ["/a", "/b", "/c", "/final.csv"]


def test_it_refuses_a_fourth_redirect(feed_server: FeedServer, tmp_path: Path) -> None:
    for hop in range(4):
        feed_server.routes[f"/{hop}"] = Reply(status=302, headers={"Location": f"/{hop + 1}"})
    feed_server.routes["/4"] = Reply()

    with pytest.raises(FetchError, match="redirected more than 3 times"):
        _from_loopback(feed_server.url("/0"), tmp_path)
    assert len(feed_server.requests) == 4


@pytest.mark.parametrize(
    ("location", "refusal"),
    [
        ("http://10.0.0.1/feed.csv", r"10\.0\.0\.1 is private"),
        ("http://127.0.0.2:{port}/feed.csv", r"127\.0\.0\.2 is loopback"),
        ("http://169.254.169.254/latest/", r"169\.254\.169\.254 is link-local"),
        ("file:///etc/passwd", "is not an http or https URL"),
    ],
)
def test_it_checks_every_redirect_again(
    location: str, refusal: str, feed_server: FeedServer, tmp_path: Path
) -> None:
    location = location.format(port=feed_server.port)
    feed_server.routes["/feed.csv"] = Reply(status=302, headers={"Location": location})

    with pytest.raises(FetchError, match=refusal):
        _fetch(
            feed_server.url("/feed.csv"),
            tmp_path,
            allowed_networks=["127.0.0.1/32"],
        )
    assert len(feed_server.requests) == 1


def test_it_refuses_a_body_whose_announced_length_is_over_the_limit(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    feed_server.routes["/big.csv"] = Reply(body=b"x" * 2000)

    with pytest.raises(FetchError, match="announces 2000 bytes, over the limit of 1000"):
        _from_loopback(feed_server.url("/big.csv"), tmp_path, max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


def test_it_stops_reading_a_body_over_the_limit_that_was_not_announced(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    chunk = b"x" * 2000
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk)
    feed_server.routes["/big.csv"] = Reply(body=chunked, headers={"Transfer-Encoding": "chunked"})

    with pytest.raises(FetchError, match="larger than the limit of 1000 bytes"):
        _from_loopback(feed_server.url("/big.csv"), tmp_path, max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


def test_it_stops_a_gzip_bomb_at_the_limit(feed_server: FeedServer, tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    feed_server.routes["/bomb.csv"] = Reply(body=bomb, headers={"Content-Encoding": "gzip"})

    with pytest.raises(FetchError, match="larger than the limit"):
        _from_loopback(feed_server.url("/bomb.csv"), tmp_path)
    assert len(bomb) < 1024 * 1024
    assert list(tmp_path.iterdir()) == []


def test_it_gives_up_on_a_server_that_stalls(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.routes["/slow.csv"] = Reply(stall=True)

    with pytest.raises(FetchError, match="timed out"):
        _from_loopback(feed_server.url("/slow.csv"), tmp_path, timeout=0.3)
    assert list(tmp_path.iterdir()) == []


def test_it_names_the_status_of_an_error_answer(feed_server: FeedServer, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="answered HTTP 404 Not Found"):
        _from_loopback(feed_server.url("/missing.csv"), tmp_path)


def test_it_names_the_url_when_nothing_listens(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    with pytest.raises(FetchError, match=f"http://127.0.0.1:{port}/x: failed: Connection"):
        _from_loopback(f"http://127.0.0.1:{port}/x", tmp_path)


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("8.8.8.8", ""),
        ("2001:4860:4860::8888", ""),
        ("192.168.1.1", "192.168.1.1 is private"),
        ("100.64.0.1", "100.64.0.1 is shared"),
        ("192.0.2.1", "192.0.2.1 is documentation"),
        ("198.18.0.1", "198.18.0.1 is benchmarking"),
        ("::1", "::1 is loopback"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1 is loopback"),
        ("fe80::1", "fe80::1 is link-local"),
        ("0.0.0.0", "0.0.0.0 is reserved, unspecified"),
    ],
)
def test_it_allows_only_public_unicast_addresses(address: str, refusal: str) -> None:
    assert address_refusal(address) == refusal


def test_it_allows_a_listed_network_and_everything_when_private_is_allowed() -> None:
    assert address_refusal("10.20.0.5", allowed_networks=["10.20.0.5/32"]) == ""
    assert address_refusal("10.20.0.6", allowed_networks=["10.20.0.5/32"]) != ""
    assert address_refusal("127.0.0.1", allow_private=True) == ""


# --- HTTPS: the pinned address still has to show a certificate for the host name ---------


CERTIFICATE_REQUEST = (
    "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
    "-subj /CN=feeds.example -addext subjectAltName=DNS:feeds.example"
)


@pytest.fixture
def tls_server(
    feed_server: FeedServer,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[FeedServer]:
    """The feed server behind TLS with a certificate for feeds.example, which fetch trusts."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a test certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(  # noqa: S603 (fixed arguments)
        [openssl, *CERTIFICATE_REQUEST.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(feed_server))
    httpd.socket = server_side.wrap_socket(httpd.socket, server_side=True)
    feed_server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    trusting = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: trusting(cafile=str(cert)))
    yield feed_server
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def _over_tls(url: str, dest: Path, **options: Any) -> FetchResult:
    return _fetch(
        url, dest, resolve=lambda host, port: ["127.0.0.1"], allowed_networks=["127.0.0.1/32"],
        **options,
    )  # fmt: skip


def test_it_fetches_over_https_from_the_pinned_address(
    tls_server: FeedServer, tmp_path: Path
) -> None:
    tls_server.routes["/list.csv"] = Reply()

    result = _over_tls(f"https://feeds.example:{tls_server.port}/list.csv", tmp_path)

    assert result.path is not None
    assert result.path.read_bytes() == BODY


def test_it_refuses_a_certificate_for_another_host_name(
    tls_server: FeedServer, tmp_path: Path
) -> None:
    tls_server.routes["/list.csv"] = Reply()

    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        _over_tls(f"https://other.example:{tls_server.port}/list.csv", tmp_path)


def test_it_refuses_a_redirect_from_https_down_to_http(
    tls_server: FeedServer, tmp_path: Path
) -> None:
    down = "http://feeds.example/list.csv"
    tls_server.routes["/list.csv"] = Reply(status=301, headers={"Location": down})

    with pytest.raises(FetchError, match="redirected from https to plain http"):
        _over_tls(f"https://feeds.example:{tls_server.port}/list.csv", tmp_path)
