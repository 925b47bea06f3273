"""The breach-notice app's own Vietnamese catalogue is complete and compiled."""

import re
from pathlib import Path

import polib

import cleannet.server.breachnotices

LOCALE = Path(cleannet.server.breachnotices.__file__).parent / "locale" / "vi" / "LC_MESSAGES"


def test_it_translates_every_message_into_vietnamese() -> None:
    catalogue = polib.pofile(str(LOCALE / "django.po"))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert len(catalogue) > 100


def test_it_ships_a_compiled_catalogue_that_matches_the_source() -> None:
    def pairs(catalogue: polib._BaseFile) -> dict[str, object]:
        return {e.msgid: e.msgstr or e.msgstr_plural for e in catalogue if e.msgid}

    source = polib.pofile(str(LOCALE / "django.po"))
    compiled = polib.mofile(str(LOCALE / "django.mo"))
    assert pairs(compiled) == pairs(source)


def test_it_keeps_placeholders_in_translations() -> None:
    placeholder = re.compile(r"%\(\w+\)[sdr]")
    for entry in polib.pofile(str(LOCALE / "django.po")):
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert sorted(set(placeholder.findall(entry.msgid))) == sorted(
            set(placeholder.findall(translated))
        ), entry.msgid
