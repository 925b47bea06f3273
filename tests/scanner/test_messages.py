"""The scanner speaks Vietnamese and English: same sentences, same placeholders."""

from __future__ import annotations

import io
import string

import pytest

from cleannet.scanner.messages import MESSAGES, Messages, is_yes, language_from_environment
from cleannet.scanner.model import Action, Detection, DetectionKind, ScanReport, Totals
from cleannet.scanner.progress import Progress
from cleannet.scanner.report import summary_text


def _placeholders(text: str) -> list[tuple[str, str]]:
    return sorted(
        (name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None
    )


def test_both_languages_have_the_same_keys() -> None:
    assert set(MESSAGES["vi"]) == set(MESSAGES["en"])


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_both_languages_have_the_same_placeholders(key: str) -> None:
    assert _placeholders(MESSAGES["vi"][key]) == _placeholders(MESSAGES["en"][key])


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "vi_VN.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins, as POSIX says
        ({"LC_ALL": "", "LC_MESSAGES": "vi_VN", "LANG": "en_GB"}, "vi"),
        ({}, "en"),
    ],
)
def test_it_picks_the_language_from_the_locale(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


def test_it_understands_yes_in_both_languages() -> None:
    assert all(is_yes(a) for a in ("y", "YES", " có\n", "c", "co"))
    assert not any(is_yes(a) for a in ("", "n", "không", "k", "yes please"))


def _report() -> ScanReport:
    found = Detection("/tmp/x.exe", "Test.Sig", DetectionKind.HASH, action=Action.QUARANTINED)
    return ScanReport(detections=[found], totals=Totals(files=3, detections=1, seconds=1.0))


def test_the_summary_is_in_vietnamese_when_asked() -> None:
    text = summary_text(_report(), lang="vi")
    assert "/tmp/x.exe: PHÁT HIỆN Test.Sig (hash, quarantined)" in text
    assert "Số tệp đã quét: 3" in text and "tệp mẫu trên máy" in text
    assert "FOUND" not in text and "Scanned files" not in text


def test_the_summary_stays_english_by_default() -> None:
    text = summary_text(_report())
    assert "/tmp/x.exe: Test.Sig FOUND (hash, quarantined)" in text
    assert "Scanned files: 3 (archives: 0)" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_line_speaks_the_chosen_language() -> None:
    vietnamese = Progress(4, 400, stream=_Terminal(), lang="vi")
    vietnamese.advance(100)
    assert "1/4 tệp" in vietnamese.line() and "còn" in vietnamese.line()
    english = Progress(4, 400, stream=_Terminal(), lang="en")
    english.advance(100)
    assert "1/4 files" in english.line() and "ETA" in english.line()


def test_an_unknown_language_falls_back_to_english() -> None:
    assert Messages("fr")("detections", count=2) == "Detections: 2"
