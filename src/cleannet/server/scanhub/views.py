"""The scanner's side of the hub: bundle downloads, report uploads, the analysts' page.

The bundle and the public key are public on purpose: a bundle holds only publishable
indicators (TLP:CLEAR by default) and is useless without verifying its signature, which
needs only the public key. The bundle answers with an ``ETag`` (its SHA-256) and 304 to a
scanner that has it.

Report uploads are public too (citizens have no token), hence exempt from CSRF (no cookie
session is involved), limited to ``MAX_UPLOAD_BYTES`` of JSON and ``UPLOADS_PER_HOUR`` per
client address; a refused report answers 400 naming the field. Analysts see recent uploads
and the detections they name at ``/scanner/reports/``.
"""

from __future__ import annotations

import json

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from cleannet.core.errors import InvalidValue
from cleannet.scanner.bundle import key_id
from cleannet.scanner.upload_schema import MAX_UPLOAD_BYTES
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.accounts.roles import Role
from cleannet.server.scanhub import reports, services
from cleannet.server.scanhub.charts import bar_chart

CONTENT_TYPE = "application/vnd.cleannet.signature-bundle"


@require_GET
@roles_required(PUBLIC)
def latest_bundle(request: HttpRequest) -> HttpResponse:
    bundle = services.latest_bundle()
    if bundle is None:
        return HttpResponseNotFound("No signature bundle has been published yet.\n")
    etag = f'"{bundle.sha256}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["ETag"] = etag
        return not_modified
    try:
        # Bundles are a few MB; roles_required wraps views returning a plain HttpResponse.
        blob = services.bundle_path(bundle).read_bytes()
    except FileNotFoundError:
        return HttpResponseNotFound("The newest bundle's file is missing on the hub.\n")
    response = HttpResponse(blob, content_type=CONTENT_TYPE)
    name = f"cleannet-signatures-{bundle.version}.cnsb"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["ETag"] = etag
    response["X-CleanNet-Bundle-Version"] = bundle.version
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
@roles_required(PUBLIC)
def public_key(request: HttpRequest) -> HttpResponse:
    try:
        pem = services.public_key()
    except ImproperlyConfigured:
        return HttpResponseNotFound("This hub has no bundle signing key configured.\n")
    response = HttpResponse(pem, content_type="application/x-pem-file")
    response["X-CleanNet-Key-Id"] = key_id(pem)
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _refused(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=status)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _read_json(request: HttpRequest) -> object:
    """The request body as JSON; raises ``InvalidValue`` (field ``body``) when it is not."""
    try:
        return json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidValue("body", None, _("is not a JSON document")) from None


@csrf_exempt
@require_POST
@roles_required(PUBLIC)
def upload_report(request: HttpRequest) -> HttpResponse:
    """Store one scan report; 201 with a receipt, 400/413/429 with the reason."""
    # The declared length refuses early; the body's own length covers a chunked upload.
    if _declared_length(request) > MAX_UPLOAD_BYTES or len(request.body) > MAX_UPLOAD_BYTES:
        too_large = _("a report may be at most %(size)s bytes") % {"size": MAX_UPLOAD_BYTES}
        return _refused(413, "body", too_large)
    try:
        upload = reports.record_report_upload(
            _read_json(request), str(request.META.get("REMOTE_ADDR", ""))
        )
    except InvalidValue as error:
        return _refused(400, error.field, error.reason)
    except reports.TooManyReports:
        response = _refused(429, "body", _("too many reports from this address; try later"))
        response["Retry-After"] = "3600"
        return response
    return JsonResponse({"receipt": str(upload.pk)}, status=201)


@require_GET
@roles_required(Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)
def report_list(request: HttpRequest) -> HttpResponse:
    """Recent uploads, and how many named each detection over the last days."""
    counts = reports.detection_counts()
    context = {
        "uploads": reports.recent_uploads(),
        "days": reports.CHART_DAYS,
        "chart": bar_chart(counts, _("No detections reported in this period.")),
        "counts": counts,
    }
    return render(request, "scanhub/reports.html", context)
