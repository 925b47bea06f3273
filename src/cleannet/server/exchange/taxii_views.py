"""The TAXII 2.1 server under ``/taxii2/``: discovery, one API root, read-only collections.

Every endpoint admits every role (``exchange_roles``); what a caller sees is decided per
collection (``collections.readable_collections``), and another organisation's collection
is 404. Nothing can be written: adding or deleting objects is 403, other methods 405.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from cleannet.server.accounts.models import User
from cleannet.server.exchange.auth import ALL_ROLES, exchange_roles
from cleannet.server.exchange.collections import Collection, find_collection, readable_collections
from cleannet.server.exchange.paging import Page, read_object, read_page
from cleannet.server.exchange.taxii_http import (
    TAXII_MEDIA_TYPE,
    TaxiiError,
    check_accept,
    error_response,
    refuse,
    taxii_response,
)
from cleannet.server.exchange.taxii_query import BadParameter, parse_object_query

View = Callable[..., HttpResponseBase]
READ = ("GET", "HEAD")


def taxii_endpoint(*methods: str) -> Callable[[View], View]:
    """Make ``view`` a TAXII endpoint: roles checked, methods and Accept negotiated.

    Refusals and bad parameters become TAXII error messages (400 names the parameter).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if request.method not in methods:
                    allowed = ", ".join(methods)
                    raise TaxiiError(405, "Method not allowed", f"This endpoint allows {allowed}.")
                check_accept(request)
                return view(request, *args, **kwargs)
            except BadParameter as bad:
                return error_response(TaxiiError(400, "Bad parameter", str(bad)))
            except TaxiiError as error:
                response = error_response(error)
                if error.status == 405:
                    response["Allow"] = ", ".join(methods)
                return response

        return exchange_roles(*ALL_ROLES, refuse=refuse)(wrapper)

    return decorate


def _reader(request: HttpRequest) -> User:
    return cast(User, request.user)


def _collection(request: HttpRequest, collection_id: str) -> Collection:
    collection = find_collection(_reader(request), collection_id)
    if collection is None:
        raise TaxiiError(404, "Collection not found", f"No collection {collection_id} for you.")
    return collection


def _read_only(request: HttpRequest) -> None:
    """Refuse a write on an existing collection the caller can read (TAXII: 403)."""
    if request.method not in READ:
        raise TaxiiError(403, "Read-only collection", "This collection cannot be written to.")


@taxii_endpoint(*READ)
def discovery(request: HttpRequest) -> HttpResponse:
    """Server discovery (TAXII 2.1 §4.1): one API root, the default."""
    root = request.build_absolute_uri(reverse("taxii:api-root"))
    return taxii_response(
        {
            "title": "CleanNet TAXII server",
            "description": "Threat intelligence of the CleanNet platform, read-only.",
            "default": root,
            "api_roots": [root],
        }
    )


@taxii_endpoint(*READ)
def api_root(request: HttpRequest) -> HttpResponse:
    """API root information (§4.2); ``max_content_length`` 0: nothing can be posted."""
    return taxii_response(
        {
            "title": "CleanNet",
            "description": "Events per owner organisation, and the national indicators.",
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": 0,
        }
    )


@taxii_endpoint(*READ)
def collections(request: HttpRequest) -> HttpResponse:
    """The collections this caller may read (§5.1)."""
    readable = readable_collections(_reader(request))
    return taxii_response({"collections": [c.resource() for c in readable]})


@taxii_endpoint(*READ)
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    """One collection (§5.2); another organisation's is 404."""
    return taxii_response(_collection(request, collection_id).resource())


def _envelope(page: Page, body: dict[str, Any]) -> HttpResponse:
    body["more"] = page.more
    if page.next:
        body["next"] = page.next
    return taxii_response(body, headers=page.date_added_headers())


@taxii_endpoint(*READ, "POST")
def objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Get objects (§5.3) with added_after, limit, next and match[…]; POST is 403."""
    found = _collection(request, collection_id)
    _read_only(request)
    page = read_page(found.sources(_reader(request)), parse_object_query(request.GET))
    return _envelope(page, {"objects": [item.obj for item in page.items]})


@taxii_endpoint(*READ)
def manifest(request: HttpRequest, collection_id: str) -> HttpResponse:
    """Get object manifests (§5.6): id, date_added, version and media type of each object."""
    found = _collection(request, collection_id)
    page = read_page(found.sources(_reader(request)), parse_object_query(request.GET))
    return _envelope(page, {"objects": [item.manifest_record() for item in page.items]})


def _object_page(request: HttpRequest, collection_id: str, object_id: str) -> Page:
    found = _collection(request, collection_id)
    _read_only(request)
    query = parse_object_query(request.GET, allow_id=False)
    page = read_object(found.sources(_reader(request)), query, object_id)
    if not page.items and query.next is None:
        raise TaxiiError(404, "Object not found", f"No object {object_id} in this collection.")
    return page


@taxii_endpoint(*READ, "DELETE")
def stix_object(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    """Get an object (§5.5); DELETE is 403. An id never stored is 404."""
    page = _object_page(request, collection_id, object_id)
    return _envelope(page, {"objects": [item.obj for item in page.items]})


@taxii_endpoint(*READ)
def object_versions(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    """Get object versions (§5.8): the version timestamps we hold of one object."""
    page = _object_page(request, collection_id, object_id)
    versions = sorted({item.manifest_record()["version"] for item in page.items})
    return _envelope(page, {"versions": versions})
