"""Filename IOCs: one combined set, portable separators, env vars, flags, bad lines."""

from __future__ import annotations

import re

from cleannet.scanner.signatures import FilenameSet
from cleannet.scanner.signatures.filenames import portable_regex
from cleannet.scanner.signatures.literals import required_literal

SAMPLE = r"""# Sysinternals tools used by attackers
(?i)\\procdump(64)?(a)?\.(exe|zip);50;(?i)(SysInternals\\)
# USB driver dropped by the test campaign
\\usbclass\.sys;80

# Fake svchost outside System32
%SystemRoot%\\svchost\.exe\.bak;70
/tmp/\.hidden-[a-z]+/run;60
\\PsExec\.exe;-60
"""


def parse(text: str = SAMPLE) -> FilenameSet:
    iocs, problems = FilenameSet.parse(text, "filename-iocs.txt")
    assert problems == []
    return iocs


def test_it_names_each_match_by_the_last_comment_line() -> None:
    found = parse().match(r"C:\Temp\ProcDump64.exe")
    assert found == [("Sysinternals tools used by attackers", 50)]


def test_a_windows_pattern_matches_a_path_with_forward_slashes_too() -> None:
    iocs = parse()
    assert iocs.match("/mnt/c/drivers/usbclass.sys") == [
        ("USB driver dropped by the test campaign", 80)
    ]
    assert iocs.match(r"D:\drivers\usbclass.sys") != []
    assert iocs.match("/tmp/.hidden-abc/run") == [("Fake svchost outside System32", 60)]
    assert iocs.match(r"C:\tmp\.hidden-abc\run") != []


def test_the_false_positive_regex_suppresses_a_match() -> None:
    assert parse().match(r"C:\Tools\SysInternals\procdump.exe") == []


def test_case_matters_unless_the_pattern_says_i() -> None:
    iocs = parse()
    assert iocs.match(r"C:\x\USBCLASS.SYS") == []
    assert iocs.match(r"C:\x\PROCDUMP.EXE") != []


def test_an_environment_variable_stands_for_its_usual_folders() -> None:
    iocs = parse()
    assert iocs.match(r"C:\Windows\svchost.exe.bak") == [("Fake svchost outside System32", 70)]
    assert iocs.match(r"C:\Users\an\svchost.exe.bak") == []


def test_negative_scores_are_kept_for_down_scoring() -> None:
    assert parse().match(r"C:\Tools\PsExec.exe") == [("Fake svchost outside System32", -60)]


def test_a_bad_regex_or_a_missing_score_is_reported_with_its_line() -> None:
    text = "# x\n[unclosed;50\nno-score-here\n\\\\good\\.exe;40;(broken\n\\\\fine\\.exe;40\n"
    iocs, problems = FilenameSet.parse(text, "filename-iocs.txt")
    assert [p.line for p in problems] == [2, 3, 4]
    assert "does not compile" in problems[0].reason
    assert "regex;score" in problems[1].reason
    assert "false-positive" in problems[2].reason
    assert len(iocs) == 1


def test_inline_flags_never_leak_into_another_pattern() -> None:
    iocs = parse("# a\n(?i)\\\\one\\.exe;50\n# b\n\\\\Two\\.exe;50\n")
    assert iocs.match(r"C:\TWO.EXE") == []
    assert portable_regex("(?i)/a") == r"(?i:[\\/]a)"


def test_every_matching_pattern_is_named_not_only_the_first() -> None:
    text = "# first\n\\\\evil\\.exe;50\n# second\n(?i)evil;40\n# third\n[0-9]x;30\n"
    iocs = parse(text)
    assert sorted(iocs.match("/opt/evil.exe")) == [("first", 50), ("second", 40)]
    assert iocs.match("/opt/7x") == [("third", 30)]


def test_the_prefilter_literal_is_required_by_the_regex() -> None:
    assert required_literal(portable_regex(r"\\usbclass\.sys")) == "usbclass.sys"
    assert required_literal(portable_regex(r"(?i)\\procdump(64)?\.exe")) == "procdump"
    assert required_literal(r"a|b") is None
    assert required_literal(r"(ab)+cdef") == "cdef"
    assert required_literal(r"x(?:ab)?wxyz") == "wxyz"


def test_the_prefilter_agrees_with_plain_regex_search_on_awkward_paths() -> None:
    text = "# a\n(?i)\\\\sekurlsa\\.log;80\n# b\nKelvin\\\\x;50\n# c\n(?i)lsass_dump;70\n"
    iocs = parse(text)
    paths = [r"C:\SEKURLSA.LOG", r"C:\ſekurlsa.log", "/x/Kelvin/x", "/x/kelvin/x", "LSASS_DUMP"]
    for path in paths:
        expected = sorted(
            (i.name, i.score) for i in iocs.iocs if re.search(i.portable, path) is not None
        )
        assert sorted(iocs.match(path)) == expected, path
