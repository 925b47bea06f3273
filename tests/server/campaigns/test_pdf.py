"""The campaign PDF report: Vietnamese or English text, figures, charts, page numbers.

Neither pypdf nor pdftotext is installed, so ``pdf_text`` reads the text back itself: fpdf2
writes uncompressed-object PDFs whose Type0 fonts carry a ToUnicode map of their glyph codes.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

import pytest
from django.utils import translation

from cleannet.server.campaigns import pdf
from cleannet.server.campaigns.pdf import FONT_FAMILY, campaign_pdf, progress_pdf
from cleannet.server.campaigns.progress import campaign_progress, month_bounds

from .report_world import NAME, ReportWorld, report_world_fixture  # noqa: F401

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n")
_LENGTH = re.compile(rb"/Length (\d+)")
_TOKEN = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    # The data is exactly /Length bytes: compressed data may itself end in "\r", so the end
    # of line before "endstream" cannot be told from it.
    found = _STREAM.search(body)
    length = _LENGTH.search(body[: found.start()]) if found else None
    if not found or not length:
        return b""
    raw = body[found.end() : found.end() + int(length.group(1))]
    return zlib.decompress(raw) if b"/FlateDecode" in body[: found.start()] else raw


def _cmap(stream: bytes) -> dict[int, str]:
    codes: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.DOTALL):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            codes[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.DOTALL):
        for low, high, first in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                codes[int(low, 16) + offset] = chr(int(first, 16) + offset)
    return codes


def _literal(token: bytes) -> bytes:
    inner, out, i = token[1:-1], bytearray(), 0
    while i < len(inner):
        if inner[i : i + 1] == b"\\":
            octal = re.match(rb"[0-7]{1,3}", inner[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            out += _ESCAPES.get(inner[i + 1 : i + 2], inner[i + 1 : i + 2])
            i += 2
        else:
            out += inner[i : i + 1]
            i += 1
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """Return the text drawn in a PDF made by fpdf2 with TrueType fonts, its strings joined
    by single spaces (so a paragraph wrapped over lines reads as one)."""
    objects = {int(n): body for n, body in _OBJECT.findall(data)}
    cmaps = {}
    for number, body in objects.items():
        if found := re.search(rb"/ToUnicode (\d+) 0 R", body):
            cmaps[number] = _cmap(_stream(objects[int(found.group(1))]))
    fonts = {
        name.decode(): cmaps.get(int(num), {})
        for name, num in re.findall(rb"/(F\d+) (\d+) 0 R", data)
    }
    lines = []
    for body in objects.values():
        if b"/FontFile" in body or b"/Length1" in body or b"CIDInit" in body:
            continue
        font: dict[int, str] = {}
        for token in _TOKEN.finditer(_stream(body)):
            if token.group(1):
                font = fonts.get(token.group(1).decode(), {})
                continue
            raw = (
                _literal(token.group())
                if token.group().startswith(b"(")
                else bytes.fromhex(token.group()[1:-1].decode())
            )
            codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
            lines.append("".join(font.get(code, "") for code in codes))
    return re.sub(r"\s+", " ", " ".join(lines))


def _without_dates(data: bytes) -> bytes:
    """Return ``data`` without what fpdf2 stamps from the clock: creation date and file id."""
    data = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", data)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", data)


def _pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", data))


# Each report takes a fraction of a second (fpdf2 lays out every table cell twice and cuts a
# subset of both DejaVu fonts), so each test below makes few reports and checks several
# things of each.


def test_it_writes_a_pdf_in_vietnamese_with_the_figures(report_world: ReportWorld) -> None:
    data = campaign_pdf(report_world.campaign, language="vi")
    text = pdf_text(data)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert NAME in text
    assert "Giảm một nửa số địa chỉ nhiễm Mirai." in text  # the Vietnamese summary
    assert "1500" in text and "1050" in text and "750" in text  # baseline, current, target
    assert "30,0%" in text  # the reduction, with the Vietnamese decimal comma
    assert "Song Hong Net" in text and "Phuong Nam Net" in text
    assert "20/11/2026" in text


def test_it_writes_the_report_in_english_with_charts_and_page_numbers(
    report_world: ReportWorld,
) -> None:
    data = campaign_pdf(report_world.campaign, language="en")
    text = pdf_text(data)
    pages = _pages(data)
    assert "Halve the addresses infected by Mirai." in text
    assert "Headline figures" in text and "Methodology" in text
    assert "1,500" in text and "30.0% (goal 50%)" in text
    assert "No subscriber identity leaves an ISP" in text
    assert "Baseline: 1.5k" in text and "Target: 750" in text  # the national chart's lines
    assert "Acknowledged" in text and "≥ 30 d" in text  # notices columns, time to clean
    assert "Measured through Dec. 1, 2026." in text
    assert pages >= 2
    assert "Page 1 of" in text and f"Page {pages} of {pages}" in text
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", text)


def test_it_reports_a_month_of_one_isp(report_world: ReportWorld) -> None:
    since, until = month_bounds(2026, 11)
    own = [report_world.personas.isp_org.id]
    data = campaign_pdf(
        report_world.campaign, language="en", since=since, until=until, organisations=own
    )
    text = pdf_text(data)
    assert "Period: Nov. 1, 2026 – Nov. 30, 2026" in text
    assert "Measured through Nov. 30, 2026." in text
    assert "Song Hong Net" in text
    assert "Phuong Nam Net" not in text


def test_it_writes_a_report_before_anything_is_measured(report_world: ReportWorld) -> None:
    report_world.campaign.snapshots.all().delete()
    text = pdf_text(campaign_pdf(report_world.campaign, language="en"))
    assert "Not measured yet." in text
    assert "No data yet." in text


def test_it_says_which_font_file_is_missing(
    report_world: ReportWorld, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"DejaVuSans\.ttf"):
        campaign_pdf(report_world.campaign)


def test_it_writes_reports_in_a_row_each_with_its_own_language(
    report_world: ReportWorld,
) -> None:
    # The fonts are parsed once per process: each report must still embed its own glyphs.
    english, vietnamese, again = (
        pdf_text(campaign_pdf(report_world.campaign, language=language))
        for language in ("en", "vi", "en")
    )
    assert "Halve the addresses infected by Mirai." in english
    assert "Giảm một nửa số địa chỉ nhiễm Mirai." not in english
    assert "Giảm một nửa số địa chỉ nhiễm Mirai." in vietnamese
    assert NAME in vietnamese and "Headline figures" not in vietnamese
    assert again == english


def test_it_embeds_the_same_fonts_as_fpdf2_parsing_them_itself(
    report_world: ReportWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    when = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    with translation.override("vi"):
        progress = campaign_progress(report_world.campaign)
        shared = progress_pdf(progress, generated_at=when)
        monkeypatch.setattr(
            pdf,
            "_add_parsed_font",
            lambda document, style, path: document.add_font(FONT_FAMILY, style, str(path)),
        )
        parsed_here = progress_pdf(progress, generated_at=when)
    assert _without_dates(shared) == _without_dates(parsed_here)
