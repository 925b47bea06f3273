"""The uploaded report: paths withheld unless asked, always what the hub's schema accepts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.scanner.model import (
    Detection,
    DetectionKind,
    ScanReport,
    Totals,
    Unscanned,
    UnscannedReason,
)
from cleannet.scanner.upload import report_endpoint, upload_body
from cleannet.scanner.upload_schema import check_upload

SHA = "ab" * 32
MEMBER_SHA = "cd" * 32


def _report() -> ScanReport:
    return ScanReport(
        detections=[
            Detection("/home/lan/Tài liệu/hoá đơn.PDF.exe", "Test.Hash", DetectionKind.HASH,
                      sha256=SHA, description="sha256 of /home/lan/…"),
            Detection("/home/lan/a.zip!x/y.js", "Test.Yara", DetectionKind.YARA, 75,
                      sha256=MEMBER_SHA),
            Detection("/home/lan/notes", "Test.Name", DetectionKind.FILENAME, 80),
            Detection("pid:4321", "Test.Hash", DetectionKind.PROCESS,
                      description="evil: executable /home/lan/evil matched (hash)"),
            Detection("tcp:192.168.1.20:51234->203.0.113.9:443", "Test.C2", DetectionKind.C2),
        ],
        unscanned=[Unscanned("/home/lan/secret.7z", UnscannedReason.ENCRYPTED, "in /home/lan")],
        totals=Totals(files=4, bytes=100, detections=5, unscanned=1, errors=1, seconds=0.5),
        scanner_version="0.1.0",
        bundle_version="20260415.2",
    )  # fmt: skip


def _upload(include_paths: bool, **kwargs: Any) -> dict[str, Any]:
    body = upload_body(
        _report(), {"hashes": 2}, include_paths=include_paths, file_hashes={}, **kwargs
    )
    return json.loads(body)


def test_it_replaces_paths_by_the_files_hash_and_extension() -> None:
    document = _upload(include_paths=False)
    paths = [d["path"] for d in document["detections"]]
    assert paths == [
        f"sha256:{SHA}.exe",
        f"sha256:{MEMBER_SHA}.js",
        "withheld",
        "pid:4321",
        "tcp:withheld->203.0.113.9:443",
    ]
    assert document["unscanned"] == [{"path": "withheld.7z", "reason": "encrypted", "detail": ""}]
    assert "lan" not in json.dumps(document, ensure_ascii=False)
    assert document["paths"] == "withheld"


def test_it_uses_the_walked_hash_of_a_file_whose_detection_has_none() -> None:
    body = upload_body(
        _report(), None, include_paths=False, file_hashes={"/home/lan/notes": "ef" * 32}
    )
    assert json.loads(body)["detections"][2]["path"] == f"sha256:{'ef' * 32}"


def test_it_sends_the_paths_only_when_asked() -> None:
    document = _upload(include_paths=True)
    assert document["detections"][0]["path"] == "/home/lan/Tài liệu/hoá đơn.PDF.exe"
    assert document["paths"] == "included"


@pytest.mark.parametrize("include_paths", [False, True])
def test_what_the_scanner_sends_is_what_the_hub_accepts(include_paths: bool) -> None:
    checked = check_upload(_upload(include_paths))
    assert [d.name for d in checked.detections] == [
        "Test.Hash", "Test.Yara", "Test.Name", "Test.Hash", "Test.C2",
    ]  # fmt: skip
    assert checked.unscanned_reasons == {"encrypted": 1}
    assert checked.totals["files"] == 4 and checked.paths_included is include_paths


def test_a_report_too_large_is_cut_and_says_so() -> None:
    document = _upload(include_paths=True, max_bytes=1200)
    assert document["truncated"] is True
    assert len(document["detections"]) < 5 and document["totals"]["detections"] == 5
    assert len(json.dumps(document, ensure_ascii=False).encode()) <= 1200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("totals"), "totals"),
        (lambda d: d["totals"].update(files=-1), "totals.files"),
        (lambda d: d["detections"][1].update(kind="virus"), "detections[1].kind"),
        (lambda d: d["detections"][0].update(sha256="xyz"), "detections[0].sha256"),
        (lambda d: d["detections"][2].update(score=True), "detections[2].score"),
        (lambda d: d["unscanned"][0].update(reason="lazy"), "unscanned[0].reason"),
        (lambda d: d.update(schema_version=2), "schema_version"),
        (lambda d: d.update(paths="some"), "paths"),
        (lambda d: d.update(detections={}), "detections"),
    ],
)
def test_the_schema_names_the_wrong_field(change: Any, field: str) -> None:
    document = _upload(include_paths=False)
    change(document)
    with pytest.raises(InvalidValue) as refused:
        check_upload(document)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("given", "endpoint"),
    [
        ("https://hub.example", "https://hub.example/scanner/reports"),
        ("https://hub.example/base/", "https://hub.example/base/scanner/reports"),
        ("http://127.0.0.1:8000/scanner/reports", "http://127.0.0.1:8000/scanner/reports"),
    ],
)
def test_it_finds_the_report_endpoint_from_the_hub_url(given: str, endpoint: str) -> None:
    assert report_endpoint(given) == endpoint


def test_it_refuses_an_endpoint_that_is_not_http() -> None:
    with pytest.raises(InvalidValue, match="http"):
        report_endpoint("file:///etc/passwd")
