"""The portal as a person sees it: Vietnamese first, a language switch that works."""

from __future__ import annotations

from typing import Any


def test_it_opens_in_vietnamese_and_switches_to_english(browser: Any, served_site: str) -> None:
    page = browser.new_page(locale="en-US")
    page.goto(served_site + "/")
    assert page.locator("h1").inner_text() == "Chung tay vì không gian mạng Việt Nam sạch"
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator('.language-switch a[hreflang="en"]').click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Together for a clean Vietnamese cyberspace"
    page.locator('.language-switch a[hreflang="vi"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    page.close()


def test_it_shows_the_api_docs_page(browser: Any, served_site: str) -> None:
    page = browser.new_page()
    response = page.goto(served_site + "/api/v1/docs")
    assert response is not None and response.status == 200
    assert "CleanNet API" in page.title()
    # Swagger UI is served from our own static files (no CDN here): it renders the operations.
    page.get_by_text("/api/v1/me", exact=True).wait_for(timeout=15000)
    page.close()


def test_it_serves_the_stylesheet(browser: Any, served_site: str) -> None:
    page = browser.new_page()
    response = page.goto(served_site + "/static/cleannet/site.css")
    assert response is not None and response.status == 200
    assert "--brand" in (response.text() or "")
    page.close()
