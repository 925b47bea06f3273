"""The hub builds signed bundles from its indicators; scanners fetch and verify them."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cleannet.scanner.bundle import (
    BadSignature,
    RolledBack,
    Tampered,
    build_bundle,
    generate_private_key_pem,
    verify_bundle,
)
from cleannet.scanner.bundle_store import BundleStore, FetchStatus
from cleannet.scanner.signatures import SignatureSet
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel.models import Indicator, MalwareFamily
from cleannet.server.scanhub import services
from cleannet.server.scanhub.models import SignatureBundle

PAYLOAD_SHA256 = hashlib.sha256(b"cleannet hub test payload").hexdigest()


@pytest.fixture
def hub_settings(settings, tmp_path: Path) -> Path:
    key_file = tmp_path / "signing-key.pem"
    key_file.write_bytes(generate_private_key_pem())
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "test.yar").write_bytes(
        b'rule CleanNetTest { strings: $a = "x-cleannet" condition: $a }'
    )
    (rules / "notes.md").write_text("not a signature file")
    settings.VAR_DIR = tmp_path / "var"
    settings.CLEANNET_SCANNER = SimpleNamespace(
        signing_key_file=key_file, rules_dir=rules, bundle_max_tlp="CLEAR"
    )
    return key_file


def _indicator(kind: str, value: str, *, tlp: str = "CLEAR", family=None, **extra) -> Indicator:
    now = timezone.now()
    fields = {"first_seen": now, "last_seen": now, "valid_from": now - dt.timedelta(days=1)}
    return Indicator.objects.create(
        kind=kind, value=value, tlp=tlp, family=family, **{**fields, **extra}
    )


@pytest.fixture
def indicators(db) -> None:
    family = MalwareFamily.objects.create(name="Mirai", slug="mirai", kind="botnet")
    _indicator("sha256", PAYLOAD_SHA256, family=family)
    _indicator("md5", "0" * 32, tlp="AMBER")  # not publishable
    _indicator("sha1", "1" * 40, valid_until=timezone.now() - dt.timedelta(hours=1))  # expired
    _indicator("ipv4", "192.0.2.66", family=family)
    _indicator("domain", "c2.mirai.example", family=family)
    _indicator("domain", "phish.example")  # no family: not a C2


def _public(client) -> bytes:
    response = client.get("/scanner/bundles/public-key")
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
def test_it_builds_a_bundle_that_verifies_with_the_served_public_key(
    hub_settings, indicators, client, personas
) -> None:
    bundle = services.build_and_publish(personas.admin.user)
    blob = services.bundle_path(bundle).read_bytes()
    verified = verify_bundle(blob, _public(client))
    assert verified.version == bundle.version
    hashes = verified.files["hash-iocs.txt"].decode()
    assert f"{PAYLOAD_SHA256};CleanNet Mirai" in hashes
    assert "0" * 32 not in hashes and "1" * 40 not in hashes
    c2 = verified.files["c2-iocs.txt"].decode()
    assert "# CleanNet Mirai\n" in c2 and "192.0.2.66" in c2 and "c2.mirai.example" in c2
    assert "phish.example" not in c2
    assert "test.yar" in verified.files and "notes.md" not in verified.files
    entry = AuditEntry.objects.get(action="signature_bundle.publish")
    assert entry.actor == personas.admin.user


@pytest.mark.django_db
def test_its_bundle_loads_into_the_scanners_signature_set(hub_settings, indicators) -> None:
    bundle = services.build_and_publish(None)
    verified = verify_bundle(services.bundle_path(bundle).read_bytes(), services.public_key())
    sigs = SignatureSet.from_bundle_payload(verified.files, version=verified.version)
    assert sigs.problems == []
    assert sigs.c2.match_ip("192.0.2.66") is not None
    assert sigs.counts()["yara_rules"] == 1


@pytest.mark.django_db
def test_it_numbers_versions_forward_within_a_day(hub_settings, indicators) -> None:
    first = services.build_and_publish(None)
    second = services.build_and_publish(None)
    assert first.version.endswith(".1") and second.version.endswith(".2")
    assert services.latest_bundle() == second


def test_it_never_numbers_a_version_backwards() -> None:
    today = dt.date(2026, 4, 15)
    assert services.next_version(today, None) == "20260415.1"
    assert services.next_version(today, "20260415.9") == "20260415.10"
    assert services.next_version(today, "20260414.3") == "20260415.1"
    assert services.next_version(today, "20260416.2") == "20260416.3"  # the clock went back


@pytest.mark.django_db
def test_it_serves_the_newest_bundle_with_an_etag_and_304(hub_settings, indicators, client) -> None:
    assert client.get("/scanner/bundles/latest").status_code == 404
    services.build_and_publish(None)
    newest = services.build_and_publish(None)
    response = client.get("/scanner/bundles/latest")
    assert response.status_code == 200
    assert response["X-CleanNet-Bundle-Version"] == newest.version
    assert response["ETag"] == f'"{newest.sha256}"'
    again = client.get("/scanner/bundles/latest", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.django_db
def test_it_refuses_a_tampered_and_a_rolled_back_bundle(hub_settings, indicators, client) -> None:
    old = services.build_and_publish(None)
    new = services.build_and_publish(None)
    public = _public(client)
    tampered = bytearray(services.bundle_path(new).read_bytes())
    tampered[-2] ^= 0x01
    with pytest.raises(Tampered):
        verify_bundle(bytes(tampered), public)
    with pytest.raises(RolledBack):
        verify_bundle(services.bundle_path(old).read_bytes(), public, min_version=new.version)


@pytest.mark.django_db
def test_it_needs_a_signing_key_outside_debug(settings, tmp_path) -> None:
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path
    settings.CLEANNET_SCANNER = SimpleNamespace(
        signing_key_file=None, rules_dir=None, bundle_max_tlp="CLEAR"
    )
    with pytest.raises(ImproperlyConfigured, match="CLEANNET_SCANNER_SIGNING_KEY_PATH"):
        services.build_and_publish(None)
    settings.DEBUG = True
    services.build_and_publish(None)  # a development key under the var directory
    key = tmp_path / "scanner" / "dev-signing-key.pem"
    assert key.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db(transaction=True)
def test_the_scanner_fetches_from_a_live_hub_and_keeps_working_offline(
    hub_settings, indicators, live_server, tmp_path
) -> None:
    services.build_and_publish(None)
    public = services.public_key()
    store = BundleStore(tmp_path / "scanner-store")
    url = f"{live_server.url}/scanner/bundles/latest"
    first = store.fetch(url, public, timeout=10)
    assert first.status is FetchStatus.UPDATED, first.message
    assert store.fetch(url, public, timeout=10).status is FetchStatus.UP_TO_DATE
    newer = services.build_and_publish(None)
    assert store.fetch(url, public, timeout=10).bundle.version == newer.version
    # A hub signing with another key is refused; the last good bundle stays.
    other = build_bundle({"hash-iocs.txt": b""}, "99990101.1", Ed25519PrivateKey.generate())
    with pytest.raises(BadSignature):
        store.install(other, public)
    offline = store.fetch("http://127.0.0.1:9/scanner/bundles/latest", public, timeout=5)
    assert offline.status is FetchStatus.OFFLINE
    assert offline.bundle is not None and offline.bundle.version == newer.version
    assert SignatureBundle.objects.count() == 2


@pytest.mark.django_db
def test_it_marks_both_downloads_public(client) -> None:
    from cleannet.server.scanhub import views

    assert views.latest_bundle.allowed_roles == frozenset({"public"})
    assert views.public_key.allowed_roles == frozenset({"public"})
