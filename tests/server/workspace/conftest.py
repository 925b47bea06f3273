"""Fixtures of the workspace tests: signed-in clients per persona."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client


@pytest.fixture
def signed_in(personas: Any) -> Callable[[str], Client]:
    """``signed_in("isp")`` returns a client logged in as that persona."""

    def login(name: str) -> Client:
        client = Client()
        client.force_login(getattr(personas, name).user)
        return client

    return login
