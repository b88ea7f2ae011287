"""Governance's pictures, server-rendered SVG: the risk heat map and the tree of boards.

Each is an image with a title and a description and comes with the same figures for a table or a
list beside it (programmes.charts). The programme dashboard shows the same heat map as the register.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import format_html

from programmes.charts import INK, MUTED, RAG_FILL, RAG_TEXT, Chart, plural, svg, svg_number
from programmes.rules import Rag, risk_band_label

# ---------------------------------------------------------------- risk heat map


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    score: int
    band: Rag
    count: int
    href: str | None = None

    @property
    def band_label(self) -> str:
        return risk_band_label(self.band)


@dataclass(frozen=True)
class HeatMap:
    chart: Chart
    grid: tuple[tuple[HeatCell, ...], ...] = field(default=())  # likelihood 5 (top) to 1, impact 1 to 5
    total: int = 0
    scores: str = "current"


def risk_heat_map(
    counts: dict[tuple[int, int], int],
    *,
    cid: str,
    subject: str,
    band_for: Callable[[int], Rag],
    href_for: Callable[[int, int], str] | None = None,
    scores: str = "current",
) -> HeatMap:
    """5 x 5 grid, likelihood up the side and impact along the bottom, counts in the cells, each
    cell in its band's colour (low, medium, high). `scores` says which: "current" or "inherent"."""
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
    title = f"Risk heat map, {scores} scores: {subject}"
    if occupied:
        cells = "; ".join(
            f"likelihood {c.likelihood}, impact {c.impact} (score {c.score}, {c.band_label}): "
            f"{plural(c.count, 'risk')}"
            for c in occupied
        )
        description = f"{plural(total, 'open risk')} by {scores} likelihood and impact. {cells}."
    else:
        description = "No open risks."
    picture = svg(
        cid, title, description, f"0 0 {left + 5 * cell} {5 * cell + bottom}", "".join(parts),
        css_class="dashboard-chart--heat",
    )
    headers = ("Likelihood",) + tuple(f"Impact {i}" for i in range(1, 6))
    rows = tuple((row[0].likelihood,) + tuple(c.count for c in row) for row in grid)
    return HeatMap(Chart(cid, title, description, picture, headers, rows), grid, total, scores)


# ---------------------------------------------------------------- the tree of boards


@dataclass
class BoardNode:
    id: int
    short_name: str
    name: str
    children: list[BoardNode] = field(default_factory=list)
    href: str = ""


BOX_WIDTH, BOX_HEIGHT, GAP_X, GAP_Y = 150, 46, 16, 36
_NAME_CHARACTERS = 22  # what fits in a box at font size 11


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def board_tree(roots: list[BoardNode], *, cid: str) -> Chart:
    """The governance structure: each board in a box joined to the board it reports to, above it.
    The nested list beside it says the same in words (and has the links)."""
    positions: dict[int, tuple[float, int]] = {}
    next_slot = [0]

    def place(node: BoardNode, depth: int) -> float:
        if node.children:
            xs = [place(child, depth + 1) for child in node.children]
            x = (xs[0] + xs[-1]) / 2
        else:
            x = next_slot[0]
            next_slot[0] += 1
        positions[node.id] = (x, depth)
        return x

    for root in roots:
        place(root, 0)
    slots = max(next_slot[0], 1)
    depth = max((d for _, d in positions.values()), default=0) + 1
    width = slots * (BOX_WIDTH + GAP_X) + GAP_X
    height = depth * (BOX_HEIGHT + GAP_Y) + GAP_Y

    def left(node) -> float:
        return GAP_X + positions[node.id][0] * (BOX_WIDTH + GAP_X)

    def top(node) -> float:
        return GAP_Y + positions[node.id][1] * (BOX_HEIGHT + GAP_Y)

    lines, boxes, sentences = [], [], []

    def draw(node: BoardNode, parent: BoardNode | None) -> None:
        x, y = left(node), top(node)
        if parent is not None:
            px, py = left(parent) + BOX_WIDTH / 2, top(parent) + BOX_HEIGHT
            mid = py + GAP_Y / 2
            lines.append(format_html(
                '<path d="M{} {} V{} H{} V{}" fill="none" stroke="{}" stroke-width="1.5"/>',
                svg_number(px), svg_number(py), svg_number(mid), svg_number(x + BOX_WIDTH / 2), svg_number(y), MUTED,
            ))
            sentences.append(f"{node.name} ({node.short_name}) reports to {parent.short_name}")
        boxes.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="#ffffff" stroke="{}" stroke-width="2"/>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="13" font-weight="bold" fill="{}">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text>',
            svg_number(x), svg_number(y), BOX_WIDTH, BOX_HEIGHT, INK,
            svg_number(x + BOX_WIDTH / 2), svg_number(y + 19), INK, _short(node.short_name, 18),
            svg_number(x + BOX_WIDTH / 2), svg_number(y + 36), INK, _short(node.name, _NAME_CHARACTERS),
        ))
        for child in node.children:
            draw(child, node)

    for root in roots:
        draw(root, None)
    title = "Governance structure: which board reports to which"
    if positions:
        tops = ", ".join(f"{root.name} ({root.short_name})" for root in roots)
        description = (f"{plural(len(positions), 'board')}. At the top: {tops}. "
                       + ("; ".join(sentences) + "." if sentences else "No board reports to another."))
    else:
        description = "No boards yet."
    picture = svg(cid, title, description, f"0 0 {svg_number(width)} {svg_number(height)}",
                  "".join(lines) + "".join(boxes), css_class="governance-tree")
    return Chart(cid, title, description, picture)
