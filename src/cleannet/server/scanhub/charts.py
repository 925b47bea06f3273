"""A horizontal bar chart drawn on the server as SVG (no JavaScript), like the home page's
column chart: one bar per detection name, its count at the end."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_ROW = 22  # pixels per bar
_LABEL = 260  # pixels for the names on the left
_MAX_LABEL = 40  # characters shown of a name (the tooltip has it whole)


def bar_chart(rows: Sequence[tuple[str, int]], label: str, width: int = 720) -> SafeString:
    """An SVG bar per (name, count) row; ``label`` names the chart for screen readers."""
    if not rows:
        return format_html('<p class="muted">{}</p>', label)
    peak = max(count for _, count in rows) or 1
    room = width - _LABEL - 60
    parts = []
    for i, (name, count) in enumerate(rows):
        y = i * _ROW
        long = max(count * room / peak, 1.0)
        shown = name if len(name) <= _MAX_LABEL else name[: _MAX_LABEL - 1] + "…"
        parts.append(
            f"<g><title>{escape(name)}: {count}</title>"
            f'<text x="{_LABEL - 6}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{_LABEL}" y="{y + 3}" width="{long:.1f}" height="{_ROW - 6}"></rect>'
            f'<text x="{_LABEL + long + 4:.1f}" y="{y + 15}">{count}</text></g>'
        )
    bars = mark_safe("".join(parts))  # noqa: S308 (numbers, and names escaped above)
    return format_html(
        # The site's .chart style colours the bars; its fixed height fits column charts only.
        '<svg class="chart bar-chart" style="height:auto" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" font-size="12">{}</svg>',
        width, len(rows) * _ROW, label, bars,
    )  # fmt: skip
