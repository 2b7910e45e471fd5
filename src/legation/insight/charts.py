"""Small bar charts as server-rendered SVG: no JavaScript library, readable without colour.

Each bar carries a <title> with its label and value, and the chart an accessible name; the
numbers are also printed, so the chart reads in a screen reader, in print and in a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.translation import pgettext


def _sep() -> str:
    """ ": " after a label, "：" in Chinese."""
    return pgettext("separator", ": ")


BAR = "#3182bd"
INK = "#1d2430"
MUTED = "#5a6473"


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def columns(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
    every: int = 1,
) -> str:
    """Vertical bars (engagements by month); every `every`-th label is printed under its bar."""
    n = max(len(items), 1)
    top, bottom, left = 18, 34, 4
    plot_h = height - top - bottom
    step = (width - left * 2) / n
    peak = max((v for _, v in items), default=0) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - left}" y2="{top + plot_h}" '
        f'stroke="{MUTED}" stroke-width="1"/>',
    ]
    for i, (label, value) in enumerate(items):
        h = plot_h * value / peak
        x = left + i * step
        out.append(
            f'<rect x="{x + step * 0.12:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{step * 0.76:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{escape(label)}{_sep()}{_fmt(value)}</title></rect>"
        )
        if i % every == 0:
            out.append(
                f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
                f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
            )
    out.append(
        f'<text x="{width - left}" y="12" font-size="10" text-anchor="end" fill="{MUTED}">'
        f"max {_fmt(peak)}</text></svg>"
    )
    return "".join(out)


def bars(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 420,
    row: int = 22,
    label_width: int = 170,
) -> str:
    """Horizontal bars with labels and values (sectors, kinds of engagement)."""
    height = max(len(items), 1) * row + 4
    peak = max((v for _, v in items), default=0) or 1
    plot_w = width - label_width - 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = 2 + i * row
        w = plot_w * value / peak
        out.append(
            f'<text x="{label_width - 6}" y="{y + row * 0.68:.1f}" font-size="12" '
            f'text-anchor="end" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{BAR}"><title>{escape(label)}{_sep()}{_fmt(value)}</title></rect>'
            f'<text x="{label_width + w + 5:.1f}" y="{y + row * 0.68:.1f}" font-size="12" '
            f'fill="{INK}">{_fmt(value)}</text>'
        )
    out.append("</svg>")
    return "".join(out)
