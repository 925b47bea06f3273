"""The WSGI front answers ``/range/`` exactly as the Django view does, and passes the rest on."""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server
from wsgiref.util import setup_testing_defaults

import httpx
import pytest
from pwned_passwords_django.api import PwnedPasswords

from cleannet.server.leaks.range_front import RangeFront
from cleannet.server.wsgi import application, django_application

pytestmark = pytest.mark.django_db(transaction=True)

SHA1_123456 = hashlib.sha1(b"123456", usedforsecurity=False).hexdigest().upper()
# Headers that are the same on every answer of both paths (padding is random, so lengths vary).
COMPARED = (
    "Content-Type",
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Max-Age",
    "Cache-Control",
    "Vary",
    "Allow",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
)
REQUESTS = [
    ("GET", f"/range/{SHA1_123456[:5]}", "", ""),
    ("GET", f"/range/{SHA1_123456[:5].lower()}", "", ""),
    ("GET", "/range/8846F", "mode=ntlm", ""),
    ("GET", "/range/8846F", "mode=sha1&mode=NTLM", ""),
    ("GET", "/range/00000", "", ""),
    ("HEAD", f"/range/{SHA1_123456[:5]}", "", ""),
    ("GET", "/range/XYZ12", "", ""),
    ("GET", "/range/1234", "", ""),
    ("OPTIONS", "/range/ABCDE", "", ""),
    ("POST", "/range/ABCDE", "", ""),
    ("DELETE", "/range/ABCDE", "", ""),
]


def _call(app, method: str, path: str, query: str, padding: str):
    environ: dict = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    environ["HTTP_HOST"] = "127.0.0.1"
    if padding:
        environ["HTTP_ADD_PADDING"] = padding
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(b"")
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


@pytest.mark.parametrize(("method", "path", "query", "padding"), REQUESTS)
def test_it_answers_as_the_django_view_does(breaches, method, path, query, padding) -> None:
    front = _call(application, method, path, query, padding)
    django = _call(django_application, method, path, query, padding)

    assert front[0] == django[0]
    if method == "HEAD":  # the front sends no body (a WSGI server would drop Django's)
        assert front[2] == b""
        assert front[1]["Content-Length"] == str(len(django[2]))
    else:
        assert front[2] == django[2]
    for name in COMPARED:
        if name == "Vary" and front[0] != 200:
            # Django adds "Vary: Cookie" where the role check read the session; the front's
            # answer never depends on a cookie.
            continue
        assert front[1].get(name) == django[1].get(name), name


def test_it_pads_as_the_django_view_does(breaches) -> None:
    status, headers, body = _call(application, "GET", f"/range/{SHA1_123456[:5]}", "", "true")

    lines = body.decode().split("\r\n")
    assert status == 200
    assert 800 <= len(lines) <= 1001
    assert headers["Content-Length"] == str(len(body))
    assert f"{SHA1_123456[5:]}:6" in lines


def test_it_passes_every_other_path_to_django(leak_dir) -> None:
    answered = []

    def django(environ, start_response):
        answered.append(environ["PATH_INFO"])
        start_response("404 Not Found", [])
        return [b""]

    front = RangeFront(django)
    for path in ("/range/", "/range/ABCDE/extra", "/ranges/ABCDE", "/", "/leaks/range/ABCDE"):
        _call(front, "GET", path, "", "")
    assert answered == ["/range/", "/range/ABCDE/extra", "/ranges/ABCDE", "/", "/leaks/range/ABCDE"]


def test_it_lets_django_answer_when_the_look_up_fails(leak_dir, monkeypatch, caplog) -> None:
    def broken(*args):
        raise RuntimeError("store unreadable")

    monkeypatch.setattr("cleannet.server.leaks.range_front.range_answer", broken)
    status, _, body = _call(application, "GET", "/range/00000", "", "")

    assert status == 200  # Django's view answered
    assert body == b""
    assert "could not answer /range/00000" in caplog.text


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def front_server(breaches) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, application, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_it_serves_a_real_client_through_a_wsgi_server(front_server) -> None:
    with httpx.Client() as http:
        client = PwnedPasswords(client=http)
        client.api_endpoint = f"{front_server}/range/"
        client.request_timeout = httpx.Timeout(10.0)
        assert client.check_password("123456") == 6
        assert client.check_password("a long passphrase nobody leaked 9f2c") == 0
