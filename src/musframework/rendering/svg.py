"""Bar charts as inline SVG: no JavaScript, no external files, readable in print and in grey.

:func:`chart_svg` draws a :class:`~musframework.rendering.blocks.Chart` as an ``<svg>``
element for an HTML page (and so for the PDF made from it). The fills step from dark to light
so they stay apart in a grey print, every segment that is wide enough carries its number, the
series that need action are hatched, and the legend repeats the fills with their words. The
picture is ``role="img"`` with the chart's description as its name; the numbers are in the
table the HTML shows beside it.
"""

from __future__ import annotations

from html import escape

from musframework.rendering.blocks import Chart

__all__ = ["FILLS", "chart_svg"]

FILLS = ("#1f4e79", "#4f81bd", "#9dc3e6", "#deebf7", "#f2f2f2")
"""Segment fills, dark to light (their grey values stay apart: about 27, 48, 73, 91, 95 %)."""

_INK = "#1d1d1f"
_WIDTH = 640
_LABEL = 200
_BAR = 20
_GAP = 8
_LEGEND = 22


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else _INK


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chart_svg(chart: Chart, ident: str = "c") -> str:
    """The chart as an ``<svg>`` element (a string of markup; every text is escaped).

    Args:
        chart: What to draw.
        ident: A prefix for the element ids, unique in the page (the hatch pattern, title).
    """
    rows = len(chart.categories)
    plot = _WIDTH - _LABEL - 40
    # The legend, wrapped onto as many lines as it needs.
    places: list[tuple[float, float]] = []
    x, y = 0.0, 4.0
    for name in chart.series:
        width = 16 + 7 * len(name) + 18
        if x and x + width > _WIDTH:
            x, y = 0.0, y + 18
        places.append((x, y))
        x += width
    top = int(y) + _LEGEND + 6
    height = top + rows * (_BAR + _GAP) + 24
    largest = max((sum(v) for v in chart.values), default=0) or 1
    hatch = f"{ident}-hatch"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mf-chart-svg" role="img" '
        f'viewBox="0 0 {_WIDTH} {height}" width="100%" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>',
        "<defs>",
        f'<pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">',
        '<rect width="6" height="6" fill="#ffffff"/>',
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{_INK}" stroke-width="2.2"/>',
        "</pattern>",
        f'<pattern id="{hatch}2" width="6" height="6" patternUnits="userSpaceOnUse">',
        '<rect width="6" height="6" fill="#ffffff"/>',
        f'<circle cx="3" cy="3" r="1.4" fill="{_INK}"/>',
        "</pattern>",
        "</defs>",
        f'<g font-family="sans-serif" font-size="12" fill="{_INK}">',
    ]

    def fill(index: int) -> str:
        if index in chart.attention:  # lines for the first, dots for the next
            return f"url(#{hatch})" if chart.attention.index(index) % 2 == 0 else f"url(#{hatch}2)"
        plain = [i for i in range(len(chart.series)) if i not in chart.attention]
        return FILLS[plain.index(index) % len(FILLS)]

    for i, (name, (x, y)) in enumerate(zip(chart.series, places, strict=True)):
        out.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="12" height="12" fill="{fill(i)}" '
            f'stroke="{_INK}" stroke-width="0.6"/>'
        )
        out.append(f'<text x="{x + 16:.0f}" y="{y + 10:.0f}">{escape(name)}</text>')
    for r, (category, values) in enumerate(zip(chart.categories, chart.values, strict=True)):
        y = top + r * (_BAR + _GAP)
        out.append(
            f'<text x="{_LABEL - 8}" y="{y + _BAR / 2 + 4:.0f}" text-anchor="end">'
            f"{escape(_short(category))}</text>"
        )
        total = sum(values)
        scale = plot / (total or 1) if chart.percent else plot / largest
        x = float(_LABEL)
        for i, value in enumerate(values):
            if not value:
                continue
            w = value * scale
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_BAR}" fill="{fill(i)}" '
                f'stroke="{_INK}" stroke-width="0.6"/>'
            )
            if w >= 18:
                colour = _INK if i in chart.attention else _text_colour(fill(i))
                halo = (
                    ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
                    if i in chart.attention
                    else ""
                )
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + _BAR / 2 + 4:.0f}" text-anchor="middle" '
                    f'fill="{colour}"{halo}>{value}</text>'
                )
            x += w
        if not chart.percent:
            out.append(f'<text x="{x + 5:.1f}" y="{y + _BAR / 2 + 4:.0f}">{total}</text>')
    axis_y = top + rows * (_BAR + _GAP)
    out.append(
        f'<line x1="{_LABEL}" y1="{top - 4}" x2="{_LABEL}" y2="{axis_y}" stroke="{_INK}" '
        'stroke-width="1"/>'
    )
    out.append("</g></svg>")
    return "".join(out)
