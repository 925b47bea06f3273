"""The public upload page: a posted file is scanned in the worker and its verdict shown;
clean files are deleted at once, malicious ones kept (0600), repeats answered from cache."""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.filescan.models import FileVerdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def _upload(client: Client, name: str, content: bytes) -> Any:
    return client.post("/scan/", {"file": SimpleUploadedFile(name, content)})


def test_it_shows_the_form_and_the_retention_policy_without_javascript(browser, scan_site):
    page = browser.get("/scan/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="file"' in page
    assert 'action="/scan/lookup/"' in page
    assert "deleted as soon as it has been scanned" in page
    assert "kept for 30 days" in page
    assert "never store your address" in page


def test_it_flags_eicar_as_malicious_and_keeps_it_unexecutable(browser, scan_site, eicar):
    response = _upload(browser, "eicar.com", eicar)

    sha256 = hashlib.sha256(eicar).hexdigest()
    assert response.status_code == 303
    assert response["Location"] == f"/scan/{sha256}/"
    verdict = FileVerdict.objects.get(sha256=sha256)
    assert verdict.verdict == "malicious"
    assert verdict.detection_names() == ["EICAR-Test-File"]
    assert verdict.md5 == hashlib.md5(eicar).hexdigest()  # noqa: S324
    assert verdict.sample_kept_until is not None
    sample = scan_site.sample(sha256)
    assert sample.read_bytes() == eicar
    assert stat.S_IMODE(sample.stat().st_mode) == 0o600
    assert stat.S_IMODE(sample.parent.stat().st_mode) == 0o700
    assert scan_site.incoming() == []
    page = browser.get(response["Location"]).content.decode()
    assert "Malicious" in page
    assert "EICAR-Test-File" in page


def test_it_deletes_a_clean_file_at_once(browser, scan_site):
    content = b"just an ordinary text file\n" * 100
    response = _upload(browser, "notes.txt", content)

    verdict = FileVerdict.objects.get()
    assert response.status_code == 303
    assert verdict.verdict == "clean"
    assert verdict.size == len(content)
    assert verdict.sample_kept_until is None
    assert scan_site.samples() == []
    assert scan_site.incoming() == []
    assert "No threat found" in browser.get(response["Location"]).content.decode()


def test_it_scans_the_same_file_only_once(browser, scan_site, eicar):
    first = _upload(browser, "a.com", eicar)
    second = _upload(browser, "renamed.bin", eicar)

    assert first["Location"] == second["Location"]
    verdict = FileVerdict.objects.get()
    assert verdict.seen_count == 2
    assert AuditEntry.objects.filter(action="filescan.scan").count() == 1
    assert scan_site.incoming() == []


def test_it_scans_again_when_the_signatures_change(browser, scan_site):
    content = b"harmless today"
    _upload(browser, "a.txt", content)
    digest = hashlib.sha256(content).hexdigest()
    (scan_site.sigs / "hash-iocs.txt").write_text(f"{digest};Now-Known-Bad\n")
    _upload(browser, "a.txt", content)

    verdicts = FileVerdict.objects.order_by("id")
    assert [v.verdict for v in verdicts] == ["clean", "malicious"]
    assert len({v.bundle_version for v in verdicts}) == 2
    page = browser.get(f"/scan/{digest}/").content.decode()
    assert "Now-Known-Bad" in page


def test_it_refuses_an_oversized_file_while_reading_and_keeps_nothing(browser, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_MAX_BYTES = 1000
    response = _upload(browser, "big.bin", b"x" * 5000)

    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert FileVerdict.objects.count() == 0
    assert scan_site.incoming() == []
    assert scan_site.samples() == []


def test_it_refuses_a_body_announced_as_too_large_before_reading_it(browser, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_MAX_BYTES = 1000
    response = _upload(browser, "big.bin", b"x" * 200_000)

    assert response.status_code == 413
    assert not (scan_site.root / "incoming").exists() or scan_site.incoming() == []


def test_it_answers_a_post_without_a_file_with_a_message(browser, scan_site):
    response = browser.post("/scan/", {"other": "value"})
    assert response.status_code == 400
    assert "Choose a file" in response.content.decode()


def test_it_calls_an_archive_bomb_unscanned_never_clean(browser, scan_site):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", bytes(20 * 1024 * 1024))  # ratio about 1000:1
    response = _upload(browser, "bomb.zip", packed.getvalue())

    verdict = FileVerdict.objects.get()
    assert response.status_code == 303
    assert verdict.verdict == "unscanned"
    assert {u["reason"] for u in verdict.unscanned} == {"ratio-limit"}
    assert scan_site.samples() == []
    page = browser.get(response["Location"]).content.decode()
    assert "Not fully scanned" in page
    assert "unpacks to far more than its size" in page


def test_it_scans_an_unscanned_file_again_rather_than_answer_from_cache(browser, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_MEMORY_MB = 16
    _upload(browser, "a.bin", b"some content")
    assert FileVerdict.objects.get().verdict == "unscanned"
    scan_site.settings.CLEANNET_FILESCAN_MEMORY_MB = 1024
    _upload(browser, "a.bin", b"some content")

    verdict = FileVerdict.objects.get()
    assert verdict.verdict == "clean"
    assert verdict.seen_count == 2
    assert AuditEntry.objects.filter(action="filescan.scan").count() == 2


def test_the_worker_memory_limit_makes_a_big_file_unscanned_not_a_server_error(browser, scan_site):
    # About 60 MB of address space is the worker before it reads a file: a small file
    # fits under 80 MB, reading a 30 MB one does not.
    scan_site.settings.CLEANNET_FILESCAN_MEMORY_MB = 80
    small = _upload(browser, "small.bin", b"s" * 1024)
    big = _upload(browser, "big.bin", b"b" * (30 * 1024 * 1024))

    assert (small.status_code, big.status_code) == (303, 303)
    verdicts = {v.size: v for v in FileVerdict.objects.all()}
    assert verdicts[1024].verdict == "clean"
    assert verdicts[30 * 1024 * 1024].verdict == "unscanned"
    assert verdicts[30 * 1024 * 1024].unscanned == [
        {"path": "", "reason": "size-limit", "detail": "the scan needed more than 80 MB of memory"}
    ]
    assert scan_site.samples() == []


def test_it_checks_the_csrf_token_and_keeps_nothing_without_it(scan_site, eicar):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/scan/", {"file": SimpleUploadedFile("e.com", eicar)})

    assert response.status_code == 403
    assert FileVerdict.objects.count() == 0
    assert scan_site.incoming() == []
    assert scan_site.samples() == []


def test_it_accepts_an_upload_with_the_csrf_token(scan_site):
    strict = Client(enforce_csrf_checks=True)
    strict.get("/scan/")
    token = strict.cookies["csrftoken"].value
    response = strict.post(
        "/scan/", {"file": SimpleUploadedFile("a.txt", b"hello"), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 303


def test_it_limits_uploads_per_address(browser, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_UPLOADS_PER_HOUR = 2
    statuses = [_upload(browser, f"{n}.txt", f"file {n}".encode()).status_code for n in range(3)]

    assert statuses == [303, 303, 429]
    assert FileVerdict.objects.count() == 2
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert _upload(other, "x.txt", b"from elsewhere").status_code == 303


def test_it_says_so_when_there_are_no_signatures(browser, scan_site):
    scan_site.settings.CLEANNET_FILESCAN_SIGNATURES = str(scan_site.root / "missing")
    response = _upload(browser, "a.txt", b"content")

    assert response.status_code == 503
    assert "no signatures" in response.content.decode()
    assert FileVerdict.objects.count() == 0
    assert scan_site.incoming() == []


def test_a_final_verdict_of_a_concurrent_scan_is_not_overwritten_by_unscanned(
    browser, scan_site, monkeypatch
):
    from cleannet.server.filescan import services
    from cleannet.server.filescan.sandbox import ScanOutcome

    def concurrent_scan_won(path, source, limits, cache):
        FileVerdict.objects.create(
            sha256=path.name,
            sha1="1" * 40,
            md5="2" * 32,
            size=5,
            bundle_version=source.version,
            verdict="clean",
        )
        path.unlink()  # the other scan deleted the clean sample
        gone = {"path": "", "reason": "not-found", "detail": "the file vanished"}
        return ScanOutcome(unscanned=[gone])

    monkeypatch.setattr(services, "scan_in_sandbox", concurrent_scan_won)
    _upload(browser, "a.txt", b"hello")

    verdict = FileVerdict.objects.get()
    assert verdict.verdict == "clean"
    assert verdict.seen_count == 2
