"""``/api/v1/exchange/events.csv`` and ``.jsonl``: an owner's events, streamed.

Scoped as the events API is: authority staff export any organisation's events (``owner``,
or every event without it); everyone else exports only their own organisation's, and
naming another organisation is 404. ``since``/``until`` bound ``time.source``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast

from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_GET

from cleannet.server.accounts.models import Organisation, User
from cleannet.server.exchange.auth import ALL_ROLES, exchange_roles
from cleannet.server.exchange.selection import EventSelection
from cleannet.server.exchange.tabular import export_events_csv, export_events_jsonl
from cleannet.server.networks.services import parse_time

Exporter = Callable[[EventSelection], Iterator[str]]


class NotFound(Exception):
    pass


def refuse(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    """Answer a refused caller as the JSON API does (``{"detail": …}``)."""
    return JsonResponse({"detail": reason}, status=status)


def _owner(reader: User, slug: str | None) -> Organisation | None:
    """Return the organisation to export; raise ``NotFound`` for one the reader may not see."""
    if not reader.is_authority:
        if slug not in (None, "", reader.organisation.slug):
            raise NotFound(slug)
        return reader.organisation
    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound(slug)
    return found


def selection_for(request: HttpRequest) -> EventSelection:
    """Return what the request asks to export; raise ``ValidationError`` naming a bad bound."""
    reader = cast(User, request.user)
    since, until = request.GET.get("since"), request.GET.get("until")
    return EventSelection(
        owner=_owner(reader, request.GET.get("owner")),
        since=parse_time(since, "since") if since else None,
        until=parse_time(until, "until") if until else None,
    )


def _download(
    request: HttpRequest, export: Exporter, suffix: str, media_type: str
) -> HttpResponseBase:
    try:
        selection = selection_for(request)
    except NotFound:
        return JsonResponse({"detail": "Not found."}, status=404)
    except ValidationError as error:
        detail = [
            {"field": field, "reason": " ".join(messages)}
            for field, messages in error.message_dict.items()
        ]
        return JsonResponse({"detail": detail}, status=400)
    name = selection.owner.slug if selection.owner else "all"
    response = StreamingHttpResponse(export(selection), content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="cleannet-events-{name}.{suffix}"'
    return response


@exchange_roles(*ALL_ROLES, refuse=refuse)
@require_GET
def events_csv(request: HttpRequest) -> HttpResponseBase:
    """The events as CSV (IntelMQ names in the header, formula-injection safe)."""
    return _download(request, export_events_csv, "csv", "text/csv; charset=utf-8")


@exchange_roles(*ALL_ROLES, refuse=refuse)
@require_GET
def events_jsonl(request: HttpRequest) -> HttpResponseBase:
    """The events as JSON Lines, one IntelMQ event per line."""
    return _download(request, export_events_jsonl, "jsonl", "application/x-ndjson")
