"""WCAG 2.1 A/AA checks with axe-core on the campaign pages, in Vietnamese and in English: the
public list and campaign page as anybody sees them, and the workspace dashboard as an analyst
and as an ISP operator of a participating ISP see it. No violation of impact "serious" or
"critical".

The campaign is simulated in the served site's own database by ``seed_campaigns.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .axe_rules import WCAG_TAGS, blocking_violations
from .helpers import run_seed_script, sign_in

SEED_SCRIPT = Path(__file__).parent / "seed_campaigns.py"
LANGUAGES = ["vi", "en"]
PAGES = [  # (who, path with {slug}); who is a login of seed_portal.py, or None
    (None, "/campaigns/"),
    (None, "/campaigns/{slug}/"),
    ("ANALYST", "/workspace/campaigns/"),
    ("ANALYST", "/workspace/campaigns/{slug}/"),
    ("ISP_OPERATOR", "/workspace/campaigns/"),
    ("ISP_OPERATOR", "/workspace/campaigns/{slug}/"),
]


@pytest.fixture(scope="module")
def campaign(portal_site: Any) -> dict[str, Any]:
    """The simulated campaign (``{"slug", "name"}``), seeded once for the module."""
    return run_seed_script(portal_site, SEED_SCRIPT)


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("who", "path"), PAGES)
def test_the_campaign_page_has_no_serious_accessibility_violations(
    who: str | None,
    path: str,
    language: str,
    browser: Any,
    portal_site: Any,
    campaign: dict[str, Any],
    axe: Any,
    screenshot: Callable[[Any, str], Path],
) -> None:
    from django.conf import settings

    context = browser.new_context()
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": portal_site.base}
    context.add_cookies([cookie])
    page = context.new_page()
    if who is not None:
        sign_in(page, portal_site.base, getattr(portal_site.seed, who))
    url = path.format(slug=campaign["slug"])
    response = page.goto(portal_site.base + url)
    assert response is not None and response.status == 200, f"{url} answered {response}"
    assert page.locator("html").get_attribute("lang") == language
    assert campaign["name"] in page.locator("main").inner_text()
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = axe.run(page, options=options).response
    shown = "campaign" if "{slug}" in path else "campaigns"
    area = "workspace" if path.startswith("/workspace/") else "public"
    screenshot(page, f"a11y-{area}-{shown}-{(who or 'anonymous').lower()}-{language}")
    context.close()
    found = blocking_violations(results)
    assert not found, f"{url} as {who or 'anybody'} [{language}]:\n" + "\n".join(found)
