"""Fixtures of the encyclopedia tests: the families they name."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _families(db: Any) -> None:
    """The families the tests name, as feeds would have added them."""
    from cleannet.server.intel import services as intel

    for name, kind in (("Mirai", "botnet"), ("Emotet", "botnet")):
        intel.add_family(None, name, kind)
