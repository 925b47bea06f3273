"""Public blocklist downloads of the confirmed fakes: RPZ, hosts, CSV, STIX 2.1.

They are public because they only carry what the public list shows. Each answers with an
``ETag`` (SHA-256 of the body) and ``Last-Modified`` (the latest analyst decision), and 304
to a client that already has this version.

The zone's origin, policy, walled-garden addresses and TTL come from
``settings.CLEANNET_BRANDS`` (``CLEANNET_BRANDS_RPZ_*`` and ``CLEANNET_BRANDS_WALLED_GARDEN_*``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from cleannet.engines.lookalike.blocklists import (
    BlockEntry,
    RpzPolicy,
    render_csv,
    render_hosts,
    render_rpz,
    render_stix,
    serial_from_time,
)
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.brands.alerts import confirmed_fakes, last_decision_at

# Before any decision the lists are empty and as old as this.
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def rpz_zone(entries: list[BlockEntry], changed_at: dt.datetime) -> str:
    """The RPZ zone of ``entries``; its serial is ``changed_at`` in UNIX seconds."""
    config = settings.CLEANNET_BRANDS
    return render_rpz(
        entries,
        serial=serial_from_time(changed_at),
        policy=cast(RpzPolicy, config.rpz_policy),  # checked by config against RPZ_POLICIES
        origin=config.rpz_origin,
        walled_garden_ipv4=config.walled_garden_ipv4 or None,
        walled_garden_ipv6=config.walled_garden_ipv6 or None,
        ttl=config.rpz_ttl,
        generated_at=changed_at,
    )


def _download(
    request: HttpRequest,
    render: Callable[[list[BlockEntry], dt.datetime], str],
    content_type: str,
    filename: str,
) -> HttpResponse:
    changed_at = last_decision_at() or _EPOCH
    body = render(confirmed_fakes(), changed_at).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified = changed_at.timestamp()
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    conditional = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified), response=response
    )
    return conditional if conditional is not None else response


@require_GET
@roles_required(PUBLIC)
def blocklist_rpz(request: HttpRequest) -> HttpResponse:
    return _download(request, rpz_zone, "text/dns; charset=utf-8", "cleannet-fakes.rpz")


@require_GET
@roles_required(PUBLIC)
def blocklist_hosts(request: HttpRequest) -> HttpResponse:
    return _download(
        request,
        lambda entries, at: render_hosts(entries, generated_at=at),
        "text/plain; charset=utf-8",
        "cleannet-fakes.hosts",
    )


@require_GET
@roles_required(PUBLIC)
def blocklist_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        request,
        lambda entries, _at: render_csv(entries),
        "text/csv; charset=utf-8",
        "cleannet-fakes.csv",
    )


@require_GET
@roles_required(PUBLIC)
def blocklist_stix(request: HttpRequest) -> HttpResponse:
    return _download(
        request,
        lambda entries, _at: render_stix(entries),
        "application/stix+json;version=2.1",
        "cleannet-fakes.stix.json",
    )
