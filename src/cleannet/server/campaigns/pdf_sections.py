"""The text sections of a campaign report: title, headline figures, tables and methodology.
Each writes onto an fpdf2 document in the active language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats, translation
from django.utils.translation import gettext as _

from cleannet.server.campaigns.models import ParticipantStatus
from cleannet.server.campaigns.progress import CampaignProgress, IspLine

if TYPE_CHECKING:
    from cleannet.server.campaigns.pdf import ReportDocument

__all__ = ["family_table", "headline_figures", "isp_table", "methodology", "title_block"]


_DATE_FORMATS = {"vi": "d/m/Y"}  # "Ngày 01 tháng 12 năm 2026" reads badly inside a sentence


def _day(day: dt.date) -> str:
    language = translation.get_language() or ""
    return str(formats.date_format(day, _DATE_FORMATS.get(language, "DATE_FORMAT")))


def _count(value: int) -> str:
    return str(intcomma(value))


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{formats.number_format(value, 1)}%"


def _table(
    document: ReportDocument,
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    *,
    header: bool,
) -> None:
    """Write ``rows`` as a table; the first column is left-aligned, numbers right-aligned."""
    align = ("LEFT",) + ("RIGHT",) * (len(widths) - 1)
    with document.table(
        col_widths=tuple(widths),
        text_align=align,
        first_row_as_headings=header,
        line_height=5.5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    document.ln(2)


def _summary(progress: CampaignProgress) -> str:
    campaign = progress.campaign
    if translation.get_language() == "en":
        return campaign.summary_en or campaign.summary_vi
    return campaign.summary_vi or campaign.summary_en


def title_block(document: ReportDocument, progress: CampaignProgress) -> None:
    """Write the campaign's name, the period, when it was measured to, and its summary."""
    campaign = progress.campaign
    document.set_font(document.font_family, "B", 18)
    document.multi_cell(0, 9, campaign.name, new_x="LMARGIN", new_y="NEXT")
    period = _("Period: %(since)s – %(until)s") % {
        "since": _day(progress.since),
        "until": _day(progress.until),
    }
    measured = (
        _("Measured through %(day)s.") % {"day": _day(progress.through)}
        if progress.through
        else _("Not measured yet.")
    )
    status = _("Status: %(status)s. Campaign runs %(starts)s – %(ends)s.") % {
        "status": campaign.get_status_display(),
        "starts": _day(campaign.starts_on),
        "ends": _day(campaign.ends_on),
    }
    for line in (period, measured, status):
        document.paragraph(line)
    if summary := _summary(progress):
        document.heading(_("Summary"), size=12)
        document.paragraph(summary)


def headline_figures(document: ReportDocument, progress: CampaignProgress) -> None:
    """Write baseline, current, reduction against the goal, notices and re-infections."""
    totals = progress.totals
    on_track = {True: _("yes"), False: _("no"), None: "—"}[progress.on_track]
    reduction = _("%(reduction)s (goal %(goal)s%%)") % {
        "reduction": _percent(progress.reduction),
        "goal": progress.goal,
    }
    accepted = sum(isp.status == ParticipantStatus.ACCEPTED for isp in progress.isps)
    rows = [
        (_("Baseline (infected addresses)"), _count(progress.baseline)),
        (_("Current (infected addresses)"), _count(progress.current)),
        (_("Reduction against the baseline"), reduction),
        (_("Target (infected addresses)"), _count(progress.target)),
        (_("On track"), on_track),
        (_("Notices sent"), _count(totals.sent)),
        (_("Notices delivered"), _count(totals.delivered)),
        (_("Notices acknowledged"), _count(totals.acknowledged)),
        (_("Re-infections"), _count(totals.reinfected)),
        (_("ISPs taking part (accepted / invited)"), f"{accepted} / {len(progress.isps)}"),
    ]
    document.heading(_("Headline figures"))
    _table(document, (120, 70), rows, header=False)


def _isp_row(isp: IspLine) -> tuple[str, ...]:
    status = dict(ParticipantStatus.choices).get(isp.status, isp.status)
    figures = (isp.totals.sent, isp.totals.delivered, isp.totals.acknowledged)
    return (
        isp.name, str(status), _count(isp.baseline), _count(isp.current),
        _percent(isp.reduction), f"{isp.goal}%", *(_count(n) for n in figures),
        _count(isp.totals.reinfected),
    )  # fmt: skip


def isp_table(document: ReportDocument, progress: CampaignProgress) -> None:
    """Write one row per participating ISP."""
    header = (
        _("ISP"), _("Status"), _("Baseline"), _("Current"), _("Reduction"), _("Goal"),
        _("Sent"), _("Delivered"), _("Acknowledged"), _("Re-infected"),
    )  # fmt: skip
    rows = [header] + [_isp_row(isp) for isp in progress.isps]
    document.heading(_("Participating ISPs"))
    document.set_font(document.font_family, size=7.5)
    _table(document, (32, 18, 17, 17, 19, 13, 17, 20, 21, 16), rows, header=True)


def family_table(document: ReportDocument, progress: CampaignProgress) -> None:
    """Write one row per malware family of the campaign (nothing without families)."""
    if not progress.families:
        return
    header = (_("Family"), _("Baseline"), _("Current"), _("Reduction"))
    rows = [header] + [
        (family.name, _count(family.baseline), _count(family.current), _percent(family.reduction))
        for family in progress.families
    ]
    document.heading(_("Malware families"))
    document.set_font(document.font_family, size=9)
    _table(document, (85, 35, 35, 35), rows, header=True)


def methodology(document: ReportDocument, progress: CampaignProgress) -> None:
    """Write how the figures are counted and where they come from."""
    campaign = progress.campaign
    window = campaign.baseline_days
    counted = _(
        "An infected address is a distinct source IP address in the events that belong to the "
        "campaign: events in a participating ISP's address space, of one of the campaign's "
        "malware families or event types. The figure for a day counts the distinct addresses "
        "over the %(days)s days ending with that day."
    ) % {"days": window}
    baseline = _(
        "The baseline counts them over the %(days)s days before the campaign started "
        "(%(start)s – %(end)s); it is fixed at launch and never recomputed. Reduction = "
        "(baseline − current) / baseline × 100; the target is the baseline less the goal."
    ) % {
        "days": window,
        "start": _day(campaign.starts_on - dt.timedelta(days=window)),
        "end": _day(campaign.starts_on - dt.timedelta(days=1)),
    }
    sources = _(
        "Sources: the events CleanNet receives from threat-intelligence feeds, and the daily "
        "aggregate counts (notices, acknowledgements, re-infections, time to clean) that each "
        "ISP's node reports. No subscriber identity leaves an ISP: this report holds counts "
        "only. Days are UTC dates."
    )
    document.heading(_("Methodology"))
    for text in (counted, baseline, sources):
        document.paragraph(text)
