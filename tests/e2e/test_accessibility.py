"""WCAG 2.1 A/AA checks with axe-core (bundled by ``axe-playwright-python``) on the public
pages, in Vietnamese and in English: no violation of impact "serious" or "critical"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .axe_rules import WCAG_TAGS, blocking_violations

PAGES = [
    "/",
    "/check-ip/",
    "/report/phishing/",
    "/brands/check/",
    "/leaks/",
    "/scan/",
    "/malware/",
    "/statistics/",
]
LANGUAGES = ["vi", "en"]


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_the_page_has_no_serious_accessibility_violations(
    path: str,
    language: str,
    browser: Any,
    portal_site: Any,
    axe: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    from django.conf import settings

    context = browser.new_context()
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": portal_site.base}]
    )
    page = context.new_page()
    response = page.goto(portal_site.base + path)
    assert response is not None and response.status == 200, f"{path} answered {response}"
    assert page.locator("html").get_attribute("lang") == language
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options).response
    name = "a11y-" + (path.strip("/").replace("/", "-") or "home") + "-" + language
    screenshot(page, name)
    context.close()
    found = blocking_violations(results)
    assert not found, f"{path} [{language}]:\n" + "\n".join(found)


def test_the_check_catches_an_unlabelled_field_and_poor_contrast(browser: Any, axe: Any) -> None:
    page = browser.new_page()
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<h1>Form</h1><form><input type="text" name="q"></form>'
        '<p style="color:#bbb;background:#fff">Faint text</p></main></body></html>'
    )
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    found = blocking_violations(axe.run(page, options=options).response)
    page.close()
    assert any(line.startswith("label ") for line in found), found
    assert any(line.startswith("color-contrast ") for line in found), found
