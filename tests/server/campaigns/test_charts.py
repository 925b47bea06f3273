"""Campaign charts: SVG that escapes names, survives empty data and gaps, draws the baseline
and target lines, and that fpdf2 can draw into a PDF."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from xml.etree import ElementTree

import pytest
from django.utils import translation
from fpdf import FPDF

from cleannet.server.campaigns.charts import (
    DASHES,
    PALETTE,
    Series,
    grouped_columns,
    histogram,
    line_chart,
    progress_bars,
    short_number,
)
from cleannet.server.campaigns.pdf import report_document

DAYS = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(4)]
EVIL = '<script>alert("x")</script> & Co'


def _charts(name: str, bucket: str = "1-3 d") -> dict[str, str]:
    return {
        "line": line_chart(DAYS, [Series(name, [4, 3, 2, 1])], label=name, goal=2, baseline=4),
        "bars": progress_bars([(name, 40.0, 50.0), ("Other", None, 50.0)], label=name),
        "columns": grouped_columns(
            [name, "B"], [Series(name, [1, 2]), Series("x", [3, None])], label=name
        ),
        "histogram": histogram([(name, 5), (bucket, 2)], label=name),
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["line", "bars", "columns", "histogram"])
def test_it_escapes_every_name(kind: str) -> None:
    svg = _charts(EVIL)[kind]
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    ElementTree.fromstring(svg)  # noqa: S314 (our own SVG) well-formed: nothing a name could break


@pytest.mark.parametrize("kind", ["line", "bars", "columns", "histogram"])
def test_it_is_an_image_with_a_label_and_tooltips(kind: str) -> None:
    svg = _charts("Song Hong Net")[kind]
    assert 'role="img"' in svg
    assert 'aria-label="Song Hong Net"' in svg
    assert svg.count("<title>") > 2
    assert "class=" not in svg.replace('class="campaign-chart"', "")  # looks right without CSS


@pytest.mark.parametrize("kind", ["line", "bars", "columns", "histogram"])
def test_fpdf2_draws_every_chart(kind: str) -> None:
    document = FPDF()  # its core fonts are Latin-1: English labels (Vietnamese: the next test)
    document.add_page()
    with translation.override("en"):
        svg = _charts("Song Hong Net")[kind]
    document.image(BytesIO(svg.encode()), w=180)
    assert bytes(document.output()).startswith(b"%PDF-")


def test_the_report_font_draws_vietnamese_names_in_every_chart() -> None:
    document = report_document()  # loading the fonts takes a second: one document for all
    for svg in _charts("Mạng Sông Hồng", bucket="1–3 d").values():
        document.add_page()
        document.image(BytesIO(svg.encode()), w=180)
    assert len(re.findall(rb"/Type\s*/Page\b", bytes(document.output()))) == 4


def test_it_says_there_is_no_data_yet_for_empty_charts() -> None:
    with translation.override("en"):
        charts = [
            line_chart([], [], label="Addresses"),
            line_chart(DAYS, [Series("a", [None] * 4)], label="Addresses"),
            progress_bars([], label="Progress"),
            grouped_columns([], [], label="Notices"),
            histogram([("< 1 d", 0)], label="Time to clean"),
        ]
    for svg in charts:
        assert "No data yet." in svg
        assert 'role="img"' in svg
        ElementTree.fromstring(svg)  # noqa: S314 (our own SVG)


def test_it_leaves_a_gap_where_a_day_has_no_value() -> None:
    svg = line_chart(DAYS, [Series("a", [5, None, 3, 4])], label="Addresses")
    polylines = re.findall(r'<polyline points="([^"]*)"', svg)
    assert len(polylines) == 1  # the lone first point is a dot, not a line to day three
    assert len(polylines[0].split()) == 2
    assert svg.count("<circle") == 3


def test_it_draws_dashed_baseline_and_target_lines() -> None:
    with translation.override("en"):
        svg = line_chart(
            DAYS, [Series("a", [900, 800, 700, 650])], label="x", goal=500, baseline=1000
        )
    assert "Baseline: 1k" in svg and "Target: 500" in svg
    lines = re.findall(r"<line [^>]*stroke-dasharray[^>]*/>", svg)
    assert len(lines) >= 2 + 2  # two in the legend, two across the plot


def test_it_puts_the_target_and_baseline_inside_the_axis() -> None:
    svg = line_chart(DAYS, [Series("a", [10, 20, 30, 40])], label="x", baseline=2_400_000)
    assert ">3M<" in svg  # the axis grew to hold the baseline


def test_it_thins_the_day_labels() -> None:
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(90)]
    svg = line_chart(days, [Series("a", list(range(90)))], label="x")
    labels = re.findall(r'font-size="10" [^>]*text-anchor="middle">(\d+/\d+)<', svg)
    assert 2 <= len(labels) <= 9
    assert labels[0] == "1/1" and labels[-1] == "31/3"


def test_it_tells_series_apart_by_colour_and_dash() -> None:
    svg = line_chart(DAYS, [Series(f"s{i}", [1, 2, 3, 4]) for i in range(3)], label="x")
    for i in range(3):
        assert f'stroke="{PALETTE[i]}"' in svg
    assert f'stroke-dasharray="{DASHES[1]}"' in svg and f'stroke-dasharray="{DASHES[2]}"' in svg


def test_it_says_in_words_when_an_isp_has_no_baseline() -> None:
    with translation.override("en"):
        svg = progress_bars([("A", None, 50.0), ("B", -30.0, 50.0)], label="x")
    assert "no baseline" in svg
    assert ">-50%<" in svg  # the scale reaches below zero for a rise
    assert ">-30%<" in svg


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (999, "999"), (1500, "1.5k"), (350_000, "350k"), (1_234_567, "1.2M"), (2.5, "2.5")],
)
def test_it_writes_short_numbers(value: float, text: str) -> None:
    assert short_number(value) == text
