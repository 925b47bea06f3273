"""The reference for the HTTP figures: one bare Django view served by waitress as
``cleannet serve`` serves the application (same server, same thread count).

Usage: ``python bench/leaks_bare.py PORT THREADS``. The view returns a fixed 3 KB
``text/plain`` body, about the size of a range answer; no middleware, no database.
"""

from __future__ import annotations

import sys

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

BODY = ("0" * 35 + ":1\r\n") * 80


def bare(request: HttpRequest, prefix: str) -> HttpResponse:
    return HttpResponse(BODY, content_type="text/plain")


urlpatterns = [path("range/<str:prefix>", bare)]


def main(argv: list[str]) -> int:
    port, threads = int(argv[0]), int(argv[1])
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        SECRET_KEY="bench-only-not-a-secret",  # noqa: S106
    )
    django.setup()
    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    serve(get_wsgi_application(), host="127.0.0.1", port=port, threads=threads, ident="bare")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
