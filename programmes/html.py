"""Rich text from officers and imports: paragraphs, lists, bold, links only."""

from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitise_rich_text(html: str) -> str:
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


class _PlainText(HTMLParser):
    """Sanitised rich text as lines: a paragraph, a line break or a list item starts a new line."""

    BREAKS = {"p", "br", "li", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current = [], []

    def _break(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.lines.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BREAKS:
            self._break()

    def handle_endtag(self, tag):
        if tag in self.BREAKS:
            self._break()

    def handle_data(self, data):
        self.current.append(data)


def rich_text_as_plain(html: str) -> str:
    """The words of rich text without its tags, one paragraph or list item a line (for CSV and Excel)."""
    if not html:
        return ""
    parser = _PlainText()
    parser.feed(sanitise_rich_text(html))
    parser.close()
    parser._break()
    return "\n".join(parser.lines)
