"""A campaign report as PDF, ready to publish: headline figures, the dashboard's charts (the
same SVG), per-ISP and per-family tables and how the figures are counted, in Vietnamese or
English. Drawn with fpdf2 and the DejaVu Sans font (it has every Vietnamese glyph)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path

from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from fontTools import ttLib  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from cleannet.server.campaigns import pdf_sections
from cleannet.server.campaigns.models import Campaign
from cleannet.server.campaigns.pdf_charts import report_charts
from cleannet.server.campaigns.progress import CampaignProgress, campaign_progress

__all__ = ["FONT_DIR", "FONT_FAMILY", "campaign_pdf", "progress_pdf", "report_document"]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
"""Where Debian's fonts-dejavu-core puts DejaVu Sans (scripts/system-deps installs it)."""
FONT_FAMILY = "DejaVu Sans"  # the family the charts' SVG names first, so fpdf2 uses it there too
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_VIEW_BOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


class ReportDocument(FPDF):
    """An A4 page with CleanNet's footer: when it was generated and the page number."""

    def __init__(self, generated_at: dt.datetime) -> None:
        super().__init__(format="A4")
        self.generated_at = generated_at
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(90, 90, 90)
        stamp = _("Generated %(time)s UTC") % {"time": f"{self.generated_at:%Y-%m-%d %H:%M}"}
        page = _("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(self.epw / 2, 6, stamp, align="L")
        self.cell(self.epw / 2, 6, page, align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 13, *, keep_with: float = 30) -> None:
        """Write a bold section heading, on a new page when the heading and the first
        ``keep_with`` millimetres of what follows would not fit."""
        if self.will_page_break(size * 0.55 + 4 + keep_with):
            self.add_page()
        self.ln(3)
        self.set_font(FONT_FAMILY, "B", size)
        self.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT_FAMILY, size=10)
        self.ln(1)

    def paragraph(self, text: str) -> None:
        self.set_font(FONT_FAMILY, size=10)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def chart(self, heading: str, chart: SafeString) -> None:
        """Draw a chart's SVG across the page under ``heading``, both on one page (tooltips
        left out: paper has no hover)."""
        markup = str(chart)
        width, height = (float(v) for v in _VIEW_BOX.findall(markup)[0])
        drawn_height = self.epw * height / width
        self.heading(heading, size=11, keep_with=drawn_height)
        data = _TITLE.sub("", markup).encode("utf-8")
        self.image(BytesIO(data), x=self.l_margin, y=self.get_y(), w=self.epw, h=drawn_height)
        self.set_y(self.get_y() + drawn_height + 2)


_NEVER_EMBEDDED = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT",
                   "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR")  # fmt: skip
"""The tables fpdf2 2.8's ``output()`` drops from every font subset it embeds."""


@functools.cache
def _parsed_font(path: Path, style: str) -> TTFFont:
    """Return the font file parsed by fpdf2 once per process (about 60 ms each): its metrics
    and glyph map, which documents read and never write."""
    font = TTFFont(FPDF(), path, f"{FONT_FAMILY.lower()}{style}", style)
    font.ttfont.close()  # read: each document opens its own (``_add_parsed_font``)
    return font


@functools.cache
def _embeddable_font(path: Path) -> bytes:
    """Return the font file without the tables no subset keeps: fontTools would otherwise
    decompile GSUB and GPOS for every document (about 25 ms a font) only to drop them."""
    out = BytesIO()
    with ttLib.TTFont(path, recalcTimestamp=False, lazy=True) as font:
        gone = _NEVER_EMBEDDED + (("kern",) if "GPOS" in font else ())  # fontTools drops it then
        for tag in gone:
            if tag in font:
                del font[tag]
        font.save(out)
    return out.getvalue()


def _add_parsed_font(document: FPDF, style: str, path: Path) -> None:
    """Add the font at ``path`` to ``document`` as ``FPDF.add_font`` does, from the parse
    shared by every document, with what one document changes its own: the widths read
    (missing characters get added), the glyphs used and the fontTools font that ``output()``
    cuts down to them in place (opened lazily: under a millisecond)."""
    shared = _parsed_font(path, style)
    if shared.is_cff or shared.color_font is not None:  # not DejaVu: let fpdf2 do it all
        document.add_font(FONT_FAMILY, style, str(path))
        return
    font = copy.copy(shared)
    font.i = len(document.fonts) + 1
    font.ttfont = ttLib.TTFont(BytesIO(_embeddable_font(path)), recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(shared.cw)  # a defaultdict: reading a missing character adds it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font.subset = SubsetMap(font)
    document.fonts[font.fontkey] = font


def report_document(generated_at: dt.datetime | None = None) -> ReportDocument:
    """Return an empty report with DejaVu Sans loaded. Raise ``FileNotFoundError`` naming the
    font file when it is missing (Debian package fonts-dejavu-core)."""
    document = ReportDocument(generated_at or timezone.now())
    for style, name in FONT_FILES.items():
        path = FONT_DIR / name
        if not path.is_file():
            raise FileNotFoundError(
                f"PDF reports need the font file {path} (Debian package fonts-dejavu-core)"
            )
        _add_parsed_font(document, style, path)
    document.set_font(FONT_FAMILY, size=10)
    document.set_creator("CleanNet")
    return document


def progress_pdf(progress: CampaignProgress, *, generated_at: dt.datetime | None = None) -> bytes:
    """Return the PDF of ``progress`` in the active language."""
    document = report_document(generated_at)
    document.set_title(_("Campaign report: %(name)s") % {"name": progress.campaign.name})
    document.set_lang(translation.get_language() or "vi")
    document.add_page()
    pdf_sections.title_block(document, progress)
    pdf_sections.headline_figures(document, progress)
    for heading, chart in report_charts(progress):
        document.chart(heading, chart)
    pdf_sections.isp_table(document, progress)
    pdf_sections.family_table(document, progress)
    pdf_sections.methodology(document, progress)
    return bytes(document.output())


def campaign_pdf(
    campaign: Campaign,
    *,
    language: str = "vi",
    since: dt.date | None = None,
    until: dt.date | None = None,
    organisations: Iterable[int] | None = None,
) -> bytes:
    """Return the campaign's report as PDF bytes in ``language`` ("vi" or "en"), over its whole
    run or ``since``/``until`` (a month's bounds for a monthly report), for every participant or
    only ``organisations`` (ids). Raise ``FileNotFoundError`` when the font is missing."""
    with translation.override(language):
        progress = campaign_progress(
            campaign, organisations=organisations, since=since, until=until
        )
        return progress_pdf(progress)
