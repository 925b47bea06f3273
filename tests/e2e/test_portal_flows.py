"""The portal's flows as people go through them, in headless Chromium against a served site.

A citizen files a phishing report in Vietnamese and gets a tracking number; an analyst
confirms it in triage and replies; the URL check then calls the site fake; the status page
shows the reply; the language switch works; check-my-IP answers. Screenshots of each step go
to the run's artefacts (``CLEANNET_TEST_ARTIFACTS``, default ``var/test-artifacts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from .helpers import sign_in

FAKE_URL = "http://demobank-xacthuc.example/dang-nhap"
FAKE_HOST = "demobank-xacthuc.example"
REPORTER = "nguoi.dan@example.org"
REPLY = "Cảm ơn bạn: trang này là trang giả mạo và đã được đưa vào danh sách chặn."
TRACKING = re.compile(r"^CN-\d{4}-\d{6}$")

Shot = Callable[[Any, str], Path]


@dataclass
class FiledReport:
    tracking: str
    status_url: str


@pytest.fixture(scope="module")
def filed(browser: Any, portal_site: Any, screenshot: Shot) -> FiledReport:
    """A citizen (no account, Vietnamese page) files a phishing report about ``FAKE_URL``."""
    page = browser.new_page(locale="vi-VN")
    page.goto(portal_site.base + "/report/phishing/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.fill("#id_target_url", FAKE_URL)
    page.fill("#id_title", "Trang giả mạo Demo Bank")
    page.fill("#id_description", "Tin nhắn SMS yêu cầu đăng nhập để nhận quà, dẫn tới trang này.")
    page.fill("#id_reporter_email", REPORTER)
    page.locator('form[action="/report/phishing/"] button[type="submit"]').click()
    page.wait_for_load_state()
    tracking = page.locator(".tracking-number").inner_text().strip()
    status_url = page.locator("a.status-link").get_attribute("href") or ""
    screenshot(page, "01-report-filed")
    page.close()
    return FiledReport(tracking, status_url)


@pytest.fixture(scope="module")
def confirmed(browser: Any, portal_site: Any, filed: FiledReport, screenshot: Shot) -> FiledReport:
    """The analyst takes the report through triaging to confirmed and replies to the citizen."""
    page = browser.new_page(locale="vi-VN")
    sign_in(page, portal_site.base, portal_site.seed.ANALYST)
    page.goto(portal_site.base + "/triage/")
    screenshot(page, "02-triage-queue")
    assert filed.tracking in page.content()
    detail = f"{portal_site.base}/triage/{filed.tracking}/"
    for status in ("triaging", "confirmed"):
        page.goto(detail)
        form = page.locator(f'form[action="/triage/{filed.tracking}/status/"]')
        form.locator('select[name="status"]').select_option(status)
        form.locator('button[type="submit"]').click()
        page.wait_for_load_state()
    page.goto(detail)
    reply = page.locator(f'form[action="/triage/{filed.tracking}/reply/"]')
    reply.locator("textarea").fill(REPLY)
    reply.locator('button[type="submit"]').click()
    page.wait_for_load_state()
    screenshot(page, "03-triage-confirmed")
    page.close()
    return filed


def test_a_citizen_files_a_phishing_report_in_vietnamese_and_gets_a_tracking_number(
    filed: FiledReport, portal_site: Any
) -> None:
    assert TRACKING.fullmatch(filed.tracking), filed.tracking
    assert f"/report/status/{filed.tracking}/" in filed.status_url
    confirmation = "\n".join(portal_site.mail.sent_to(REPORTER))
    assert filed.tracking in confirmation


def test_an_analyst_confirms_it_in_triage(
    browser: Any, portal_site: Any, confirmed: FiledReport
) -> None:
    page = browser.new_page()
    sign_in(page, portal_site.base, portal_site.seed.ANALYST)
    page.goto(f"{portal_site.base}/triage/?status=confirmed")
    assert confirmed.tracking in page.content()
    page.close()


def test_the_url_check_then_calls_the_site_fake(
    browser: Any, portal_site: Any, confirmed: FiledReport, screenshot: Shot
) -> None:
    page = browser.new_page()
    page.goto(portal_site.base + "/brands/check/")
    page.fill("#id_url", FAKE_URL)
    page.locator('form[action="/brands/check/"] button[type="submit"]').click()
    page.wait_for_load_state()
    screenshot(page, "04-url-check-fake")
    assert page.locator(".result-confirmed-fake").count() == 1
    assert FAKE_HOST in page.locator(".result").inner_text()
    page.close()


def test_the_status_page_shows_the_analysts_reply(
    browser: Any, portal_site: Any, confirmed: FiledReport, screenshot: Shot
) -> None:
    page = browser.new_page()
    response = page.goto(urljoin(portal_site.base, confirmed.status_url))
    assert response is not None and response.status == 200
    screenshot(page, "05-status-page")
    assert REPLY in page.locator(".reply").first.inner_text()
    assert page.locator(".report-status-confirmed").count() == 1
    assert REPLY in "\n".join(portal_site.mail.sent_to(REPORTER))
    page.close()


def test_the_status_page_refuses_a_wrong_secret(browser: Any, portal_site: Any, filed: Any) -> None:
    page = browser.new_page()
    response = page.goto(f"{portal_site.base}/report/status/{filed.tracking}/not-the-secret/")
    assert response is not None and response.status == 404
    page.close()


def test_the_language_switch_works_on_the_report_form(
    browser: Any, portal_site: Any, screenshot: Shot
) -> None:
    page = browser.new_page(locale="en-US")  # the browser's language is ignored on purpose
    page.goto(portal_site.base + "/report/phishing/")
    assert page.locator("html").get_attribute("lang") == "vi"
    vietnamese = page.locator(".main-nav").inner_text()
    page.locator('.language-switch a[hreflang="en"]').click()
    page.wait_for_load_state()
    assert page.url.endswith("/report/phishing/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Is this site fake?" in page.locator(".main-nav").inner_text()
    screenshot(page, "06-report-form-english")
    page.locator('.language-switch a[hreflang="vi"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator(".main-nav").inner_text() == vietnamese
    assert "Is this site fake?" not in vietnamese
    page.close()


def test_check_my_ip_answers_for_the_visitors_own_address(
    browser: Any, portal_site: Any, screenshot: Shot
) -> None:
    page = browser.new_page()
    response = page.goto(portal_site.base + "/check-ip/")
    assert response is not None and response.status == 200
    screenshot(page, "07-check-my-ip")
    answer = page.locator('section[aria-labelledby="answer-title"]').inner_text()
    assert "127.0.0.1" in answer
    assert page.locator('input[name="address"]').count() == 0  # only staff may ask for others
    page.close()


def test_an_analyst_checks_any_address_and_sees_its_family(
    browser: Any, portal_site: Any, screenshot: Shot
) -> None:
    page = browser.new_page()
    sign_in(page, portal_site.base, portal_site.seed.ANALYST)
    page.goto(portal_site.base + "/check-ip/")
    infected, family = portal_site.seed.INFECTED_IP, portal_site.seed.FAMILY
    page.fill('input[name="address"]', infected)
    page.locator('form[action="/check-ip/"] button[type="submit"]').click()
    page.wait_for_load_state()
    screenshot(page, "08-check-ip-analyst")
    answer = page.locator('section[aria-labelledby="answer-title"]').inner_text()
    assert infected in answer and family in answer
    page.close()


def test_an_isp_operator_sees_their_events_in_the_workspace(
    browser: Any, portal_site: Any, screenshot: Shot
) -> None:
    page = browser.new_page()
    sign_in(page, portal_site.base, portal_site.seed.ISP_OPERATOR)
    response = page.goto(portal_site.base + "/workspace/")
    assert response is not None and response.status == 200
    screenshot(page, "09-isp-workspace")
    assert portal_site.seed.INFECTED_IP in page.content()
    page.close()
