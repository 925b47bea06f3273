"""The example env file documents every key that the config module reads, and no other."""

import re
from pathlib import Path

import cleannet.server.config as config_module
import cleannet.server.config_notices as notices_module
import cleannet.server.config_sections as sections_module

ROOT = Path(__file__).resolve().parents[2]


def _keys_read_by_config() -> set[str]:
    source = "".join(
        Path(module.__file__).read_text(encoding="utf-8")
        for module in (config_module, sections_module, notices_module)
    )
    keys = set(re.findall(r'"((?:CLEANNET_|DATABASE_)[A-Z_]+)"', source))
    return keys - set(re.findall(r'"([A-Z_]+_FILE)"', source))


def _keys_documented() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*((?:CLEANNET_|DATABASE_)[A-Z_]+)=", text, flags=re.MULTILINE))


def test_it_documents_every_setting_in_the_example_file() -> None:
    assert _keys_read_by_config() <= _keys_documented()


def test_it_documents_no_setting_the_code_does_not_read() -> None:
    assert _keys_documented() <= _keys_read_by_config()
