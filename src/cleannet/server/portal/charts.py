"""Small charts drawn on the server as SVG: no JavaScript, no build step, readable offline."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def column_chart(
    points: Sequence[tuple[str, int]], label: str, width: int = 720, height: int = 160
) -> SafeString:
    """Return an SVG column chart of ``points`` (label, value); each column has a tooltip."""
    if not points:
        return format_html('<p class="muted">{}</p>', label)
    peak = max(value for _, value in points) or 1
    step = width / len(points)
    bar = max(step - 1.0, 1.0)
    rects = []
    for i, (name, value) in enumerate(points):
        tall = value * height / peak
        rects.append(
            f'<rect x="{i * step:.1f}" y="{height - tall:.1f}" width="{bar:.1f}" '
            f'height="{tall:.1f}"><title>{escape(name)}: {intcomma(int(value))}</title></rect>'
        )
    columns = mark_safe("".join(rects))  # noqa: S308 (numbers, and names escaped above)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="none">{}</svg>',
        width, height, label, columns,
    )  # fmt: skip


def share_bars(rows: Sequence[tuple[str, int]]) -> SafeString:
    """Return horizontal bars (an HTML list) sized by each row's share of the largest."""
    peak = max((value for _, value in rows), default=0) or 1
    items = format_html_join(
        "",
        '<li><span class="bar-label">{}</span><span class="bar" style="width:{}%"></span>'
        '<span class="bar-value">{}</span></li>',
        ((name, round(100 * value / peak), intcomma(value)) for name, value in rows),
    )
    return format_html('<ul class="share-bars">{}</ul>', items)
