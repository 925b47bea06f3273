"""The WSGI front of ``/range/``: the Pwned Passwords range API answered before Django.

The range API carries the load of the leak check (every password a client checks is one
request), and its answer depends on the request line and one header only: no session, no
user, no CSRF, no locale. Django's middleware stack and URL resolver cost more than the
look-up itself, so ``RangeFront`` wraps the site's WSGI application and answers
``/range/<prefix>`` directly with ``range_view.range_answer`` — the very function the Django
view returns — adding the security headers Django's middleware would add. Every other path,
and any request the front cannot answer (an unexpected error), goes to Django unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from django.db import close_old_connections

from cleannet.server.leaks.range_view import RangeAnswer, range_answer

logger = logging.getLogger(__name__)

PATH = "/range/"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# What SecurityMiddleware and XFrameOptionsMiddleware add to the Django view's answer.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 405: "Method Not Allowed"}


def _mode(query: str) -> str:
    """Return the last ``mode`` parameter of ``query`` (as Django's ``request.GET`` does)."""
    if "mode" not in query:
        return ""
    values = [value for name, value in parse_qsl(query) if name == "mode"]
    return values[-1] if values else ""


def _respond(answer: RangeAnswer, method: str, start_response: Callable[..., Any]) -> list[bytes]:
    body = answer.body.encode("ascii")
    headers = [*answer.headers, *SECURITY_HEADERS, ("Content-Length", str(len(body)))]
    if answer.content_type is not None:
        headers.insert(0, ("Content-Type", answer.content_type))
    start_response(f"{answer.status} {REASONS[answer.status]}", headers)
    return [] if method == "HEAD" else [body]


class RangeFront:
    """WSGI middleware: answer ``/range/<prefix>`` itself, pass everything else to ``app``."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path: str = environ.get("PATH_INFO", "")
        prefix = path[len(PATH) :]
        if not path.startswith(PATH) or not prefix or "/" in prefix:
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            answer = range_answer(
                method,
                prefix,
                _mode(environ.get("QUERY_STRING", "")),
                environ.get("HTTP_ADD_PADDING", ""),
            )
        except Exception:  # the Django view answers (and reports) what the front cannot
            logger.exception("the /range/ front could not answer %s; Django will", path)
            return self.app(environ, start_response)
        finally:
            close_old_connections()  # as Django does at the end of every request
        return _respond(answer, method, start_response)
