"""The demo world: a seeded, fictitious country and the loader that writes it.

``generate_world`` is pure (no Django) and deterministic; ``load_world`` writes a world
through the service functions of accounts, networks and intel, skipping whatever is
already there. The loader needs configured Django settings and is imported only when
first asked for, so generating a world does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleannet.server.demo.world import (
    DemoAbuseContact,
    DemoAutonomousSystem,
    DemoFamily,
    DemoFeed,
    DemoOrganisation,
    DemoPrefix,
    DemoUser,
    EventDict,
    World,
    generate_world,
)
from cleannet.server.demo.world_indicators import Sighting, indicator_sightings

if TYPE_CHECKING:
    from cleannet.server.demo.load import LoadSummary, Progress, load_world
    from cleannet.server.demo.logins import DemoLogin, demo_passwords, ensure_demo_logins

__all__ = [
    "DemoAbuseContact",
    "DemoAutonomousSystem",
    "DemoFamily",
    "DemoFeed",
    "DemoLogin",
    "DemoOrganisation",
    "DemoPrefix",
    "DemoUser",
    "EventDict",
    "LoadSummary",
    "Progress",
    "Sighting",
    "World",
    "demo_passwords",
    "ensure_demo_logins",
    "generate_world",
    "indicator_sightings",
    "load_world",
]

_LAZY_LOAD = frozenset({"LoadSummary", "Progress", "load_world"})
_LAZY_LOGINS = frozenset({"DemoLogin", "demo_passwords", "ensure_demo_logins"})


def __getattr__(name: str) -> Any:
    # The loader and logins import Django models; a pure caller must not pay for that.
    if name in _LAZY_LOAD:
        from cleannet.server.demo import load

        return getattr(load, name)
    if name in _LAZY_LOGINS:
        from cleannet.server.demo import logins

        return getattr(logins, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
