"""Inline SVG charts: readable without JavaScript, with a text equivalent."""

from __future__ import annotations

import math
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
    """A vertical bar chart, one bar per item, each bar a link with a title. The chart is a
    `role="group"` (not an image: its bars are links a keyboard reaches) named by its title
    and description; the page should also give the numbers as text."""
    if not bars:
        return Markup("")
    width, height = 24, 160
    top, bottom, left = 18, 46, 8
    peak = max(b.value for b in bars) or 1
    total_width = left * 2 + width * len(bars)
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="group" '
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


@dataclass(frozen=True)
class RangeRow:
    label: str  # what the row is (e.g. "Khojaly — Human Rights Watch")
    low: int | None  # None: no lower bound given ("up to …")
    high: int | None  # None: no upper bound given ("at least …")
    href: str
    css: str = ""


def range_chart(rows: Sequence[RangeRow], title: str, description: str, chart_id: str) -> Markup:
    """Horizontal ranges on a logarithmic axis: a bar from low to high, a dot for a single
    value, an arrow where the text gives only one bound. Rows need at least one bound."""
    rows = [r for r in rows if r.low is not None or r.high is not None]
    if not rows:
        return Markup("")
    values = [v for r in rows for v in (r.low, r.high) if v]
    lo_exp = math.floor(math.log10(max(1, min(values))))
    hi_exp = math.ceil(math.log10(max(values) + 1))
    if hi_exp == lo_exp:
        hi_exp += 1
    label_w, plot_w, row_h, top = 260, 420, 20, 26
    height = top + row_h * len(rows) + 8

    def x(v: float) -> float:
        return label_w + plot_w * (math.log10(max(v, 1)) - lo_exp) / (hi_exp - lo_exp)

    parts = [
        f'<svg class="chart range-chart" id="{escape(chart_id)}" role="group" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {label_w + plot_w + 20} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for e in range(lo_exp, hi_exp + 1):
        gx = x(10**e)
        parts.append(
            f'<line class="grid" x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 6}"/>'
            f'<text class="tick" x="{gx:.1f}" y="{top - 10}">{10**e:,}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        parts.append(f'<a href="{escape(row.href)}" class="{escape(row.css)}">')
        parts.append(f"<title>{escape(row.label)}: {escape(_bounds(row))}</title>")
        parts.append(
            f'<text class="label" x="{label_w - 8}" y="{y + 4:.1f}">'
            f"{escape(_shorten(row.label, 42))}</text>"
        )
        if row.low is not None and row.high is not None and row.low != row.high:
            x1, x2 = x(row.low), x(row.high)
            parts.append(
                f'<rect x="{x1:.1f}" y="{y - 4:.1f}" width="{max(2, x2 - x1):.1f}" '
                f'height="8" rx="2"/>'
            )
        elif row.low is not None and row.high is not None:
            parts.append(f'<circle cx="{x(row.low):.1f}" cy="{y:.1f}" r="4"/>')
        elif row.low is not None:  # at least
            x1 = x(row.low)
            parts.append(
                f'<circle cx="{x1:.1f}" cy="{y:.1f}" r="4"/>'
                f'<path class="open" d="M{x1:.1f} {y:.1f} h36 m-6 -4 l6 4 l-6 4"/>'
            )
        else:  # up to
            x2 = x(row.high)
            parts.append(
                f'<circle cx="{x2:.1f}" cy="{y:.1f}" r="4"/>'
                f'<path class="open" d="M{x2:.1f} {y:.1f} h-36 m6 -4 l-6 4 l6 4"/>'
            )
        parts.append("</a>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _bounds(row: RangeRow) -> str:
    if row.low is not None and row.high is not None:
        return f"{row.low:,}" if row.low == row.high else f"{row.low:,}–{row.high:,}"
    return f"at least {row.low:,}" if row.low is not None else f"up to {row.high:,}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
