"""The scanner's bundle store: only newer good bundles replace the last good one."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cleannet.scanner.bundle import BadSignature, RolledBack, Tampered, build_bundle
from cleannet.scanner.bundle_store import BundleStore, FetchStatus

FILES = {"hash-iocs.txt": b"0123456789abcdef0123456789abcdef;Test.Hash\n"}


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


class Hub:
    """A loopback HTTP server answering one bundle blob with an ETag."""

    def __init__(self) -> None:
        self.blob = b""
        self.requests: list[dict[str, str]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hub.requests.append(dict(self.headers))
                etag = f'"{len(hub.blob)}-{hash(hub.blob)}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(hub.blob)))
                self.end_headers()
                self.wfile.write(hub.blob)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/scanner/bundles/latest"


@pytest.fixture
def hub() -> Iterator[Hub]:
    hub = Hub()
    thread = threading.Thread(target=hub.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield hub
    hub.server.shutdown()
    hub.server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/scanner/bundles/latest"


def test_it_has_no_bundle_before_the_first_install(tmp_path: Path) -> None:
    assert BundleStore(tmp_path / "store").current() is None


def test_it_installs_a_good_bundle_and_gives_it_back(tmp_path, key, public) -> None:
    store = BundleStore(tmp_path / "store")
    store.install(build_bundle(FILES, "20260415.1", key), public)
    assert store.current(public).files == FILES
    assert store.current().version == "20260415.1"
    assert (tmp_path / "store").stat().st_mode & 0o777 == 0o700


def test_it_refuses_an_older_or_equal_version_and_keeps_the_newer(tmp_path, key, public) -> None:
    store = BundleStore(tmp_path)
    store.install(build_bundle(FILES, "20260415.2", key), public)
    with pytest.raises(RolledBack, match=r"older than 20260415\.2"):
        store.install(build_bundle({"x.txt": b"old"}, "20260415.1", key), public)
    with pytest.raises(RolledBack, match="not newer"):
        store.install(build_bundle({"x.txt": b"same"}, "20260415.2", key), public)
    assert store.current(public).files == FILES


def test_it_keeps_the_old_bundle_when_a_tampered_one_arrives(tmp_path, key, public) -> None:
    store = BundleStore(tmp_path)
    store.install(build_bundle(FILES, "1", key), public)
    tampered = build_bundle({"hash-iocs.txt": b"new"}, "2", key)[:-1] + b"?"
    with pytest.raises(Tampered):
        store.install(tampered, public)
    with pytest.raises(BadSignature):
        store.install(build_bundle(FILES, "3", Ed25519PrivateKey.generate()), public)
    assert store.current(public).version == "1"


def test_it_notices_a_damaged_file_on_disk(tmp_path, key, public) -> None:
    store = BundleStore(tmp_path)
    store.install(build_bundle(FILES, "1", key), public)
    store.path.write_bytes(store.path.read_bytes()[:-1] + b"!")
    with pytest.raises(Tampered):
        store.current()
    # A damaged bundle does not block a good one from replacing it, even at the same version.
    store.install(build_bundle(FILES, "1", key), public)
    assert store.current(public).files == FILES


def test_it_fetches_a_newer_bundle_over_http(tmp_path, hub, key, public) -> None:
    store = BundleStore(tmp_path)
    hub.blob = build_bundle(FILES, "20260415.1", key)
    result = store.fetch(hub.url, public, timeout=5)
    assert result.status is FetchStatus.UPDATED
    assert result.bundle is not None and result.bundle.files == FILES
    assert store.current(public).version == "20260415.1"


def test_it_asks_with_the_etag_and_treats_304_as_up_to_date(tmp_path, hub, key, public) -> None:
    store = BundleStore(tmp_path)
    hub.blob = build_bundle(FILES, "1", key)
    store.fetch(hub.url, public, timeout=5)
    result = store.fetch(hub.url, public, timeout=5)
    assert result.status is FetchStatus.UP_TO_DATE
    assert result.bundle is not None and result.bundle.version == "1"
    assert hub.requests[-1].get("If-None-Match")


def test_it_calls_the_same_version_without_etag_up_to_date(tmp_path, hub, key, public) -> None:
    store = BundleStore(tmp_path)
    blob = build_bundle(FILES, "1", key)
    store.install(blob, public)
    hub.blob = blob
    assert store.fetch(hub.url, public, timeout=5).status is FetchStatus.UP_TO_DATE


def test_it_refuses_a_rolled_back_download_and_keeps_working(tmp_path, hub, key, public) -> None:
    store = BundleStore(tmp_path)
    store.install(build_bundle(FILES, "5", key), public)
    hub.blob = build_bundle({"hash-iocs.txt": b""}, "4", key)
    result = store.fetch(hub.url, public, timeout=5)
    assert result.status is FetchStatus.REFUSED
    assert "older than 5" in result.message
    assert result.bundle is not None and result.bundle.version == "5"


def test_it_refuses_a_download_over_the_size_limit(tmp_path, hub, key, public) -> None:
    store = BundleStore(tmp_path, max_bytes=64)
    hub.blob = build_bundle(FILES, "1", key)
    result = store.fetch(hub.url, public, timeout=5)
    assert result.status is FetchStatus.REFUSED
    assert "at most 64" in result.message
    assert store.current() is None


def test_it_works_offline_with_the_last_good_bundle(tmp_path, key, public) -> None:
    store = BundleStore(tmp_path)
    store.install(build_bundle(FILES, "20260415.3", key), public)
    result = store.fetch(_closed_port_url(), public, timeout=5)
    assert result.status is FetchStatus.OFFLINE
    assert "working offline with bundle 20260415.3" in result.message
    assert result.bundle is not None and result.bundle.files == FILES


def test_it_says_when_it_is_offline_with_no_bundle_at_all(tmp_path, public) -> None:
    result = BundleStore(tmp_path).fetch(_closed_port_url(), public, timeout=5)
    assert result.status is FetchStatus.OFFLINE
    assert result.bundle is None
    assert "no bundle is installed" in result.message


def test_it_refuses_a_download_larger_than_announced(tmp_path, hub, key, public) -> None:
    hub.blob = build_bundle(FILES, "1", key)
    store = BundleStore(tmp_path, max_bytes=len(hub.blob) - 1)
    assert store.fetch(hub.url, public, timeout=5).status is FetchStatus.REFUSED


def test_it_refuses_a_url_that_is_not_http(tmp_path, public) -> None:
    with pytest.raises(ValueError, match="only http and https"):
        BundleStore(tmp_path).fetch("file:///etc/passwd", public)
