"""Reading figures back out of rendered dashboards, the way a test would check a printed report."""

from html.parser import HTMLParser

from programmes import rules


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def figures(html: str, kinds=("programme", "objective", "action")) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, ref) -> (percent as shown, rag) for every element that carries figures."""
    shown = {}
    for _, attrs in elements(html):
        if attrs.get("data-kind") in kinds and "data-rag" in attrs and "data-percent" in attrs:
            key = (attrs["data-kind"], attrs["data-ref"])
            value = (attrs["data-percent"], attrs["data-rag"])
            assert shown.get(key, value) == value, f"{key} shows two different figures on one page"
            shown[key] = value
    return shown


def engine_figures(tree) -> dict[tuple[str, str], tuple[str, str]]:
    """The same shape, straight from the engine's results."""
    out = {}
    for result in rules.iter_results(tree.result):
        percent = rules.display_percent(result.percent)
        out[(result.key[0], result.ref)] = ("" if percent is None else str(percent), result.rag.value)
    return out
