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


def rich_text_as_plain(html: str, *, between: str = "\n") -> str:
    """The words of rich text without its tags, one paragraph or list item a line (for CSV and Excel);
    `between="\n\n"` gives paragraphs separated by a blank line, as a form's text box takes them."""
    if not html:
        return ""
    parser = _PlainText()
    parser.feed(sanitise_rich_text(html))
    parser.close()
    parser._break()
    return between.join(parser.lines)


# Commentary, reasons and notes: room for a full page of words, not for a 3 MB page.
LONGEST_TEXT = 10_000


def text_too_long(text: str, *, rich: bool = False) -> str:
    """A message when text has more than LONGEST_TEXT characters ("" when it fits). Rich text is
    measured by its words, not its tags; markup many times the limit is refused without reading it."""
    if not text:
        return ""
    length = len(text)
    if rich and length <= 4 * LONGEST_TEXT:
        length = len(rich_text_as_plain(text))
    if length <= LONGEST_TEXT:
        return ""
    return f"must be {LONGEST_TEXT:,} characters or fewer; it has {length:,}"
