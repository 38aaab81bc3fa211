"""Inline SVG charts: readable without JavaScript, with a text equivalent."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str  # shown under the bar
    value: int
    href: str  # where the bar leads (e.g. "#y1992")
    css: str  # class giving the colour (e.g. "era-war")


def bar_chart(bars: Sequence[Bar], title: str, description: str, chart_id: str) -> Markup:
    """A vertical bar chart, one bar per item, each bar a link; `role="img"` with a title
    and description for screen readers (the page should also give the numbers as text)."""
    if not bars:
        return Markup("")
    width, height = 24, 160
    top, bottom, left = 18, 46, 8
    peak = max(b.value for b in bars) or 1
    total_width = left * 2 + width * len(bars)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {total_width} {top + height + bottom}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<line class="axis" x1="{left}" y1="{top + height}" x2="{total_width - left}" '
        f'y2="{top + height}"/>',
    ]
    for i, bar in enumerate(bars):
        x = left + i * width
        h = max(1, round(height * bar.value / peak))
        y = top + height - h
        parts.append(
            f'<a href="{escape(bar.href)}" class="{escape(bar.css)}">'
            f"<title>{escape(bar.label)}: {bar.value}</title>"
            f'<rect x="{x + 3}" y="{y}" width="{width - 6}" height="{h}"/>'
            f'<text class="value" x="{x + width / 2:g}" y="{y - 4}">{bar.value}</text>'
            f'<text class="label" transform="translate({x + width / 2 + 4:g},{top + height + 8})'
            f' rotate(60)">{escape(bar.label)}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
