"""What every server-rendered SVG chart shares: the figure it carries for its table, its
accessible wrapper, and the site's RAG colours. The charts themselves live with the records they
draw (dashboards.charts, governance.charts).

Every chart is an image with a title and a description (role="img", aria-labelledby) and carries
the same figures as rows for the table printed beside it, so nobody has to read numbers off a
picture. The figures come in already computed: nothing here decides a percent or a colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from .rules import Rag

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


def svg(cid: str, title: str, description: str, view_box: str, body: str, *, css_class: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" viewBox="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" focusable="false" font-family="arial, sans-serif">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        css_class, view_box, cid, cid, cid, title, cid, description, mark_safe(body),
    )


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"



def svg_number(value: float) -> str:
    """Short SVG numbers: 12, 12.5, 12.33."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"

