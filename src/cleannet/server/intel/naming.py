"""Folding malware names so that the spellings feeds use meet one alias key.

"win.agent_tesla" (Malpedia), "Agent Tesla" (vendors), "AgentTesla" and "agent-tesla"
all fold to ``agenttesla``.
"""

from __future__ import annotations

import re

# Malpedia writes the platform in front of the family ("win.emotet", "elf.mirai").
_MALPEDIA_PLATFORM = re.compile(
    r"^(?:aix|apk|asp|elf|fas|ios|jar|js|osx|php|pl|ps1|py|sh|symbian|vbs|win)\."
)
_SEPARATORS = re.compile(r"[\s_.\-]+")


def alias_key(name: str) -> str:
    """Return ``name`` lower-cased, Malpedia platform dropped, separators removed.

    Returns ``""`` for a name made only of separators.
    """
    text = name.strip().lower()
    text = _MALPEDIA_PLATFORM.sub("", text)
    return _SEPARATORS.sub("", text)
