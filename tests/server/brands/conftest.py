"""Fixtures of the brand tests: a registered brand, a tiny DNS server and a web server.

``brand`` is the bank's "Demo Bank" (keyword ``demobank``) with the official domain
``demobank.vn``, registered by the authority so it is verified at once. ``dns_server``
answers TXT queries on loopback from its ``records`` (a name it does not know is NXDOMAIN,
a name in ``silent`` gets no answer); ``web_server`` serves its ``files`` over HTTP.
"""

from __future__ import annotations

import socket
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from cleannet.engines.feeds.fetch import fetch
from cleannet.server.accounts import services as account_services
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.brands import services
from cleannet.server.brands.domain_control import make_resolver
from cleannet.server.brands.models import Brand


@pytest.fixture
def brand(personas: Any) -> Brand:
    return services.register_brand(
        personas.admin.user, personas.bank, "demobank", "Demo Bank", "demobank", ["demobank.vn"]
    )


@pytest.fixture
def outsider(personas: Any) -> Any:
    """A member of another organisation (an e-commerce shop)."""
    shop = account_services.create_organisation(None, "Demo Shop", OrganisationKind.ECOMMERCE)
    return account_services.create_user(
        None, "shop-member", "member@shop.example", "x-long-password-1", Role.ORG_MEMBER, shop
    )


@dataclass
class DnsServer:
    """A UDP DNS server thread on 127.0.0.1 answering TXT queries from ``records``."""

    records: dict[str, list[str]] = field(default_factory=dict)
    silent: set[str] = field(default_factory=set)
    sock: socket.socket = field(
        default_factory=lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    )

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def resolver(self, timeout: float = 2.0) -> Any:
        return make_resolver([f"127.0.0.1:{self.port}"], timeout=timeout)

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        name = query.question[0].name.to_text(omit_final_dot=True).lower()
        if name in self.silent:
            return None
        response = dns.message.make_response(query)
        if name not in self.records:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif query.question[0].rdtype == dns.rdatatype.TXT and self.records[name]:
            texts = [f'"{text}"' for text in self.records[name]]
            response.answer.append(
                dns.rrset.from_text_list(
                    name + ".", 60, dns.rdataclass.IN, dns.rdatatype.TXT, texts
                )
            )
        return response.to_wire()

    def serve(self, stop: threading.Event) -> None:
        self.sock.settimeout(0.05)  # so that the loop sees ``stop`` soon
        while not stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            reply = self.answer(wire)
            if reply is not None:
                self.sock.sendto(reply, peer)


@pytest.fixture
def dns_server() -> Iterator[DnsServer]:
    server = DnsServer()
    server.sock.bind(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(target=server.serve, args=(stop,), daemon=True)
    thread.start()
    yield server
    stop.set()
    thread.join(timeout=5)
    server.sock.close()


@dataclass
class WebServer:
    files: dict[str, bytes]
    port: int = 0

    def fetch_text(self, url: str) -> str:
        """Fetch ``https://<domain>/path`` from this server instead (plain HTTP on loopback),
        through the real safe fetcher."""
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        local = f"http://127.0.0.1:{self.port}{path}"
        with tempfile.TemporaryDirectory() as directory:
            result = fetch(local, Path(directory), timeout=2, max_bytes=4096, allow_private=True)
            assert result.path is not None
            return result.path.read_text("utf-8")


@pytest.fixture
def web_server() -> Iterator[WebServer]:
    site = WebServer(files={})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = site.files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
