"""The hash-only look-up and the public result page: a verdict by hash, nothing else."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def known(browser, scan_site, eicar) -> bytes:
    browser.post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})
    return eicar


@pytest.mark.parametrize("algorithm", ["sha256", "sha1", "md5"])
def test_it_finds_a_known_file_by_any_of_its_hashes(browser, known, algorithm):
    value = hashlib.new(algorithm, known).hexdigest().upper()
    response = browser.get("/scan/lookup/", {"hash": f"  {value} "})

    assert response.status_code == 303
    assert response["Location"] == f"/scan/{hashlib.sha256(known).hexdigest()}/"


def test_it_says_when_a_hash_is_unknown(browser, scan_site):
    response = browser.get("/scan/lookup/", {"hash": "0" * 64})
    assert response.status_code == 404
    assert "We have not scanned a file with this hash" in response.content.decode()


def test_it_refuses_what_is_not_a_hash_naming_the_field(browser, scan_site):
    response = browser.get("/scan/lookup/", {"hash": "not-a-hash"})
    assert response.status_code == 400
    assert "hexadecimal digits" in response.content.decode()


def test_it_limits_lookups_per_address(browser, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_LOOKUPS_PER_HOUR = 1
    assert browser.get("/scan/lookup/", {"hash": "0" * 32}).status_code == 404
    assert browser.get("/scan/lookup/", {"hash": "0" * 32}).status_code == 429


def test_the_result_page_shows_the_verdict_and_no_uploader_data(browser, known):
    page = browser.get(f"/scan/{hashlib.sha256(known).hexdigest()}/").content.decode()

    assert "EICAR-Test-File" in page
    assert hashlib.md5(known).hexdigest() in page  # noqa: S324
    assert "127.0.0.1" not in page
    assert "e.com" not in page


def test_the_result_page_of_an_unknown_or_malformed_hash_is_not_found(browser, scan_site):
    assert browser.get(f"/scan/{'a' * 64}/").status_code == 404
    assert browser.get("/scan/nothing/").status_code == 404
