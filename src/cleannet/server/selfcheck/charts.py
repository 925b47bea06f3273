"""Daily series drawn on the server as SVG (stacked columns or lines), with a legend.

No JavaScript. Colours are inline so that the site's one-colour chart style does not
repaint them; each has at least 3:1 contrast on white (WCAG 1.4.11). The page puts a data
table under every chart, so that nothing is said by colour or shape alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f4e79", "#b03a2e", "#2e7d32", "#7b3fa0", "#a85400", "#56606b")
WIDTH, HEIGHT = 720, 180


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _svg(label: str, body: str) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'preserveAspectRatio="none" style="height:{}px">{}</svg>',
        WIDTH, HEIGHT, label, HEIGHT,
        mark_safe(body),  # noqa: S308 (numbers and escaped names only)
    )  # fmt: skip


def stacked_columns(
    day_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    label: str,
) -> SafeString:
    """Return an SVG with one column per day, the series stacked; each piece has a tooltip."""
    if not day_labels:
        return format_html('<p class="muted">{}</p>', label)
    totals = [sum(values[d] for _, values in series) for d in range(len(day_labels))]
    peak = max(totals, default=0) or 1
    step = WIDTH / len(day_labels)
    bar = max(step - 1.0, 1.0)
    pieces = []
    for d, day in enumerate(day_labels):
        base = float(HEIGHT)
        for i, (name, values) in enumerate(series):
            if not values[d]:
                continue
            tall = values[d] * HEIGHT / peak
            base -= tall
            pieces.append(
                f'<rect x="{d * step:.1f}" y="{base:.2f}" width="{bar:.1f}" height="{tall:.2f}" '
                f'style="fill:{colour(i)};opacity:1"><title>{escape(day)} · {escape(name)}: '
                f"{values[d]}</title></rect>"
            )
    return _svg(label, "".join(pieces))


def lines(
    day_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    label: str,
) -> SafeString:
    """Return an SVG with one polyline per series over the days."""
    if not day_labels:
        return format_html('<p class="muted">{}</p>', label)
    peak = max((max(values, default=0) for _, values in series), default=0) or 1
    step = WIDTH / max(len(day_labels) - 1, 1)
    drawn = []
    for i, (name, values) in enumerate(series):
        points = " ".join(
            f"{d * step:.1f},{HEIGHT - value * (HEIGHT - 4) / peak - 2:.1f}"
            for d, value in enumerate(values)
        )
        dash = "" if i % 2 == 0 else ' stroke-dasharray="6 3"'
        drawn.append(
            f'<polyline points="{points}" fill="none" stroke="{colour(i)}" stroke-width="2" '
            f'vector-effect="non-scaling-stroke"{dash}><title>{escape(name)}</title></polyline>'
        )
    return _svg(label, "".join(drawn))


def legend(names: Sequence[str]) -> SafeString:
    """Return the chart's legend: a colour swatch and the name of each series."""
    items = format_html_join(
        "",
        '<li style="display:inline-block;margin-right:1rem">'
        '<span aria-hidden="true" style="display:inline-block;width:.9rem;height:.9rem;'
        'background:{};margin-right:.3rem;vertical-align:middle"></span>{}</li>',
        ((colour(i), name) for i, name in enumerate(names)),
    )
    return format_html('<ul class="chart-legend" style="list-style:none;padding:0">{}</ul>', items)
