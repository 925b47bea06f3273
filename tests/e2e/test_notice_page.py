"""The walled-garden notice page as a warned subscriber sees it in headless Chromium.

Tickets are made in the served site's own database by ``seed_notices.py`` (the real planner
and worker), and read back from it after the browser acted: Vietnamese first, the site's
language switch, "I have cleaned my device" lifting the redirect, 404 for an unknown link,
and no serious or critical axe violation in either language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from .axe_rules import WCAG_TAGS, blocking_violations
from .helpers import run_seed_script

SEED_SCRIPT = Path(__file__).parent / "seed_notices.py"
WARNING_TITLE = "Warning: your device may be infected"
THANKS_TITLE = "Thank you for cleaning your device"
CLEANED = "I have cleaned my device"


def _seed(site: Any, *args: str) -> dict[str, Any]:
    return run_seed_script(site, SEED_SCRIPT, *args)


@pytest.fixture(scope="module")
def seeded(portal_site: Any) -> dict[str, Any]:
    """Two open tickets (one process: Django's start-up is slow), by use, and the steps.

    ``tickets["shown"]`` is only looked at; ``tickets["cleaned"]`` gets acknowledged. Each has
    its number, token, ip, ``url`` and ``stored`` (the database's view when seeded).
    """
    pairs = {"shown": "198.51.100.10", "cleaned": "198.51.100.11"}  # documentation addresses
    answer = _seed(portal_site, "open", *(f"e2e-notice-{use}={ip}" for use, ip in pairs.items()))
    tickets = dict(zip(pairs, answer["tickets"], strict=True))
    for ticket in tickets.values():
        ticket["url"] = f"{portal_site.base}/notice/{ticket['token']}/"
    return {"tickets": tickets, "steps": answer["steps"]}


@pytest.fixture
def ticket(seeded: dict[str, Any]) -> dict[str, Any]:
    """The open ticket the read-only tests share."""
    return seeded["tickets"]["shown"]  # type: ignore[no-any-return]


def _in_vietnamese(text: str) -> str:
    """``text`` as the site's catalogue translates it to Vietnamese."""
    with translation.override("vi"):
        return translation.gettext(text)


def test_it_shows_the_warning_in_vietnamese_then_in_english(
    browser: Any, seeded: dict[str, Any], screenshot: Callable[[Any, str], Path]
) -> None:
    ticket, steps_in = seeded["tickets"]["shown"], seeded["steps"]
    page = browser.new_page(locale="en-US")  # the browser's language is not followed
    response = page.goto(ticket["url"])
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == _in_vietnamese(WARNING_TITLE)
    assert page.locator("#steps-title").inner_text() == "Cách gỡ bỏ"
    steps = page.locator("#steps-title ~ ol li").all_inner_texts()
    assert steps == steps_in["vi"] and steps[0].startswith("Khởi động lại thiết bị")
    main = page.locator("main").inner_text()
    assert "Mirai" in main and ticket["number"] in main and ticket["ip"] in main
    assert page.locator('main a[href="/malware/mirai/"]').count() == 1
    assert page.locator('main a[href="/tools/"]').count() == 1  # the free scanner
    screenshot(page, "notice-page-vi")

    page.locator('.language-switch a[hreflang="en"]').click()
    page.wait_for_load_state()

    assert page.url == ticket["url"]
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == WARNING_TITLE
    assert page.locator("#steps-title").inner_text() == "How to remove it"
    assert page.locator("#steps-title ~ ol li").all_inner_texts() == steps_in["en"]
    assert page.get_by_role("button", name=CLEANED).is_visible()
    assert "Mirai" in page.locator("main").inner_text()
    screenshot(page, "notice-page-en")
    page.close()


def test_it_takes_i_have_cleaned_my_device_and_lifts_the_redirect(
    browser: Any, portal_site: Any, seeded: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    ticket = seeded["tickets"]["cleaned"]
    before = ticket["stored"]
    assert (before["state"], before["redirect_active"]) == ("open", True)
    assert ticket["ip"] in before["redirected_ips"]
    page = browser.new_page()
    page.goto(portal_site.base + "/i18n/switch/?language=en&next=/notice/" + ticket["token"] + "/")

    page.get_by_role("button", name=CLEANED).click()

    expect(page.locator("h1")).to_have_text(THANKS_TITLE)
    assert page.url == ticket["url"]
    assert ticket["number"] in page.locator("main").inner_text()
    after = _seed(portal_site, "show", ticket["number"])
    assert (after["state"], after["redirect_active"]) == ("acknowledged", False)
    assert after["acknowledged"] and after["page_viewed"]
    assert after["page_notice"] == "delivered"  # seen, so the page notice reached them
    assert ticket["ip"] not in after["redirected_ips"]
    page.reload()
    expect(page.locator("h1")).to_have_text(THANKS_TITLE)
    assert page.get_by_role("button", name=CLEANED).count() == 0
    page.close()


def test_it_answers_404_for_an_unknown_token(
    browser: Any, portal_site: Any, ticket: dict[str, Any]
) -> None:
    token = ticket["token"]
    unknown = token[:-1] + ("A" if token[-1] != "A" else "B")
    page = browser.new_page()
    for path in (f"/notice/{unknown}/", "/notice/short/"):
        response = page.goto(portal_site.base + path)
        assert response is not None and response.status == 404, path
        assert ticket["number"] not in page.content()
    page.close()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_it_has_no_serious_accessibility_violations(
    language: str, browser: Any, portal_site: Any, ticket: dict[str, Any]
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from django.conf import settings

    context = browser.new_context()
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": portal_site.base}]
    )
    page = context.new_page()
    response = page.goto(ticket["url"])
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options).response
    context.close()
    found = blocking_violations(results)
    assert not found, f"notice page [{language}]:\n" + "\n".join(found)
