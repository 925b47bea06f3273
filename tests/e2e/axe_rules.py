"""What the accessibility checks ask of axe, and how a result reads: shared by the portal's
and the notice page's browser tests."""

from __future__ import annotations

from typing import Any

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def blocking_violations(results: dict[str, Any]) -> list[str]:
    """One line per serious or critical violation: rule, impact, the first elements hit."""
    lines = []
    for violation in results["violations"]:
        if violation.get("impact") in BLOCKING:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
            lines.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return lines
