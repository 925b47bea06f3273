"""The figures behind ``cleannet brands evaluate``, with a stand-in scorer whose answers are
known, so that every count is checked by hand."""

from __future__ import annotations

import pytest

from cleannet.cli.brands_evaluation import counts_at, read_labelled, score_labelled
from cleannet.core.errors import InvalidValue, ParseError
from cleannet.engines.lookalike.model import Verdict

SCORES = {"fake-high.top": 90, "fake-mid.top": 55, "fake-low.top": 10, "legit-high.com": 70}


def stand_in(name: str) -> Verdict:
    if name == "refused!":
        raise InvalidValue("name", name, "not a hostname")
    points = SCORES.get(name, 0)
    return Verdict(name, name, name, "brand" if points else None, points)


TEXT = """\ufeffName,Label,Brand,Source
fake-high.top,fake,brand,a
fake-mid.top,phishing,brand,b
fake-low.top,1,,c

legit-high.com,legit,,d
legit-low.com,benign,,e
refused!,Fake,,f
"""


def test_it_reads_every_label_spelling_and_skips_blank_rows() -> None:
    items = read_labelled(TEXT)

    assert [(item.row, item.name, item.fake) for item in items] == [
        (2, "fake-high.top", True),
        (3, "fake-mid.top", True),
        (4, "fake-low.top", True),
        (6, "legit-high.com", False),
        (7, "legit-low.com", False),
        (8, "refused!", True),
    ]
    assert (items[0].brand, items[0].source) == ("brand", "a")


def test_it_counts_at_a_threshold_and_a_refused_fake_is_a_miss() -> None:
    scored = score_labelled(read_labelled(TEXT), stand_in)

    counts = counts_at(scored, 60)

    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (1, 1, 3, 1)
    assert counts.precision == 0.5 and counts.recall == 0.25
    assert counts.f1 == pytest.approx(1 / 3)
    assert [entry.item.name for entry in counts.false_negatives] == [
        "fake-mid.top",
        "fake-low.top",
        "refused!",
    ]
    assert counts.false_negatives[-1].refused == "not a hostname"


def test_a_lower_threshold_trades_precision_for_recall() -> None:
    scored = score_labelled(read_labelled(TEXT), stand_in)

    counts = counts_at(scored, 10)

    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (3, 1, 1, 1)


def test_figures_without_a_denominator_are_undefined() -> None:
    counts = counts_at([], 60)

    assert (counts.precision, counts.recall, counts.f1) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "row", "field"),
    [
        ("name,label\nexample.org,perhaps\n", 2, "label"),
        ("name,label\n,fake\n", 2, "name"),
        ("host,label\nexample.org,fake\n", 1, "header"),
    ],
)
def test_it_refuses_a_bad_row_naming_row_and_field(text: str, row: int, field: str) -> None:
    with pytest.raises(ParseError) as refused:
        read_labelled(text)

    assert (refused.value.row, refused.value.field) == (row, field)
