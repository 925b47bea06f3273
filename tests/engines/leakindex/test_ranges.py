"""Range answers in the Pwned Passwords wire format, with and without padding."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.engines.leakindex import Kind, RangeStore, range_response, ranges, render_range

Make = Callable[..., RangeStore]
PASSWORD = "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"
LINE = re.compile(r"[0-9A-F]{35}:\d+")


def test_it_joins_lines_with_crlf_and_no_final_line_break() -> None:
    text = render_range([("0" * 35, 1), ("1E4C9B93F3F0682250B6CF8331B7EE68FD8", 52579)], 35, False)

    assert text == "0" * 35 + ":1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:52579"


def test_it_answers_an_empty_range_with_empty_text() -> None:
    assert render_range([], 35, False) == ""


def test_it_pads_a_small_range_to_800_to_1000_lines_of_count_zero() -> None:
    real = [("1E4C9B93F3F0682250B6CF8331B7EE68FD8", 3), ("F" * 35, 1)]
    sizes = set()
    for _ in range(40):
        lines = render_range(real, 35, True).split("\r\n")
        sizes.add(len(lines))
        assert 800 <= len(lines) <= 1000
        assert all(LINE.fullmatch(line) for line in lines)
        padding = [line for line in lines if line.endswith(":0")]
        assert len(padding) == len(lines) - 2
        assert [line for line in lines if not line.endswith(":0")] == [
            "1E4C9B93F3F0682250B6CF8331B7EE68FD8:3",
            "F" * 35 + ":1",
        ]
        assert lines == sorted(lines)
    assert len(sizes) > 5  # the size is drawn, not fixed


def test_it_pads_an_empty_range_too() -> None:
    lines = render_range([], 27, True).split("\r\n")

    assert 800 <= len(lines) <= 1000
    assert all(re.fullmatch(r"[0-9A-F]{27}:0", line) for line in lines)
    assert len(set(lines)) == len(lines)


def test_it_pads_a_large_range_with_up_to_200_more_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    real = [(f"{i:035X}", 1) for i in range(1500)]

    lines = render_range(real, 35, True).split("\r\n")
    monkeypatch.setattr(ranges.secrets, "randbelow", lambda _limit: 0)
    unpadded = render_range(real, 35, True).split("\r\n")

    assert 1500 <= len(lines) <= 1700
    assert sum(1 for line in lines if not line.endswith(":0")) == 1500
    assert lines == sorted(lines)
    assert unpadded == [f"{i:035X}:1" for i in range(1500)]  # drawn 0 extra lines


def test_it_answers_a_prefix_from_a_store(make_store: Make) -> None:
    store = make_store([(PASSWORD, 3), ("5BAA6" + "0" * 35, 1), ("5BAA7" + "0" * 35, 1)])

    assert range_response([store], "5baa6") == (
        "0" * 35 + ":1\r\n1E4C9B93F3F0682250B6CF8331B7EE68FD8:3"
    )
    assert range_response([store], "00000") == ""


def test_it_adds_the_counts_of_one_hash_in_several_stores(make_store: Make) -> None:
    first = make_store([(PASSWORD, 3), ("5BAA6" + "0" * 35, 1)], name="first")
    second = make_store([(PASSWORD, 4), ("5BAA6" + "F" * 35, 2)], name="second")

    answer = range_response([first, second], "5BAA6")

    assert answer.split("\r\n") == [
        "0" * 35 + ":1",
        "1E4C9B93F3F0682250B6CF8331B7EE68FD8:7",
        "F" * 35 + ":2",
    ]


def test_it_pads_an_answer_from_a_store(make_store: Make) -> None:
    store = make_store([(PASSWORD, 3)])

    lines = range_response([store], "5BAA6", padding=True).split("\r\n")

    assert 800 <= len(lines) <= 1000
    assert "1E4C9B93F3F0682250B6CF8331B7EE68FD8:3" in lines


def test_it_answers_six_hex_prefixes_of_accounts(make_store: Make) -> None:
    store = make_store([("ABCDEF" + "1" * 34, 1), ("ABCDE0" + "2" * 34, 1)], kind=Kind.EMAIL)

    assert range_response([store], "ABCDEF") == "1" * 34 + ":1"


def test_it_refuses_stores_of_different_kinds_and_bad_prefixes(make_store: Make) -> None:
    sha1 = make_store([PASSWORD], name="sha1")
    email = make_store([PASSWORD], kind=Kind.EMAIL, name="email")

    with pytest.raises(ValueError, match="one kind"):
        range_response([sha1, email], "5BAA6")
    with pytest.raises(InvalidValue):
        range_response([sha1], "5BAA")
