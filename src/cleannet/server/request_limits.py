"""A cap on every request body, checked before anything reads it.

Django caps form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) but streams uploaded files to disk
without a total limit, and the CSRF check parses a session user's body before a view can apply
its own. ``RequestSizeLimitMiddleware`` runs first and answers 413 to a body announced larger
than the biggest upload the site accepts (the online file scan's limit plus room for the
multipart envelope); ``cleannet serve`` gives the same cap to waitress for bodies sent without
a length (chunked).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

ENVELOPE_BYTES = 1024 * 1024  # multipart boundaries, headers and other form fields


def max_request_bytes() -> int:
    """Return the largest request body the site accepts."""
    return int(settings.CLEANNET_FILESCAN_MAX_BYTES) + ENVELOPE_BYTES


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Bad Content-Length", status=400, content_type="text/plain")
        if length > max_request_bytes():
            return HttpResponse(
                f"The request body is larger than {max_request_bytes()} bytes.",
                status=413,
                content_type="text/plain",
            )
        return self.get_response(request)
