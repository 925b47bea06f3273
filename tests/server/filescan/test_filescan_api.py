"""``/api/v1/filescan``: upload for a verdict, hash-only look-up; every role, with a token."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cleannet.server.filescan.models import FileVerdict

pytestmark = pytest.mark.django_db


def _post(token: str | None, content: bytes, field: str = "file") -> object:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().post(
        "/api/v1/filescan", {field: SimpleUploadedFile("x.bin", content)}, headers=headers
    )


def test_every_role_may_upload_and_gets_the_verdict(personas, scan_site, eicar):
    for name, persona in personas.all().items():
        response = _post(persona.token, eicar)
        assert response.status_code == 200, name
        body = response.json()
        assert body["verdict"] == "malicious"
        assert body["sha256"] == hashlib.sha256(eicar).hexdigest()
        assert body["detections"][0]["detection"] == "EICAR-Test-File"
        assert body["detections"][0]["path"] == ""
    assert FileVerdict.objects.get().seen_count == len(personas.all())


def test_the_second_upload_of_a_file_is_answered_from_the_cache(personas, scan_site):
    first = _post(personas.member.token, b"plain data").json()
    second = _post(personas.member.token, b"plain data").json()

    assert (first["verdict"], first["cached"]) == ("clean", False)
    assert (second["verdict"], second["cached"]) == ("clean", True)
    assert scan_site.samples() == []


def test_an_upload_without_a_token_is_refused(scan_site, eicar):
    assert _post(None, eicar).status_code == 401
    assert FileVerdict.objects.count() == 0


def test_an_oversized_upload_is_refused_naming_the_field(personas, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_MAX_BYTES = 100
    response = _post(personas.isp.token, b"z" * 1000)

    assert response.status_code == 413
    assert response.json()["detail"][0]["field"] == "file"
    assert scan_site.incoming() == []
    assert FileVerdict.objects.count() == 0


def test_an_upload_in_another_field_is_refused(personas, scan_site):
    response = _post(personas.isp.token, b"data", field="document")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "file"
    assert scan_site.incoming() == []


def test_a_signed_in_user_may_upload_with_the_csrf_token(personas, scan_site, eicar):
    # The CSRF check reads the body before the operation runs: the parsed file is then
    # copied through the same size limit.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.analyst.user)
    browser.get("/scan/")
    token = browser.cookies["csrftoken"].value
    upload = {"file": SimpleUploadedFile("e.com", eicar)}

    refused = browser.post("/api/v1/filescan", upload)
    upload = {"file": SimpleUploadedFile("e.com", eicar)}
    accepted = browser.post("/api/v1/filescan", upload, headers={"X-CSRFToken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert accepted.json()["verdict"] == "malicious"
    assert scan_site.incoming() == []


def test_a_signed_in_user_cannot_pass_the_size_limit_either(personas, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_MAX_BYTES = 100
    browser = Client()
    browser.force_login(personas.member.user)
    response = browser.post("/api/v1/filescan", {"file": SimpleUploadedFile("a", b"a" * 500)})

    assert response.status_code == 413
    assert scan_site.incoming() == []


@pytest.mark.parametrize("algorithm", ["sha256", "sha1", "md5"])
def test_the_hash_lookup_finds_a_known_file(personas, scan_site, eicar, algorithm, api_client):
    _post(personas.admin.token, eicar)
    client = api_client(personas.member.token)
    response = client.get(f"/api/v1/filescan/{hashlib.new(algorithm, eicar).hexdigest()}")

    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "malicious"
    assert body["md5"] == hashlib.md5(eicar).hexdigest()  # noqa: S324
    assert body["cached"] is True


def test_the_hash_lookup_of_an_unknown_hash_is_404(personas, scan_site, api_client):
    response = api_client(personas.isp.token).get(f"/api/v1/filescan/{'f' * 64}")
    assert response.status_code == 404


def test_the_hash_lookup_refuses_a_malformed_hash_naming_it(personas, scan_site, api_client):
    response = api_client(personas.isp.token).get("/api/v1/filescan/xyz")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "hash"


def test_the_hash_lookup_needs_a_token(scan_site):
    assert Client().get(f"/api/v1/filescan/{'f' * 64}").status_code == 401


def test_api_uploads_are_limited_per_user(personas, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_UPLOADS_PER_HOUR = 1
    assert _post(personas.member.token, b"one").status_code == 200
    assert _post(personas.member.token, b"two").status_code == 429
    assert _post(personas.isp.token, b"three").status_code == 200
