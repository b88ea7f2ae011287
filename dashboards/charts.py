"""Server-rendered SVG charts: they work without JavaScript and print in PDFs.

Every chart is an image with a title and a description (role="img", aria-labelledby)
and carries the same figures as rows for the table printed beside it, so nobody has to
read numbers off a picture. The figures come in already computed: nothing here decides
a percent or a colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from programmes.rules import RAG_ORDER, Rag

# The RAG colours of the site (static/src/app.scss), each with a text colour of at least 4.5:1.
RAG_FILL = {
    Rag.BLUE: "#1d70b8",
    Rag.GREEN: "#00703c",
    Rag.AMBER: "#ffbf47",
    Rag.RED: "#d4351c",
    Rag.GREY: "#505a5f",
}
RAG_TEXT = {
    Rag.BLUE: "#ffffff",
    Rag.GREEN: "#ffffff",
    Rag.AMBER: "#0b0c0c",
    Rag.RED: "#ffffff",
    Rag.GREY: "#ffffff",
}
INK = "#0b0c0c"
MUTED = "#505a5f"
TRACK = "#f3f2f1"
BAR = "#1d70b8"

# Below this width (in viewBox units) a count would not fit inside its segment.
_MIN_LABEL_WIDTH = 14


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    headers: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()  # the same figures as the picture, for the table beside it
    caption: str = ""

    @property
    def title_id(self) -> str:
        return f"{self.id}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id}-desc"


def chart_id(*parts) -> str:
    """An id safe to use in HTML and unique as long as its parts are."""
    return "chart-" + "-".join(slugify(str(part)) or "x" for part in parts)


def _svg(cid: str, title: str, description: str, view_box: str, body: str, *, css_class: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" viewBox="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false" font-family="arial, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        css_class, view_box, cid, cid, cid, title, cid, description, mark_safe(body),
    )


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


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


# ---------------------------------------------------------------- risk heat map


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: Rag
    count: int
    href: str | None = None


@dataclass(frozen=True)
class HeatMap:
    chart: Chart
    grid: tuple[tuple[HeatCell, ...], ...] = field(default=())  # likelihood 5 (top) to 1, impact 1 to 5
    total: int = 0


def risk_heat_map(
    counts: dict[tuple[int, int], int],
    *,
    cid: str,
    subject: str,
    band_for: Callable[[int], Rag],
    href_for: Callable[[int, int], str] | None = None,
) -> HeatMap:
    """5 x 5 grid, likelihood up the side and impact along the bottom, counts in the cells."""
    cell, left, bottom = 40, 34, 34
    grid = tuple(
        tuple(
            HeatCell(
                likelihood, impact, likelihood * impact, band_for(likelihood * impact),
                counts.get((likelihood, impact), 0),
                href_for(likelihood, impact) if href_for and counts.get((likelihood, impact)) else None,
            )
            for impact in range(1, 6)
        )
        for likelihood in range(5, 0, -1)
    )
    total = sum(counts.values())
    parts = []
    for row_index, row in enumerate(grid):
        for col_index, c in enumerate(row):
            x, y = left + col_index * cell, row_index * cell
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" stroke-width="2"/>',
                x, y, cell, cell, RAG_FILL[c.band],
            ))
            if c.count:
                parts.append(format_html(
                    '<text x="{}" y="{}" text-anchor="middle" font-size="16" font-weight="bold" '
                    'fill="{}">{}</text>',
                    x + cell // 2, y + cell // 2 + 6, RAG_TEXT[c.band], c.count,
                ))
    for i in range(5):
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
            left - 10, i * cell + cell // 2 + 4, INK, 5 - i,
        ))
        parts.append(format_html(
            '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">{}</text>',
            left + i * cell + cell // 2, 5 * cell + 14, INK, i + 1,
        ))
    parts.append(format_html(
        '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="{}">Impact</text>',
        left + 5 * cell // 2, 5 * cell + 30, INK,
    ))
    parts.append(format_html(
        '<text x="10" y="{}" text-anchor="middle" font-size="12" fill="{}" '
        'transform="rotate(-90 10 {})">Likelihood</text>',
        5 * cell // 2, INK, 5 * cell // 2,
    ))
    occupied = [c for row in grid for c in row if c.count]
    title = f"Risk heat map: {subject}"
    if occupied:
        cells = "; ".join(
            f"likelihood {c.likelihood}, impact {c.impact} (score {c.score}, {c.band.label}): "
            f"{plural(c.count, 'risk')}"
            for c in occupied
        )
        description = f"{plural(total, 'open risk')} by current likelihood and impact. {cells}."
    else:
        description = "No open risks."
    svg = _svg(
        cid, title, description, f"0 0 {left + 5 * cell} {5 * cell + bottom}", "".join(parts),
        css_class="dashboard-chart--heat",
    )
    headers = ("Likelihood",) + tuple(f"Impact {i}" for i in range(1, 6))
    rows = tuple((row[0].likelihood,) + tuple(c.count for c in row) for row in grid)
    return HeatMap(Chart(cid, title, description, svg, headers, rows), grid, total)


def _n(value: float) -> str:
    """Short SVG numbers: 12, 12.5, 12.33."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"

