"""Server-rendered SVG charts: they work without JavaScript and print in PDFs.

Every chart is an image with a title and a description (role="img", aria-labelledby)
and carries the same figures as rows for the table printed beside it, so nobody has to
read numbers off a picture. The figures come in already computed: nothing here decides
a percent or a colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html

from governance.charts import HeatCell, HeatMap, risk_heat_map  # noqa: F401  (the programme page's heat map)
from programmes.charts import (  # noqa: F401  (shared by every chart; names kept for the callers)
    BAR,
    INK,
    MUTED,
    RAG_FILL,
    RAG_TEXT,
    TRACK,
    Chart,
    chart_id,
    plural,
)
from programmes.charts import svg as _svg
from programmes.charts import svg_number as _n
from programmes.rules import RAG_ORDER

# Below this width (in viewBox units) a count would not fit inside its segment.
_MIN_LABEL_WIDTH = 14

# ---------------------------------------------------------------- RAG distribution


def distribution_text(distribution: dict) -> str:
    return ", ".join(f"{rag.label} {distribution.get(rag, 0):,}" for rag in RAG_ORDER)


def rag_distribution_bar(distribution: dict, *, cid: str, subject: str) -> Chart:
    """A stacked bar of how many actions are Blue, Green, Amber, Red and Grey, counts as text."""
    counts = [(rag, int(distribution.get(rag, 0))) for rag in RAG_ORDER]
    total = sum(count for _, count in counts)
    width, height = 240, 24
    title = f"RAG distribution of {subject}"
    if total == 0:
        description = "No actions to count."
        body = format_html(
            '<rect x="0.5" y="0.5" width="{}" height="{}" fill="{}" stroke="{}"/>'
            '<text x="{}" y="16" text-anchor="middle" font-size="12" fill="{}">No actions</text>',
            width - 1, height - 1, TRACK, MUTED, width // 2, INK,
        )
    else:
        description = f"{plural(total, 'action')}: {distribution_text(distribution)}."
        parts, x = [], 0
        for rag, count in counts:
            if not count:
                continue
            segment = width * count / total
            parts.append(format_html(
                '<rect x="{}" y="0" width="{}" height="{}" fill="{}"/>',
                _n(x), _n(segment), height, RAG_FILL[rag],
            ))
            if segment >= _MIN_LABEL_WIDTH:
                parts.append(format_html(
                    '<text x="{}" y="16" text-anchor="middle" font-size="12" font-weight="bold" '
                    'fill="{}">{}</text>',
                    _n(x + segment / 2), RAG_TEXT[rag], count,
                ))
            x += segment
        body = "".join(parts)
    svg = _svg(cid, title, description, f"0 0 {width} {height}", body, css_class="dashboard-chart--bar")
    headers = tuple(rag.label for rag in RAG_ORDER) + ("Total",)
    row = tuple(count for _, count in counts) + (total,)
    return Chart(cid, title, description, svg, headers, (row,), caption=f"Number of actions by RAG: {subject}")


# ---------------------------------------------------------------- percent bar


def percent_bar(percent: int | None, *, cid: str, subject: str) -> Chart:
    """A horizontal bar for a percent complete; `percent` is already rounded for display."""
    title = f"Percent complete: {subject}"
    if percent is None:
        description = "No percent: nothing included to roll up."
        fill = ""
    else:
        description = f"{percent}% complete."
        fill = format_html('<rect x="0" y="0" width="{}" height="10" fill="{}"/>', max(0, min(percent, 100)), BAR)
    body = format_html(
        '<rect x="0" y="0" width="100" height="10" fill="{}"/>{}'
        '<rect x="0.25" y="0.25" width="99.5" height="9.5" fill="none" stroke="{}" stroke-width="0.5"/>',
        TRACK, fill, MUTED,
    )
    svg = _svg(cid, title, description, "0 0 100 10", body, css_class="dashboard-chart--percent")
    shown = "No percent" if percent is None else f"{percent}%"
    return Chart(cid, title, description, svg, ("Percent complete",), ((shown,),))


# ---------------------------------------------------------------- sparkline


def sparkline(points: Sequence[tuple[str, float, str]], *, cid: str, subject: str) -> Chart:
    """A small line of a measure's values over periods: (period name, value, value as shown)."""
    width, height, pad = 120, 32, 4
    title = f"Trend: {subject}"
    headers = ("Period", "Value")
    rows = tuple((label, shown) for label, _, shown in points)
    if not points:
        description = "No values yet."
        body = format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="3 3"/>',
            pad, height / 2, width - pad, height / 2, MUTED,
        )
        svg = _svg(cid, title, description, f"0 0 {width} {height}", body, css_class="dashboard-chart--spark")
        return Chart(cid, title, description, svg, headers, rows)
    values = [float(value) for _, value, _ in points]
    low, high = min(values), max(values)
    span = high - low or 1.0
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    coords = [
        (pad + i * step if len(points) > 1 else width / 2, height - pad - (v - low) / span * (height - 2 * pad)
         if high != low else height / 2)
        for i, v in enumerate(values)
    ]
    description = "Values: " + ", ".join(f"{label} {shown}" for label, _, shown in points) + "."
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
    last_x, last_y = coords[-1]
    body = format_html(
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round"/>'
        '<circle cx="{}" cy="{}" r="3" fill="{}"/>',
        line, BAR, _n(last_x), _n(last_y), INK,
    )
    svg = _svg(cid, title, description, f"0 0 {width} {height}", body, css_class="dashboard-chart--spark")
    return Chart(cid, title, description, svg, headers, rows)
