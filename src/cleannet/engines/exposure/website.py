"""Website checks: signs that a page was compromised, read from its HTML.

``check_site`` looks at one page and reports, as ``scan_http`` findings:

- ``injected-script``: a ``<script src>`` served from a known-bad domain, or an inline script
  that decodes and runs a long blob (``eval(unescape(…))``, ``eval(atob(…))``,
  ``String.fromCharCode`` with dozens of codes, ``document.write(unescape(…))``);
- ``malicious-link``: a link or iframe to a known-bad domain, or a hidden iframe (zero or
  one pixel, ``display:none``, ``visibility:hidden``) to a site that is not one of ours;
- ``defacement``: "hacked by", "defaced by", "pwned by" in the title or a top heading, or a
  short title or heading that starts with "owned by".

It is conservative on purpose: an owner notified about a clean page stops reading notices.
``fetch_and_check`` fetches the page itself (scanner User-Agent, body cap, redirects only to
hosts ``allowed`` says yes to) and runs ``check_site`` on it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from cleannet.engines.exposure.model import DetailValue, Finding, Severity, Target
from cleannet.engines.exposure.probes.base import open_connection, probe_context
from cleannet.engines.exposure.probes.http import parse_http_response, scanning_context

__all__ = ["PAGE_CAP", "check_site", "fetch_and_check", "fetch_page"]

PAGE_CAP = 1024 * 1024
MAX_REDIRECTS = 3
_OBFUSCATED = re.compile(
    r"(?:eval|document\.write)\s*\(\s*(?:unescape|atob|decodeURIComponent|String\.fromCharCode)\s*\(",
    re.IGNORECASE,
)
_LONG_BLOB = re.compile(r"""["'][A-Za-z0-9+/=%\\x]{200,}["']|(?:\d{2,3}\s*,\s*){50,}""")
_DEFACED = re.compile(
    # "owned by" alone is common in honest headings ("Owned by the … family since 1990"):
    # only a short heading that starts with it counts
    r"\b(?:hacked|defaced|pwned|h4cked)\s+by\b|^\s*[o0]wned\s+by(?:\s+\S+){1,3}\s*$",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


class _PageParser(HTMLParser):
    """Collects what the checks read: script sources and bodies, links, iframes, headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.inline: list[str] = []
        self.links: list[str] = []
        self.iframes: list[tuple[str, bool]] = []
        self.headings: list[str] = []
        self._capture: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"])
        elif tag in ("a", "area") and values.get("href"):
            self.links.append(values["href"])
        elif tag in ("iframe", "frame") and values.get("src"):
            self.iframes.append((values["src"], _hidden(values)))
        if tag in ("script", "title", "h1"):
            self._capture, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._capture is not None and sum(map(len, self._text)) < PAGE_CAP:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._capture:
            return
        text = "".join(self._text)
        (self.inline if tag == "script" else self.headings).append(text)
        self._capture = None


def _hidden(attrs: dict[str, str]) -> bool:
    tiny = any(
        attrs.get(side, "").strip().rstrip("px") in ("0", "1") for side in ("width", "height")
    )
    return tiny or "hidden" in attrs or bool(_HIDDEN_STYLE.search(attrs.get("style", "")))


def _host(url: str, base_url: str) -> str:
    try:
        return (urlsplit(urljoin(base_url, url.strip())).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def _within(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


class _Checker:
    """Builds the findings for one page."""

    def __init__(self, base_url: str, bad: set[str], own: set[str], target: Target | None) -> None:
        self.base_url = base_url
        self.bad = {d.rstrip(".").lower() for d in bad}
        self.own = {d.rstrip(".").lower() for d in own}
        parts = urlsplit(base_url)
        default_port = 443 if parts.scheme == "https" else 80
        self.ip = target.ip if target else (parts.hostname or "")
        self.port = target.port if target else (parts.port or default_port)
        self.findings: list[Finding] = []

    def add(self, tag: str, severity: Severity, **details: DetailValue) -> None:
        self.findings.append(
            Finding(
                report_type="scan_http",
                ip=self.ip,
                port=self.port,
                tag=tag,
                severity=severity,
                details={"url": self.base_url, **details},
            )
        )

    def run(self, page: _PageParser) -> list[Finding]:
        for src in page.scripts:
            if _within(host := _host(src, self.base_url), self.bad) and not _within(host, self.own):
                self.add("injected-script", "high", src=src[:512], domain=host)
        for body in page.inline:
            blob = _LONG_BLOB.search(body)
            if _OBFUSCATED.search(body) and blob:
                self.add("injected-script", "high", evidence=body[:160].strip())
        for href, hidden in [(h, False) for h in page.links] + page.iframes:
            host = _host(href, self.base_url)
            if not host or _within(host, self.own):
                continue
            if _within(host, self.bad):
                self.add("malicious-link", "high", href=href[:512], domain=host, hidden=hidden)
            elif hidden:
                self.add("malicious-link", "medium", href=href[:512], domain=host, hidden=True)
        for text in page.headings:
            if _DEFACED.search(" ".join(text.split())):
                self.add("defacement", "high", evidence=" ".join(text.split())[:200])
        return self.findings


def check_site(
    html: str,
    base_url: str,
    known_bad_domains: set[str],
    own_domains: set[str],
    target: Target | None = None,
) -> list[Finding]:
    """The compromise findings for one page (none for a clean one); never raises on bad HTML.

    Links and scripts on ``own_domains`` (and their subdomains) are never reported; findings
    carry ``target``'s address and port, or the URL's host and port when no target is given.
    """
    page = _PageParser()
    try:
        page.feed(html[:PAGE_CAP])
        page.close()
    except (AssertionError, ValueError):  # HTMLParser's rare complaints on broken markup
        pass
    return _Checker(base_url, known_bad_domains, own_domains, target).run(page)


async def _read_to_end(reader: asyncio.StreamReader, timeout: float, cap: int) -> bytes:
    data = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(data) < cap and (left := deadline - loop.time()) > 0:
        try:
            chunk = await asyncio.wait_for(reader.read(cap - len(data)), left)
        except (TimeoutError, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


async def fetch_page(target: Target, url: str, timeout: float) -> bytes:
    """GET ``url`` from ``target``'s address (HTTP/1.0: no chunking; Host from the URL) and
    return the raw response, head and body, cut to ``PAGE_CAP`` plus 16 KiB of head.

    Raises ``OSError``/``TimeoutError``/``ssl.SSLError`` when the fetch fails.
    """
    parts = urlsplit(url)
    tls = scanning_context() if parts.scheme == "https" else None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {path} HTTP/1.0\r\nHost: {parts.netloc}\r\nUser-Agent: {probe_context().user_agent}"
        "\r\nAccept: text/html\r\nAccept-Encoding: identity\r\n\r\n"
    )
    named = Target(target.ip, target.port, parts.hostname or target.hostname)
    async with open_connection(named, timeout, tls) as conn:
        conn.writer.write(request.encode("ascii", errors="replace"))
        await conn.writer.drain()
        return await _read_to_end(conn.reader, timeout, PAGE_CAP + 16 * 1024)


def _decode(body: bytes, content_type: str) -> str:
    found = re.search(r"charset=([\w\-]+)", content_type, re.IGNORECASE)
    try:
        return body.decode(found.group(1) if found else "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


def _retarget(target: Target, url: str) -> Target:
    """The same address, on the port ``url`` names (or its scheme's default)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return Target(target.ip, port, target.hostname)


async def fetch_and_check(
    target: Target,
    url: str,
    *,
    known_bad_domains: set[str],
    own_domains: set[str],
    allowed: Callable[[str], bool],
    timeout: float = 10.0,
) -> list[Finding] | None:
    """Fetch ``url`` from ``target`` and run ``check_site`` on the page.

    Redirects are followed (up to ``MAX_REDIRECTS``) only to the same host, or to a host
    ``allowed(host)`` accepts, and always to ``target``'s address: the scope was checked for
    that address, never for what a name resolves to. Returns None when no page was read (the
    fetch failed, the answer was not HTTP, a redirect left the scope or never ended): a page
    not seen is not a clean page.
    """
    start_host = urlsplit(url).hostname or ""
    for _ in range(MAX_REDIRECTS + 1):
        try:
            raw = await fetch_page(target, url, timeout)
        except (OSError, TimeoutError):
            return None
        response = parse_http_response(raw)
        if response is None:
            return None
        location = response.headers.get("location", "")
        if response.status in (301, 302, 303, 307, 308) and location:
            following = urljoin(url, location)
            host = urlsplit(following).hostname or ""
            if host != start_host and not allowed(host):
                return None
            url, target = following, _retarget(target, following)
            continue
        body = raw.partition(b"\r\n\r\n")[2][:PAGE_CAP]
        text = _decode(body, response.headers.get("content-type", ""))
        return check_site(text, url, known_bad_domains, own_domains, target)
    return None
