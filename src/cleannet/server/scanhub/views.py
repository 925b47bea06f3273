"""Public bundle downloads for scanners: the newest signed bundle and the public key.

Both are public on purpose: a bundle holds only publishable indicators (TLP:CLEAR by
default) and is useless without verifying its signature, which needs only the public key.
The bundle answers with an ``ETag`` (its SHA-256) and 304 to a scanner that has it.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from cleannet.scanner.bundle import key_id
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.scanhub import services

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
