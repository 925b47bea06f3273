"""The Vietnamese catalogue is complete and the compiled file matches it."""

import re
from pathlib import Path

import polib

import cleannet.server

LOCALE = Path(cleannet.server.__file__).parent / "locale" / "vi" / "LC_MESSAGES"


def test_it_translates_every_message_into_vietnamese() -> None:
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert missing == []
    assert fuzzy == []


def test_it_ships_a_compiled_catalogue_that_matches_the_source() -> None:
    source = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if e.msgid}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo")) if e.msgid}
    assert compiled == source


def test_it_keeps_placeholders_in_translations() -> None:

    placeholder = re.compile(r"%\(\w+\)[sdr]")
    for entry in polib.pofile(str(LOCALE / "django.po")):
        # Vietnamese has one plural form: it is written from the plural source.
        wanted = sorted(placeholder.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert wanted == sorted(placeholder.findall(translation)), entry.msgid
