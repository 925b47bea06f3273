"""``/api/v1/filescan``: submit a file for scanning, or look a file up by hash.

The upload is multipart with the file in the ``file`` field, at most the site's limit
(32 MB by default), streamed to disk while hashed; the scan runs in a limited worker
process, or the answer comes from the verdict cache when the same content was scanned
under the current signatures.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema

from cleannet.server.api.auth import ANY_ROLE, roles
from cleannet.server.filescan import services
from cleannet.server.filescan.models import FileVerdict
from cleannet.server.filescan.uploads import NoFileGiven, read_upload

router = Router(tags=["filescan"])


class DetectionOut(Schema):
    path: str
    detection: str
    kind: str
    score: int


class UnscannedOut(Schema):
    path: str
    reason: str
    detail: str


class VerdictOut(Schema):
    sha256: str
    sha1: str
    md5: str
    size: int
    verdict: str
    detections: list[DetectionOut]
    unscanned: list[UnscannedOut]
    bundle_version: str
    scanned_at: str
    cached: bool


def _verdict_json(verdict: FileVerdict, *, cached: bool) -> dict[str, Any]:
    return {
        "sha256": verdict.sha256,
        "sha1": verdict.sha1,
        "md5": verdict.md5,
        "size": verdict.size,
        "verdict": verdict.verdict,
        "detections": verdict.detections,
        "unscanned": verdict.unscanned,
        "bundle_version": verdict.bundle_version,
        "scanned_at": verdict.scanned_at.isoformat(),
        "cached": cached,
    }


def _refusal(status: int, field: str | None, reason: str) -> JsonResponse:
    headers = {"Retry-After": "60"} if status in (429, 503) else None
    return JsonResponse(
        {"detail": [{"field": field, "reason": reason}]}, status=status, headers=headers
    )


@router.post("/filescan", response=VerdictOut, auth=roles(*ANY_ROLE))
def submit_file(request: HttpRequest) -> Any:
    """Scan the multipart ``file`` and return its verdict (``clean``, ``malicious`` or
    ``unscanned`` — never ``clean`` for a file not fully scanned), detections and what was
    not scanned. ``cached`` is true when the answer came from an earlier scan of the same
    content under the same signature version. 400: no file; 413: over the size limit
    (nothing kept); 429: too many uploads this hour; 503: no signatures or scanner busy."""
    opts = services.current_options()
    if not services.allow_upload(f"user:{request.auth.pk}", opts):  # type: ignore[attr-defined]
        return _refusal(429, None, "Too many uploads this hour; try again later.")
    try:
        intake = read_upload(request, opts.directory, opts.max_bytes)
    except services.SampleTooLarge as error:
        return _refusal(413, "file", f"The file is larger than {error.max_bytes} bytes.")
    except NoFileGiven:
        return _refusal(400, "file", "Send the file as multipart form data in the field 'file'.")
    try:
        submission = services.submit_sample(intake, opts)
    except services.ScannerUnavailable:
        return _refusal(503, None, "The scanner has no signatures yet.")
    except (services.ScannerBusy, services.SandboxError):
        return _refusal(503, None, "The scanner is busy; try again shortly.")
    return _verdict_json(submission.verdict, cached=submission.cached)


@router.get("/filescan/{file_hash}", response=VerdictOut, auth=roles(*ANY_ROLE))
def look_up_file(request: HttpRequest, file_hash: str) -> Any:
    """The newest verdict for an MD5, SHA-1 or SHA-256 (hash-only look-up: no file is
    sent). 400 names a malformed ``hash``; 404 when no file with this hash was scanned."""
    verdict = services.find_verdict(file_hash)
    if verdict is None:
        return JsonResponse({"detail": "No file with this hash has been scanned."}, status=404)
    return _verdict_json(verdict, cached=True)
