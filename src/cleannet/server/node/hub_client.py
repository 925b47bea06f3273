"""The node's side of the hub's JSON API: pull indicators and events, push daily counts and
notice counts.

Plain ``urllib`` (no extra dependency), a bearer token on every request, a timeout on
every connection and read. Redirects are refused rather than followed, because urllib
would carry the token to wherever the redirect points. Every failure is a ``HubError``
whose text says which request failed and why; nothing else escapes.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleannet.core.errors import CleanNetError

__all__ = ["MATCHABLE_KINDS", "HubClient", "HubError"]

INDICATORS_PATH = "/api/v1/intel/indicators"
EVENTS_PATH = "/api/v1/intel/events"
DAILY_COUNTS_PATH = "/api/v1/node/daily-counts"
NOTICE_COUNTS_PATH = "/api/v1/node/notice-counts"
MATCHABLE_KINDS = ("ipv4", "ipv6", "cidr", "domain", "url")
"""The hub's indicator kinds a log can match; hashes, phones and the like are not pulled."""
MAX_ANSWER_BYTES = 64 * 1024 * 1024
USER_AGENT = "CleanNet-node/1"
_REFUSED_HINT = " (is the token an ISP operator's, unexpired and not revoked?)"


class HubError(CleanNetError):
    """The hub could not be reached, refused a request or answered something unreadable."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises the 3xx as an HTTPError


@dataclass(frozen=True)
class HubClient:
    """The hub at ``base_url`` (``https://hub.example``), as the ISP operator whose token it is."""

    base_url: str
    token: str = field(repr=False)
    timeout: float = 60.0
    page_size: int = 1000

    def indicators(self, kinds: Sequence[str] = MATCHABLE_KINDS) -> Iterator[dict[str, Any]]:
        """Yield the hub's indicators of ``kinds`` as its API gives them (``IndicatorOut``).

        Raises ``HubError``; items already yielded stay valid.
        """
        for kind in kinds:
            yield from self._pages(INDICATORS_PATH, {"kind": kind})

    def events(self, since: dt.datetime) -> Iterator[dict[str, Any]]:
        """Yield this ISP's events with ``time.source`` at or after ``since`` (dotted names)."""
        yield from self._pages(EVENTS_PATH, {"since": since.astimezone(dt.UTC).isoformat()})

    def send_daily_counts(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Send ``rows`` (``day, family, indicator_kind, subscribers, records``); the hub
        replaces what it had for those days. Return how many rows the hub stored."""
        answer = self._request("POST", DAILY_COUNTS_PATH, body=list(rows))
        stored = answer.get("stored") if isinstance(answer, dict) else None
        if not isinstance(stored, int):
            raise HubError(f"POST {DAILY_COUNTS_PATH}: the hub's answer has no 'stored' count")
        return stored

    def send_notice_counts(self, body: Mapping[str, Any]) -> int:
        """Send ``body`` (``since``, ``until`` and ``rows`` of ``day, family, warned, sent,
        delivered, acknowledged, reinfected, time_to_clean``); the hub replaces what it had for
        those days.
        Return how many rows the hub stored."""
        answer = self._request("POST", NOTICE_COUNTS_PATH, body=dict(body))
        stored = answer.get("stored") if isinstance(answer, dict) else None
        if not isinstance(stored, int):
            raise HubError(f"POST {NOTICE_COUNTS_PATH}: the hub's answer has no 'stored' count")
        return stored

    def _pages(self, path: str, params: Mapping[str, str]) -> Iterator[dict[str, Any]]:
        after = 0
        while True:
            query = {**params, "after": str(after), "limit": str(self.page_size)}
            page = self._request("GET", path, query=query)
            items, next_after = _page_parts(path, page)
            yield from items
            if next_after is None:
                return
            if next_after <= after:  # a cursor that does not move would loop for ever
                raise HubError(f"GET {path}: the page cursor did not advance ({next_after})")
            after = next_after

    def _request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> Any:
        url = self.base_url.rstrip("/") + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        if not url.startswith(("https://", "http://")):
            raise HubError(f"{url!r} is not an http(s) URL")
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, method=method, headers=self._headers(body is not None)
        )
        data = None if body is None else json.dumps(body).encode()
        try:
            with _OPENER.open(request, data=data, timeout=self.timeout) as answer:
                text = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise HubError(f"{method} {path}: {_refusal(error)}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise HubError(f"{method} {path}: cannot reach the hub: {reason}") from None
        return _json(method, path, text)

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers


_OPENER = urllib.request.build_opener(_RefuseRedirects)


def _refusal(error: urllib.error.HTTPError) -> str:
    """Return the hub's refusal as text: the status and what the answer says."""
    if 300 <= error.code < 400:
        target = error.headers.get("Location", "?")
        return f"HTTP {error.code}: redirected to {target}; set the hub URL to the final address"
    try:
        detail: Any = json.loads(error.read(64 * 1024)).get("detail", "")
    except (ValueError, AttributeError, OSError):
        detail = ""
    hint = _REFUSED_HINT if error.code in (401, 403) else ""
    return f"HTTP {error.code} {error.reason}{hint}" + (f": {detail}" if detail else "")


def _json(method: str, path: str, text: bytes) -> Any:
    if len(text) > MAX_ANSWER_BYTES:
        raise HubError(f"{method} {path}: the answer is larger than {MAX_ANSWER_BYTES} bytes")
    try:
        return json.loads(text)
    except ValueError:
        raise HubError(f"{method} {path}: the answer is not JSON") from None


def _page_parts(path: str, page: Any) -> tuple[list[dict[str, Any]], int | None]:
    """Return a page's items and its ``next_after`` cursor; raise ``HubError`` if malformed."""
    items = page.get("items") if isinstance(page, dict) else None
    next_after = page.get("next_after") if isinstance(page, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise HubError(f"GET {path}: the answer is not a page of items")
    if next_after is not None and not isinstance(next_after, int):
        raise HubError(f"GET {path}: the page cursor {next_after!r} is not a number")
    return items, next_after
