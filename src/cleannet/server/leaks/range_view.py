"""``GET /range/{5 hex}``: the Pwned Passwords range API over every breach's passwords.

Wire-compatible with api.pwnedpasswords.com so existing clients work when pointed at this
site: ``SUFFIX:COUNT`` lines joined by CRLF, upper-case hex, ``text/plain``; every valid
prefix answers 200 (an empty body when nothing is known); ``?mode=ntlm`` answers NTLM
suffixes; the request header ``Add-Padding: true`` pads the answer with random ``:0`` lines
so its size tells nothing; a malformed prefix answers 400. Public and cacheable. Kept to
the bone: no database query, no session, no template.

``range_answer`` decides the answer from the request's method, prefix, mode and padding
header alone; the Django view below and the WSGI front in ``range_front`` (which answers
``/range/`` before Django's middleware, the path that carries the load) both return it, so
the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.leaks import index
from cleannet.server.leaks.catalogue import catalogue
from cleannet.server.leaks.lookups import PASSWORD_PREFIX
from cleannet.server.leaks.models import StoreKind

# Shared caches may keep an answer a day; every import changes some of them.
CACHE_CONTROL = "public, max-age=86400"
BAD_PREFIX = "The hash prefix was not in a valid format"
TEXT = "text/plain"  # as api.pwnedpasswords.com
CORS = (("Access-Control-Allow-Origin", "*"),)
PREFLIGHT = (
    ("Access-Control-Allow-Methods", "GET, OPTIONS"),
    ("Access-Control-Allow-Headers", "Add-Padding"),
    ("Access-Control-Max-Age", "86400"),
)
CACHED = (("Cache-Control", CACHE_CONTROL), ("Vary", "Add-Padding"))


@dataclass(frozen=True, slots=True)
class RangeAnswer:
    """What ``/range/`` answers: status, headers (besides Content-Type/Length), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: str = ""
    content_type: str | None = TEXT


def range_answer(method: str, prefix: str, mode: str, padding_header: str) -> RangeAnswer:
    """Return the answer to ``method /range/<prefix>?mode=<mode>`` with the request header
    ``Add-Padding: <padding_header>`` (see the module's docstring)."""
    if method == "OPTIONS":
        return RangeAnswer(204, CORS + PREFLIGHT, content_type=None)
    if method not in ("GET", "HEAD"):
        return RangeAnswer(405, (("Allow", "GET, HEAD, OPTIONS"),), content_type=None)
    if len(prefix) != 5 or not PASSWORD_PREFIX.fullmatch(prefix):
        return RangeAnswer(400, CORS, BAD_PREFIX)
    ntlm = mode.lower() == "ntlm"
    kind = StoreKind.PASSWORD_NTLM if ntlm else StoreKind.PASSWORD_SHA1
    padding = padding_header.strip().lower() == "true"
    stores = catalogue().range_stores(kind)
    return RangeAnswer(200, CORS + CACHED, index.range_answer(stores, kind, prefix, padding))


@csrf_exempt  # no state changes here: any other method answers 405, as the front does
@roles_required(PUBLIC)
def password_range_view(request: HttpRequest, prefix: str) -> HttpResponse:
    """Answer a Pwned Passwords range request (see the module's docstring)."""
    answer = range_answer(
        request.method or "GET",
        prefix,
        request.GET.get("mode", ""),
        request.headers.get("Add-Padding", ""),
    )
    response = HttpResponse(answer.body, status=answer.status)
    if answer.content_type is None:
        del response["Content-Type"]
    else:
        response["Content-Type"] = answer.content_type
    for name, value in answer.headers:
        response[name] = value
    return response
