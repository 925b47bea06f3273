"""Files sent with a report: kept privately, limited in number and size, and scanned."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cleannet.core.errors import InvalidValue
from cleannet.server.reports import services
from cleannet.server.reports.models import Report, ReportAttachment

FORM = {
    "title": "Tệp đính kèm lạ",
    "description": "Một e-mail có tệp đính kèm.",
    "target_url": "http://hoadon-dientu.example/tai-ve",
}


def make_eicar() -> bytes:
    """The EICAR test string, built at test time so the repository never holds it whole."""
    head = "}7)CC7)^P(45XZP\\4[PA@%P!O5X"[::-1]
    return (head + "$EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode("ascii")


@pytest.fixture
def scanner(tmp_path: Path, settings: Any) -> None:
    """The online file scan with signatures naming EICAR by its SHA-256."""
    sigs = tmp_path / "signatures"
    sigs.mkdir()
    digest = hashlib.sha256(make_eicar()).hexdigest()
    (sigs / "hash-iocs.txt").write_text(f"{digest};EICAR-Test-File\n")
    settings.CLEANNET_FILESCAN_DIR = str(tmp_path / "filescan")
    settings.CLEANNET_FILESCAN_SIGNATURES = str(sigs)


def test_it_keeps_an_attachment_privately_and_scans_it(
    db: Any, scanner: None, django_capture_on_commit_callbacks: Any
) -> None:
    upload = SimpleUploadedFile("hoa-don.pdf.exe", make_eicar())
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/report/phishing/", {**FORM, "attachments": [upload]})
    assert response.status_code == 200
    attachment = ReportAttachment.objects.get()
    path = Path(attachment.stored_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == make_eicar()
    assert attachment.sha256 == hashlib.sha256(make_eicar()).hexdigest()
    assert (attachment.verdict, attachment.detections) == ("malicious", ["EICAR-Test-File"])
    assert attachment.original_name == "hoa-don.pdf.exe"
    assert "hoa-don" not in str(path)


def test_it_marks_an_attachment_unscanned_when_there_are_no_signatures(
    file_report: Any, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLEANNET_FILESCAN_DIR = str(tmp_path / "empty-filescan")
    settings.CLEANNET_FILESCAN_SIGNATURES = str(tmp_path / "no-such-signatures")
    report, _ = file_report()
    with django_capture_on_commit_callbacks(execute=True):
        attachment = services.add_attachment(None, report, "a.txt", [b"hello"])
    attachment.refresh_from_db()
    assert attachment.verdict == "unscanned"


def test_it_refuses_a_fourth_file(file_report: Any) -> None:
    report, _ = file_report()
    for n in range(3):
        services.add_attachment(None, report, f"{n}.txt", [f"file {n}".encode()])
    with pytest.raises(InvalidValue) as caught:
        services.add_attachment(None, report, "3.txt", [b"one too many"])
    assert caught.value.field == "attachments"


def test_it_refuses_a_file_past_the_size_limit_keeping_nothing(
    file_report: Any, settings: Any, tmp_path: Path
) -> None:
    settings.CLEANNET_REPORTS_MAX_ATTACHMENT_BYTES = 10
    report, _ = file_report()
    with pytest.raises(services.AttachmentTooLarge):
        services.add_attachment(None, report, "big.bin", [b"12345", b"678901"])
    assert not ReportAttachment.objects.exists()
    assert [p for p in (tmp_path / "reports").rglob("*") if p.is_file()] == []


def test_the_form_reshows_itself_naming_the_attachments_field(db: Any, settings: Any) -> None:
    settings.CLEANNET_REPORTS_MAX_ATTACHMENT_BYTES = 10
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    response = Client().post("/report/phishing/", {**FORM, "attachments": [upload]})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["attachments"]
    assert not Report.objects.exists()
