"""Signs of a compromised website, on crafted pages read directly and served on loopback."""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager

from cleannet.engines.exposure import Finding, Target
from cleannet.engines.exposure.probes.base import DEFAULT_USER_AGENT
from cleannet.engines.exposure.website import check_site, fetch_and_check

from .servers import Counter, serve

BAD = {"evil.example"}
OWN = {"shop.example.vn"}
BASE = "http://shop.example.vn/"

CLEAN = """<html><head><title>Shop</title><script src="/app.js"></script>
<script src="https://cdn.shop.example.vn/x.js"></script>
<script>window.dataLayer = []; eval("1 + 1");</script></head>
<body><h1>Owned by the Nguyen family since 1990</h1><a href="https://example.org/">partner</a>
<iframe src="https://www.youtube.com/embed/x" width="560" height="315"></iframe></body></html>"""

BLOB = "%3C%73%63%72%69%70%74" * 40
INJECTED = f"""<html><head><title>Shop</title>
<script src="//cdn.evil.example/jquery.min.js"></script>
<script>eval(unescape('{BLOB}'));</script></head><body>
<a href="http://evil.example/pay">pay</a>
<iframe src="http://stats-counter.example/c" width="1" height="1" frameborder="0"></iframe>
<iframe src="/ads" style="display:none"></iframe></body></html>"""

DEFACED = (
    "<html><head><title>HaCkEd   By Team X</title></head><body><h1>0wned by X</h1></body></html>"
)


def tags(findings: list[Finding]) -> list[str]:
    return sorted(f.tag for f in findings)


def test_it_finds_nothing_on_a_clean_page() -> None:
    assert check_site(CLEAN, BASE, BAD, OWN) == []


def test_it_finds_injected_scripts_and_links() -> None:
    findings = check_site(INJECTED, BASE, BAD, OWN)
    assert tags(findings) == [
        "injected-script",
        "injected-script",
        "malicious-link",
        "malicious-link",
    ]
    script = next(f for f in findings if f.details.get("domain") == "cdn.evil.example")
    assert (script.report_type, script.severity, script.ip, script.port) == (
        "scan_http",
        "high",
        "shop.example.vn",
        80,
    )
    hidden = next(f for f in findings if f.details.get("hidden") is True)
    assert (hidden.details["domain"], hidden.severity) == ("stats-counter.example", "medium")


def test_it_finds_a_defacement_in_the_title_and_heading() -> None:
    findings = check_site(DEFACED, BASE, BAD, OWN)
    assert tags(findings) == ["defacement", "defacement"]
    assert findings[0].details["evidence"] == "HaCkEd By Team X"


def test_it_survives_broken_markup() -> None:
    assert check_site("<html><scr<<ipt <a href='http://[::1'>", BASE, BAD, OWN) == []


def serve_site(
    pages: dict[str, tuple[str, str]], seen: list[bytes]
) -> AbstractAsyncContextManager[tuple[int, Counter]]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        seen.append(request)
        path = request.split(b" ")[1].decode()
        status, body = pages.get(path, ("404 Not Found", ""))
        extra = f"Location: {body}\r\n" if status.startswith("30") else ""
        content = "" if extra else body
        writer.write(f"HTTP/1.1 {status}\r\n{extra}\r\n{content}".encode())
        await writer.drain()

    return serve(handle)


def fetch(
    pages: dict[str, tuple[str, str]], allowed: bool = False
) -> tuple[list[Finding] | None, list[bytes]]:
    seen: list[bytes] = []

    async def go() -> list[Finding] | None:
        async with serve_site(pages, seen) as (port, _):
            return await fetch_and_check(
                Target("127.0.0.1", port, "shop.example.vn"),
                f"http://shop.example.vn:{port}/",
                known_bad_domains=BAD,
                own_domains=OWN,
                allowed=lambda host: allowed,
                timeout=2.0,
            )

    return asyncio.run(go()), seen


def test_it_fetches_with_the_scanner_user_agent_and_follows_a_redirect_on_the_same_host() -> None:
    findings, seen = fetch({"/": ("302 Found", "/home"), "/home": ("200 OK", INJECTED)})
    assert findings is not None and len(findings) == 4
    assert all(f.ip == "127.0.0.1" for f in findings)
    assert [r.split(b" ")[1] for r in seen] == [b"/", b"/home"]
    assert f"User-Agent: {DEFAULT_USER_AGENT}".encode() in seen[0]


def test_it_does_not_follow_a_redirect_out_of_scope() -> None:
    findings, seen = fetch({"/": ("301 Moved", "http://elsewhere.example/")})
    assert (findings, len(seen)) == (None, 1)  # no page read: not a clean page
