"""Campaign charts drawn on the server as SVG: no JavaScript, readable offline and in the PDF.

Every chart uses inline presentation attributes only (``fill=``, ``stroke=``,
``stroke-dasharray=``, ``font-size=``), so fpdf2 draws the very same SVG in the PDF reports.
Colours follow the Okabe-Ito palette (safe for colour-blind readers) and lines also differ by
dash pattern; every point or bar has a ``<title>`` tooltip; every name is escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = [
    "PALETTE",
    "Series",
    "grouped_columns",
    "histogram",
    "line_chart",
    "progress_bars",
    "short_number",
]

PALETTE = ("#0072B2", "#E69F00", "#56B4E9", "#D55E00", "#CC79A7", "#000000", "#F0E442")
"""Okabe-Ito colours for series; green is kept for the target and grey for the baseline."""
DASHES = ("", "6 3", "2 2", "8 3 2 3", "4 4", "1 3", "10 4")
TARGET_COLOUR = "#009E73"
BASELINE_COLOUR = "#555555"
GRID_COLOUR = "#DDDDDD"
TEXT_COLOUR = "#333333"
FONT = "DejaVu Sans, Arial, sans-serif"  # the PDF registers "DejaVu Sans" for Vietnamese
CHAR_WIDTH = 6.2  # average width of a character at font-size 11, to lay out labels
MAX_X_LABELS = 8


@dataclass(frozen=True)
class Series:
    """One named line or set of columns; ``None`` marks a missing value (a gap)."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class _Plot:
    """The plotting area inside the SVG and the value at its top."""

    left: float
    top: float
    width: float
    height: float
    peak: float

    def y(self, value: float) -> float:
        return self.top + self.height - value * self.height / self.peak


def short_number(value: float) -> str:
    """Return ``value`` short enough for an axis: 1.2M, 350k, 1.5k, 999, 2.5."""
    size = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            scaled = value / limit
            text = f"{scaled:.0f}" if abs(scaled) >= 10 else f"{scaled:.1f}"
            return text.removesuffix(".0") + suffix
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _nice_ticks(peak: float, count: int = 4) -> list[float]:
    """Return round tick values from 0 to at least ``peak`` (steps of 1, 2, 2.5 or 5 x 10^n)."""
    peak = max(peak, 1.0)
    raw = peak / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(peak / step - 1e-9) + 1)]


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 11) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'fill="{TEXT_COLOUR}" text-anchor="{anchor}">{escape(content)}</text>'
    )


def _line(
    x1: float, y1: float, x2: float, y2: float, colour: str, *, dash: str = "", w: float = 1.0
) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{w}"{dashed}/>'
    )


def _rect(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.5):.1f}" '
        f'height="{max(height, 0.0):.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


def _clip(name: str, chars: int) -> str:
    """Return ``name`` cut to ``chars`` characters (an ellipsis marks the cut)."""
    return name if len(name) <= chars else name[: max(chars - 1, 1)] + "…"


def _svg(width: int, height: float, label: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 (numbers, and every text escaped where it is built)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="campaign-chart" width="{width}" '
        f'height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" role="img" '
        f'aria-label="{escape(label)}"><title>{escape(label)}</title>{body}</svg>'
    )


def _empty(label: str, width: int, height: int) -> SafeString:
    """Return a chart frame that says there is nothing to draw yet."""
    message = _text(width / 2, height / 2, _("No data yet."), anchor="middle", size=13)
    return _svg(width, height, label, message)


def _legend(items: Sequence[tuple[str, str, str, bool]], width: int) -> tuple[str, float]:
    """Lay out (name, colour, dash, is_box) items in rows; return the SVG and its height."""
    parts, x, y = [], 8.0, 14.0
    for name, colour, dash, is_box in items:
        shown = _clip(name, 40)
        span = 28 + len(shown) * CHAR_WIDTH + 16
        if x + span > width and x > 8:
            x, y = 8.0, y + 18
        if is_box:
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="20" height="10" fill="{colour}"/>'
            )
        else:
            parts.append(_line(x, y - 4, x + 20, y - 4, colour, dash=dash, w=2.5))
        parts.append(_text(x + 26, y, shown))
        x += span
    return "".join(parts), y + 12


def _y_axis(plot: _Plot, ticks: Sequence[float], right: float, unit: str = "") -> str:
    parts = []
    for tick in ticks:
        y = plot.y(tick)
        parts.append(_line(plot.left, y, right, y, GRID_COLOUR))
        parts.append(_text(plot.left - 6, y + 4, short_number(tick) + unit, anchor="end", size=10))
    return "".join(parts)


def _x_labels(labels: Sequence[str], xs: Sequence[float], y: float) -> str:
    """Write at most ``MAX_X_LABELS`` evenly spaced labels, always including the last one."""
    step = max(math.ceil(len(labels) / MAX_X_LABELS), 1)
    keep = set(range(0, len(labels), step)) | ({len(labels) - 1} if labels else set())
    if len(labels) - 1 - max(keep - {len(labels) - 1}, default=-step) < step / 2:
        keep.discard(max(keep - {len(labels) - 1}, default=-1))  # no two labels overlapping
    return "".join(_text(xs[i], y, labels[i], anchor="middle", size=10) for i in sorted(keep))


def _reference_line(
    plot: _Plot, right: float, value: float, name: str, colour: str, dash: str
) -> str:
    y = plot.y(value)
    tip = f"{name}: {intcomma(round(value))}"
    return (
        f"<g>{_line(plot.left, y, right, y, colour, dash=dash, w=1.5)}"
        f"<title>{escape(tip)}</title></g>"
        + _text(right - 4, y - 4, f"{name}: {short_number(value)}", anchor="end", size=10)
    )


def _series_marks(
    series: Series, xs: Sequence[float], plot: _Plot, labels: Sequence[str], i: int
) -> str:
    """Draw one series as polylines broken at gaps, with a dot and tooltip per value."""
    colour, dash = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    runs: list[list[str]] = [[]]
    dots = []
    for x, value, day in zip(xs, series.values, labels, strict=False):
        if value is None:
            runs.append([])
            continue
        runs[-1].append(f"{x:.1f},{plot.y(value):.1f}")
        tip = f"{series.name}, {day}: {intcomma(round(value))}"
        dots.append(
            f'<circle cx="{x:.1f}" cy="{plot.y(value):.1f}" r="2.5" fill="{colour}">'
            f"<title>{escape(tip)}</title></circle>"
        )
    lines = [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{dashed}/>'
        for run in runs
        if len(run) > 1
    ]
    return "".join(lines) + "".join(dots)


def line_chart(
    days: Sequence[dt.date],
    series: Sequence[Series],
    *,
    label: str,
    goal: float | None = None,
    baseline: float | None = None,
    y_label: str = "",
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """Return an SVG line chart of ``series`` over ``days`` with dashed horizontal lines for the
    ``baseline`` and the ``goal`` (target) values; ``None`` values leave gaps."""
    values = [v for s in series for v in s.values if v is not None]
    if not days or not values:
        return _empty(label, width, height)
    items = [
        (s.name, PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], False)
        for i, s in enumerate(series)
    ]
    items += [(_("Baseline"), BASELINE_COLOUR, "6 4", False)] if baseline is not None else []
    items += [(_("Target"), TARGET_COLOUR, "3 3", False)] if goal is not None else []
    legend, top = _legend(items, width)
    ticks = _nice_ticks(max(values + [v for v in (goal, baseline) if v is not None]))
    top += 14 if y_label else 0  # room for the axis name above the plot
    plot = _Plot(left=52, top=top + 8, width=width - 68, height=height - top - 36, peak=ticks[-1])
    right = plot.left + plot.width
    gap = plot.width / (len(days) - 1) if len(days) > 1 else 0
    xs = [plot.left + i * gap if gap else plot.left + plot.width / 2 for i in range(len(days))]
    labels = [day.isoformat() for day in days]
    body = [legend, _y_axis(plot, ticks, right)]
    body.append(_line(plot.left, plot.top + plot.height, right, plot.top + plot.height, "#888888"))
    if y_label:
        body.append(_text(plot.left - 6, plot.top - 6, y_label, anchor="start", size=10))
    if baseline is not None:
        body.append(_reference_line(plot, right, baseline, _("Baseline"), BASELINE_COLOUR, "6 4"))
    if goal is not None:
        body.append(_reference_line(plot, right, goal, _("Target"), TARGET_COLOUR, "3 3"))
    body += [_series_marks(s, xs, plot, labels, i) for i, s in enumerate(series)]
    short_days = [f"{day.day}/{day.month}" for day in days]
    body.append(_x_labels(short_days, xs, plot.top + plot.height + 16))
    return _svg(width, height, label, "".join(body))


def _percent_ticks(low: float) -> list[float]:
    """Ticks every 25 % from ``low`` (rounded down to a multiple of 25, at least -100) to 100."""
    start = max(math.floor(min(low, 0) / 25) * 25, -100)
    return [float(t) for t in range(start, 101, 25)]


def _progress_row(
    row: tuple[str, float | None, float],
    y: float,
    x_of: Callable[[float], float],
    label_chars: int,
) -> str:
    name, reduction, goal = row
    zero = x_of(0.0)
    parts = [_text(8, y + 14, _clip(name, label_chars))]
    if reduction is None:
        parts.append(_text(zero + 4, y + 14, _("no baseline"), size=10))
    else:
        shown = max(min(reduction, 100.0), -100.0)
        start, end = sorted((zero, x_of(shown)))
        colour = TARGET_COLOUR if reduction >= goal else PALETTE[0]
        tip = _("%(name)s: %(reduction).1f%% fewer infected addresses (goal %(goal)s%%)") % {
            "name": name, "reduction": reduction, "goal": f"{goal:g}",
        }  # fmt: skip
        parts.append(_rect(start, y + 3, end - start, 16, colour, tip))
        parts.append(_text(max(end, zero) + 4, y + 15, f"{reduction:.0f}%", size=10))
    goal_x = x_of(goal)
    goal_tip = _("Goal: %(goal)s%%") % {"goal": f"{goal:g}"}
    parts.append(
        f"<g>{_line(goal_x, y, goal_x, y + 22, '#000000', dash='3 2', w=2)}"
        f"<title>{escape(name)} – {escape(goal_tip)}</title></g>"
    )
    return "".join(parts)


def progress_bars(
    rows: Sequence[tuple[str, float | None, float]], *, label: str, width: int = 720
) -> SafeString:
    """Return horizontal bars, one per (name, reduction %, goal %) row, with a dashed goal
    marker on each; a ``None`` reduction (no baseline) is said in words, not drawn."""
    if not rows:
        return _empty(label, width, 120)
    items = [(_("Reduction"), PALETTE[0], "", True), (_("Goal reached"), TARGET_COLOUR, "", True)]
    items.append((_("Goal"), "#000000", "3 2", False))
    legend, top = _legend(items, width)
    label_width = min(200.0, width * 0.3)
    ticks = _percent_ticks(min((r for _n, r, _g in rows if r is not None), default=0.0))
    bar_left, bar_right = label_width + 8, width - 48.0

    def x_of(value: float) -> float:
        return bar_left + (value - ticks[0]) * (bar_right - bar_left) / (ticks[-1] - ticks[0])

    row_top = top + 20
    height = row_top + 26 * len(rows) + 8
    parts = [legend]
    for tick in ticks:
        x = x_of(tick)
        parts.append(_line(x, row_top - 4, x, height - 8, GRID_COLOUR))
        parts.append(_text(x, row_top - 8, f"{tick:.0f}%", anchor="middle", size=10))
    chars = int(label_width / CHAR_WIDTH)
    parts += [_progress_row(row, row_top + 26 * i, x_of, chars) for i, row in enumerate(rows)]
    return _svg(width, height, label, "".join(parts))


def _columns_frame(
    peak: float,
    label_count: int,
    legend_items: Sequence[tuple[str, str, str, bool]],
    width: int,
    height: int,
) -> tuple[list[str], _Plot, float]:
    """Return the legend and y axis of a column chart, its plot area and each slot's width."""
    legend, top = _legend(legend_items, width) if legend_items else ("", 4.0)
    ticks = _nice_ticks(peak)
    plot = _Plot(left=52, top=top + 8, width=width - 60, height=height - top - 40, peak=ticks[-1])
    right = plot.left + plot.width
    base = plot.top + plot.height
    parts = [legend, _y_axis(plot, ticks, right), _line(plot.left, base, right, base, "#888888")]
    return parts, plot, plot.width / label_count


def grouped_columns(
    groups: Sequence[str],
    series: Sequence[Series],
    *,
    label: str,
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """Return columns grouped by ``groups`` (one column per series in each group, ``values``
    aligned with ``groups``); ``None`` values draw no column."""
    values = [v for s in series for v in s.values if v is not None]
    if not groups or not values:
        return _empty(label, width, height)
    items = [(s.name, PALETTE[i % len(PALETTE)], "", True) for i, s in enumerate(series)]
    parts, plot, slot = _columns_frame(max(values), len(groups), items, width, height)
    column = slot * 0.8 / len(series)
    base = plot.top + plot.height
    for g, group in enumerate(groups):
        x0 = plot.left + g * slot + slot * 0.1
        for i, one in enumerate(series):
            value = one.values[g] if g < len(one.values) else None
            if value is None:
                continue
            tip = f"{group} – {one.name}: {intcomma(round(value))}"
            y = plot.y(value)
            parts.append(
                _rect(x0 + i * column, y, column - 1, base - y, PALETTE[i % len(PALETTE)], tip)
            )
        centre = plot.left + (g + 0.5) * slot
        parts.append(
            _text(centre, base + 16, _clip(group, int(slot / CHAR_WIDTH)), anchor="middle", size=10)
        )
    return _svg(width, height, label, "".join(parts))


def histogram(
    buckets: Sequence[tuple[str, int]], *, label: str, width: int = 720, height: int = 220
) -> SafeString:
    """Return one column per (bucket label, count), the count written above each column."""
    if not buckets or not any(count for _name, count in buckets):
        return _empty(label, width, height)
    parts, plot, slot = _columns_frame(max(c for _n, c in buckets), len(buckets), [], width, height)
    base = plot.top + plot.height
    for i, (name, count) in enumerate(buckets):
        x = plot.left + i * slot + slot * 0.1
        y = plot.y(count)
        parts.append(_rect(x, y, slot * 0.8, base - y, PALETTE[0], f"{name}: {intcomma(count)}"))
        parts.append(_text(x + slot * 0.4, y - 4, short_number(count), anchor="middle", size=10))
        parts.append(
            _text(
                x + slot * 0.4,
                base + 16,
                _clip(name, int(slot / CHAR_WIDTH)),
                anchor="middle",
                size=10,
            )
        )
    return _svg(width, height, label, "".join(parts))
