"""Without a configured directory, the file scan uses the hub's newest published bundle,
verified with the hub's public key and unpacked once per version."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cleannet.scanner.bundle import generate_private_key_pem
from cleannet.server.filescan.models import FileVerdict
from cleannet.server.scanhub import services as scanhub

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(scan_site, tmp_path: Path, eicar: bytes) -> SimpleNamespace:
    key = tmp_path / "signing.pem"
    key.write_bytes(generate_private_key_pem())
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "hash-iocs.txt").write_text(f"{hashlib.sha256(eicar).hexdigest()};EICAR-Test-File\n")
    scan_site.settings.CLEANNET_FILESCAN_SIGNATURES = None
    scan_site.settings.CLEANNET_SCANNER = SimpleNamespace(
        signing_key_file=key, rules_dir=rules, bundle_max_tlp="CLEAR"
    )
    return SimpleNamespace(root=scan_site.root, rules=rules)


def test_it_scans_with_the_newest_published_bundle(hub, eicar):
    bundle = scanhub.build_and_publish(None)
    response = Client().post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})

    assert response.status_code == 303
    verdict = FileVerdict.objects.get()
    assert verdict.verdict == "malicious"
    assert verdict.bundle_version == bundle.version
    assert (hub.root / "signatures" / bundle.version / "VERSION").read_text().strip() == (
        bundle.version
    )


def test_a_new_bundle_means_a_new_scan(hub, eicar):
    scanhub.build_and_publish(None)
    Client().post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})
    scanhub.build_and_publish(None)
    Client().post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})

    assert FileVerdict.objects.values("bundle_version").distinct().count() == 2


def test_a_tampered_bundle_is_not_used(hub, eicar):
    bundle = scanhub.build_and_publish(None)
    path = scanhub.bundle_path(bundle)
    path.write_bytes(path.read_bytes().replace(b"EICAR-Test-File", b"EICAR-Test-Fila"))
    response = Client().post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})

    assert response.status_code == 503
    assert FileVerdict.objects.count() == 0


def test_without_any_bundle_the_scanner_is_unavailable(hub, eicar):
    response = Client().post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})
    assert response.status_code == 503
