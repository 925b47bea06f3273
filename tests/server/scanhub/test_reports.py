"""Scan reports uploaded by cleannet-scan: checked, rate-limited, stored without paths or
addresses, and shown to analysts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.scanner.cli import main as cleannet_scan
from cleannet.server.scanhub import reports, views
from cleannet.server.scanhub.models import ScanReportUpload

NOW = dt.datetime(2026, 4, 15, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _document(**changes: Any) -> dict[str, Any]:
    document = {
        "schema_version": 1, "scanner_version": "0.1.0", "bundle_version": "20260415.1",
        "started_at": "2026-04-15T09:00:00+00:00", "exit_code": 1, "paths": "withheld",
        "totals": {"files": 10, "bytes": 1000, "archives": 1, "detections": 1,
                   "unscanned": 1, "errors": 1, "seconds": 0.25},
        "signatures": {"hashes": 3},
        "detections": [{"path": "sha256:" + "a" * 64 + ".exe", "detection": "Mirai.Dropper",
                        "kind": "hash", "score": 100, "action": "quarantined",
                        "sha256": "a" * 64, "description": "", "error": ""}],
        "unscanned": [{"path": "withheld.zip", "reason": "encrypted", "detail": ""}],
    }  # fmt: skip
    document.update(changes)
    return document


def _post(client, body: bytes | str, **extra: Any):
    return client.post("/scanner/reports", body, content_type="application/json", **extra)


@pytest.mark.django_db(transaction=True)
def test_cleannet_scan_uploads_its_report_to_a_live_hub_without_paths(
    live_server, tmp_path: Path, capsys
) -> None:
    folder = tmp_path / "Tài liệu của Lan"
    folder.mkdir()
    payload = folder / "hoá-đơn.pdf.exe"
    payload.write_bytes(b"cleannet upload test payload\n")
    digest = hashlib.sha256(payload.read_bytes()).hexdigest()
    sigs = tmp_path / "sigs"
    sigs.mkdir()
    (sigs / "hash-iocs.txt").write_text(f"{digest};CleanNet.Test.Upload\n")
    code = cleannet_scan([
        str(folder), "--signatures", str(sigs), "--upload-report", live_server.url,
        "--no-progress", "--workers", "1", "--cache-dir", str(tmp_path / "cache"),
        "--quarantine-dir", str(tmp_path / "q"), "--lang", "en",
    ])  # fmt: skip
    assert code == 1
    upload = ScanReportUpload.objects.get()
    assert "Report sent to" in capsys.readouterr().err
    assert upload.detections == [
        {"name": "CleanNet.Test.Upload", "kind": "hash", "action": "reported", "score": 100,
         "sha256": digest}
    ]  # fmt: skip
    assert upload.totals["files"] == 1 and upload.exit_code == 1
    assert upload.paths_included is False and upload.bundle_version == ""
    stored = json.dumps([upload.totals, upload.detections, upload.unscanned_reasons])
    assert "Lan" not in stored and str(tmp_path) not in stored
    assert upload.rate_bucket != "127.0.0.1" and len(upload.rate_bucket) == 64


@pytest.mark.django_db
def test_it_answers_a_receipt_and_keeps_names_kinds_and_hashes_only(client) -> None:
    response = _post(client, json.dumps(_document()))
    assert response.status_code == 201
    upload = ScanReportUpload.objects.get(pk=int(response.json()["receipt"]))
    assert upload.detections[0]["name"] == "Mirai.Dropper"
    assert set(upload.detections[0]) == {"name", "kind", "action", "score", "sha256"}
    assert upload.unscanned_reasons == {"encrypted": 1}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "body"),
        (json.dumps([1, 2]), "report"),
        (json.dumps(_document(exit_code=7)), "exit_code"),
        (json.dumps(_document(detections=[{"detection": "x"}])), "detections[0].path"),
    ],
)
def test_it_refuses_a_wrong_report_naming_the_field(english, body: str, field: str) -> None:
    response = _post(english, body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not ScanReportUpload.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_report_above_one_megabyte(english) -> None:
    big = json.dumps(_document(scanner_version="x" * 1_000_001))
    response = _post(english, big)
    assert response.status_code == 413 and response.json()["field"] == "body"


@pytest.mark.django_db
def test_it_limits_each_address_to_thirty_reports_an_hour(client) -> None:
    for _ in range(reports.UPLOADS_PER_HOUR):
        reports.record_report_upload(_document(), "198.51.100.7")
    limited = _post(client, json.dumps(_document()), REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"
    assert _post(client, json.dumps(_document()), REMOTE_ADDR="198.51.100.8").status_code == 201


@pytest.mark.django_db
def test_the_rate_bucket_changes_every_hour_and_is_forgotten_after(client) -> None:
    assert reports.rate_bucket("198.51.100.7", NOW) != reports.rate_bucket(
        "198.51.100.7", NOW + dt.timedelta(hours=1)
    )
    old = reports.record_report_upload(_document(), "198.51.100.7", NOW)
    new = reports.record_report_upload(_document(), "198.51.100.7", timezone.now())
    assert reports.forget_rate_buckets() == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.rate_bucket == "" and new.rate_bucket != ""


@pytest.mark.django_db
def test_it_takes_reports_by_post_only_and_without_a_csrf_token(client) -> None:
    from django.test import Client

    assert client.get("/scanner/reports").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert _post(strict, json.dumps(_document())).status_code == 201
    assert views.upload_report.allowed_roles == frozenset({"public"})


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_analysts_see_recent_uploads_and_a_chart_per_detection_name(
    english, personas, persona
) -> None:
    reports.record_report_upload(_document(), "198.51.100.7")
    reports.record_report_upload(_document(), "198.51.100.8")
    clean = _document(exit_code=0, detections=[])
    reports.record_report_upload(clean, "198.51.100.9")
    english.force_login(personas.all()[persona].user)
    page = english.get("/scanner/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<title>Mirai.Dropper: 2</title>" in html
    assert "Uploaded scan reports" in html and html.count("<tr>") == 4  # head + 3 uploads
    assert reports.detection_counts() == [("Mirai.Dropper", 2)]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["isp", "member"])
def test_other_roles_may_not_see_the_uploads(client, personas, persona) -> None:
    client.force_login(personas.all()[persona].user)
    assert client.get("/scanner/reports/").status_code == 403


@pytest.mark.django_db
def test_visitors_are_sent_to_log_in(client) -> None:
    response = client.get("/scanner/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_long_list_of_detections_is_cut_on_the_page(english, personas) -> None:
    many = [
        {"path": "withheld", "detection": f"Test.{i}", "kind": "yara", "score": 80,
         "action": "reported", "sha256": None}
        for i in range(7)
    ]  # fmt: skip
    reports.record_report_upload(_document(detections=many), "198.51.100.7")
    english.force_login(personas.analyst.user)
    html = english.get("/scanner/reports/").content.decode()
    assert "<code>Test.4</code>" in html and "<code>Test.5</code>" not in html
    assert "and 2 more" in html
