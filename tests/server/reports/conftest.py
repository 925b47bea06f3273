"""Fixtures of the report-channel tests (public side and triage): attachments kept in a
temporary directory, signed-in clients per persona, and ``file_report`` to make a report in
one line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from cleannet.server.reports import services
from cleannet.server.reports.models import Report


@pytest.fixture(autouse=True)
def report_dir(tmp_path: Path) -> Iterator[None]:
    with override_settings(CLEANNET_REPORTS_DIR=str(tmp_path / "reports")):
        yield


@pytest.fixture
def signed_in(personas: Any) -> Callable[[str], Client]:
    """``signed_in("analyst")`` returns a client logged in as that persona."""

    def login(name: str) -> Client:
        client = Client()
        client.force_login(getattr(personas, name).user)
        return client

    return login


@pytest.fixture
def file_report(db: Any) -> Callable[..., tuple[Report, str]]:
    """``file_report(kind="phishing", target_url=…)`` files a report through the service
    and returns it with its status secret."""

    def make(**fields: Any) -> tuple[Report, str]:
        values: dict[str, Any] = {
            "kind": "phishing",
            "title": "A fake bank login",
            "description": "It asked for my OTP.",
            "reporter_email": "citizen@example.org",
        }
        values.update(fields)
        organisation = values.pop("organisation", None)
        return services.file_report(None, services.NewReport(**values), organisation)

    return make
