"""Opt-in upload of the scan report to the hub (``--upload-report``): never file contents.

Paths are personal data (a user name in ``/home/lan/…``, a document's title), so unless the
user also gives ``--upload-paths`` each path is replaced by the file's SHA-256 (when known)
and the file name's extension (``sha256:<hex>.exe``, ``withheld.docx``); a connection keeps
only its remote (C2) end and a process its PID. Descriptions, action errors and unscanned
details are dropped too, since they quote paths and command lines. The document is the JSON
report of docs/scanner.md plus ``"paths": "withheld" | "included"``; if it is above
``MAX_UPLOAD_BYTES``, the lists are cut (the totals still count everything) and
``"truncated": true`` says so.

``send_report`` never raises for the network: the scan's result does not depend on it.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cleannet.core.errors import InvalidValue
from cleannet.scanner.model import DetectionKind, ScanReport
from cleannet.scanner.report import report_to_dict
from cleannet.scanner.upload_schema import MAX_UPLOAD_BYTES

__all__ = [
    "REPORTS_PATH",
    "UploadResult",
    "report_endpoint",
    "send_report",
    "upload_body",
    "withhold_paths",
]

REPORTS_PATH = "/scanner/reports"
USER_AGENT = "cleannet-scan"
_EXTENSION = re.compile(r"\.[0-9A-Za-z]{1,10}")
_MAX_ANSWER_BYTES = 64 * 1024


def report_endpoint(url: str) -> str:
    """The hub's report endpoint for ``url``: kept when it already ends in
    ``/scanner/reports``, else that path is added to the hub's base URL.

    Raises ``InvalidValue`` for anything but an http(s) URL with a host.
    """
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidValue("--upload-report", url, "must be an http:// or https:// URL")
    path = parts.path.rstrip("/")
    if not path.endswith(REPORTS_PATH):
        path += REPORTS_PATH
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _extension(path: str) -> str:
    name = re.split(r"[\\/!]", path)[-1]
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > 0 else ""
    return suffix if _EXTENSION.fullmatch(suffix) else ""


def _withheld(path: str, kind: str, sha256: str | None) -> str:
    if kind == DetectionKind.PROCESS and path.startswith("pid:"):
        return path
    if kind == DetectionKind.C2 and "->" in path:
        protocol = path.split(":", 1)[0]
        return f"{protocol}:withheld->{path.rsplit('->', 1)[1]}"
    return f"sha256:{sha256}{_extension(path)}" if sha256 else f"withheld{_extension(path)}"


def withhold_paths(document: dict[str, Any], file_hashes: Mapping[str, str | None]) -> None:
    """Replace, in place, every path of a ``report_to_dict`` document as the module says;
    ``file_hashes`` (path → SHA-256) gives the hash of files whose entry has none."""
    for item in document["detections"]:
        sha256 = item.get("sha256") or file_hashes.get(item["path"])
        item["path"] = _withheld(item["path"], item["kind"], sha256)
        item["description"] = item["error"] = ""
    for item in document["unscanned"]:
        item["path"] = _withheld(item["path"], "", file_hashes.get(item["path"]))
        item["detail"] = ""


def _encoded(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def upload_body(
    report: ScanReport,
    signatures: Mapping[str, int] | None,
    *,
    include_paths: bool,
    file_hashes: Mapping[str, str | None],
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> bytes:
    """The JSON body to upload (UTF-8), at most ``max_bytes`` long."""
    document = report_to_dict(report, signatures)
    if not include_paths:
        withhold_paths(document, file_hashes)
    document["paths"] = "included" if include_paths else "withheld"
    body = _encoded(document)
    while len(body) > max_bytes:
        document["truncated"] = True
        for name in ("detections", "unscanned"):
            document[name] = document[name][: len(document[name]) // 2]
        body = _encoded(document)
    return body


@dataclass(frozen=True, slots=True)
class UploadResult:
    """``sent`` with the hub's ``receipt``, or not with the ``reason`` in a sentence."""

    sent: bool
    receipt: str = ""
    reason: str = ""


def _refusal(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read(_MAX_ANSWER_BYTES))
        detail = f": {answer['field']}: {answer['error']}" if "field" in answer else ""
        detail = detail or (f": {answer['error']}" if "error" in answer else "")
    except (ValueError, TypeError, KeyError, OSError):
        detail = ""
    return f"the hub answered {error.code}{detail}"


def send_report(url: str, body: bytes, *, timeout: float = 30.0) -> UploadResult:
    """POST ``body`` (JSON) to ``url``; never raises for the network or the hub's answer."""
    request = urllib.request.Request(  # noqa: S310 (report_endpoint allows http(s) only)
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read(_MAX_ANSWER_BYTES) or b"{}")
    except urllib.error.HTTPError as error:
        return UploadResult(False, reason=_refusal(error))
    except (OSError, ValueError) as error:  # URLError, timeouts and resets are OSErrors
        reason = getattr(error, "reason", None) or error
        return UploadResult(False, reason=str(reason))
    receipt = answer.get("receipt", "") if isinstance(answer, dict) else ""
    return UploadResult(True, receipt=str(receipt))
