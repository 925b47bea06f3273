"""What several browser tests do the same way: run a seeding script, sign in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_seed_script(site: Any, script: Path, *args: str) -> dict[str, Any]:
    """Run ``script`` (one of ours) against the served site's database; return its JSON."""
    done = subprocess.run(  # noqa: S603 (our own script, our arguments)
        [sys.executable, str(script), *args],
        env=site.env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def sign_in(page: Any, base: str, login: tuple[str, str]) -> None:
    """Sign in through the login form; fail the test if the site refuses ``login``."""
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", login[0])
    page.fill("#id_password", login[1])
    page.locator('form[action="/accounts/login/"] button[type="submit"]').click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{login[0]} could not sign in"
