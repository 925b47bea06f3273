"""TAXII 2.1 over HTTP: media types, content negotiation and error messages."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"


class TaxiiError(Exception):
    """An answer other than 200, written as a TAXII error message."""

    def __init__(self, status: int, title: str, description: str = "") -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.description = description


def taxii_response(
    body: Mapping[str, Any], status: int = 200, headers: Mapping[str, str] | None = None
) -> HttpResponse:
    """Return ``body`` as a TAXII 2.1 JSON response."""
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=TAXII_MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: TaxiiError) -> HttpResponse:
    """Return the TAXII error message of ``error`` (``http_status`` is a string, per §3.6.1)."""
    body: dict[str, str] = {"title": error.title, "http_status": str(error.status)}
    if error.description:
        body["description"] = error.description
    return taxii_response(body, status=error.status)


def refuse(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    """Answer a refused caller (401/403) with a TAXII error message."""
    title = "Authentication required" if status == 401 else "Forbidden"
    return error_response(TaxiiError(status, title, reason))


def _media_range(part: str) -> tuple[str, dict[str, str]]:
    kind, *parameters = (piece.strip() for piece in part.split(";"))
    values = {}
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    return kind.lower(), values


def _acceptable(kind: str, parameters: dict[str, str]) -> bool:
    if parameters.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
        return False
    if kind in ("*/*", "application/*"):
        return True
    return kind == "application/taxii+json" and parameters.get("version", "2.1") == "2.1"


def accepts_taxii(accept: str) -> bool:
    """Return True if an ``Accept`` header admits TAXII 2.1 JSON.

    ``application/taxii+json`` with version 2.1 or no version, ``application/*`` and
    ``*/*`` do; a missing header means anything is acceptable (RFC 9110 §12.5.1).
    """
    if not accept.strip():
        return True
    return any(_acceptable(*_media_range(part)) for part in accept.split(",") if part.strip())


def check_accept(request: HttpRequest) -> None:
    """Raise a 406 ``TaxiiError`` unless the request accepts TAXII 2.1 JSON."""
    accept = request.headers.get("Accept", "")
    if not accepts_taxii(accept):
        raise TaxiiError(
            406,
            "Not acceptable",
            f"This server answers in {TAXII_MEDIA_TYPE}; the Accept header was {accept!r}.",
        )
