"""``GET /range/{5 hex}``: the Pwned Passwords range API over every breach's passwords.

Wire-compatible with api.pwnedpasswords.com so existing clients work when pointed at this
site: ``SUFFIX:COUNT`` lines joined by CRLF, upper-case hex, ``text/plain``; every valid
prefix answers 200 (an empty body when nothing is known); ``?mode=ntlm`` answers NTLM
suffixes; the request header ``Add-Padding: true`` pads the answer with random ``:0`` lines
so its size tells nothing; a malformed prefix answers 400. Public and cacheable. Kept to
the bone: no database query, no session, no template.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.leaks import index
from cleannet.server.leaks.catalogue import catalogue
from cleannet.server.leaks.lookups import PASSWORD_PREFIX
from cleannet.server.leaks.models import StoreKind

# Shared caches may keep an answer a day; every import changes some of them.
CACHE_CONTROL = "public, max-age=86400"
BAD_PREFIX = "The hash prefix was not in a valid format"


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _preflight() -> HttpResponse:
    response = _cors(HttpResponse(status=204))
    response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Add-Padding"
    response["Access-Control-Max-Age"] = "86400"
    return response


@roles_required(PUBLIC)
def password_range_view(request: HttpRequest, prefix: str) -> HttpResponse:
    """Answer a Pwned Passwords range request (see the module's docstring)."""
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])
    if len(prefix) != 5 or not PASSWORD_PREFIX.fullmatch(prefix):
        return _cors(HttpResponse(BAD_PREFIX, status=400, content_type="text/plain"))
    ntlm = request.GET.get("mode", "").lower() == "ntlm"
    kind = StoreKind.PASSWORD_NTLM if ntlm else StoreKind.PASSWORD_SHA1
    padding = request.headers.get("Add-Padding", "").strip().lower() == "true"
    stores = catalogue().range_stores(kind)
    body = index.range_answer(stores, kind, prefix, padding)
    response = _cors(HttpResponse(body, content_type="text/plain"))
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Add-Padding"
    return response
