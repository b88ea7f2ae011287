"""The SVG charts: titled, described, and carrying the same figures as their tables."""

import re
from xml.etree import ElementTree

from dashboards import charts
from programmes.rules import Rag

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart: charts.Chart) -> ElementTree.Element:
    return ElementTree.fromstring(str(chart.svg))


def texts(svg: ElementTree.Element) -> list[str]:
    return [t.text for t in svg.iter(f"{SVG}text")]


def assert_accessible(chart: charts.Chart):
    svg = parse(chart)
    assert svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title.text == chart.title and desc.text == chart.description
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_distribution_bar_is_titled_and_described():
    chart = charts.rag_distribution_bar({Rag.GREEN: 3, Rag.RED: 1}, cid="c1", subject="ASC plan")
    assert_accessible(chart)
    assert chart.title == "RAG distribution of ASC plan"
    assert chart.description == "4 actions: Blue 0, Green 3, Amber 0, Red 1, Grey 0."


def test_the_distribution_bar_prints_each_count_and_its_table_has_the_same_numbers():
    distribution = {Rag.BLUE: 2, Rag.GREEN: 10, Rag.AMBER: 5, Rag.RED: 3, Rag.GREY: 0}
    chart = charts.rag_distribution_bar(distribution, cid="c2", subject="plan")
    assert texts(parse(chart)) == ["2", "10", "5", "3"]
    assert chart.headers == ("Blue", "Green", "Amber", "Red", "Grey", "Total")
    assert chart.rows == ((2, 10, 5, 3, 0, 20),)


def test_segments_are_as_wide_as_their_share():
    chart = charts.rag_distribution_bar({Rag.GREEN: 1, Rag.RED: 3}, cid="c3", subject="plan")
    widths = [float(r.get("width")) for r in parse(chart).iter(f"{SVG}rect")]
    assert widths == [60, 180]


def test_a_distribution_with_no_actions_says_so():
    chart = charts.rag_distribution_bar({}, cid="c4", subject="plan")
    assert_accessible(chart)
    assert texts(parse(chart)) == ["No actions"]
    assert chart.rows == ((0, 0, 0, 0, 0, 0),)


def test_text_is_escaped_in_titles():
    chart = charts.rag_distribution_bar({}, cid="c5", subject="<script>alert(1)</script>")
    assert "<script>" not in str(chart.svg)
    assert parse(chart).find(f"{SVG}title").text == "RAG distribution of <script>alert(1)</script>"


def test_the_percent_bar_fills_to_the_percent():
    chart = charts.percent_bar(48, cid="p1", subject="ASC1")
    assert_accessible(chart)
    rects = list(parse(chart).iter(f"{SVG}rect"))
    assert float(rects[1].get("width")) == 48
    assert chart.description == "48% complete."
    assert chart.rows == (("48%",),)


def test_the_percent_bar_without_a_percent_is_empty_and_says_why():
    chart = charts.percent_bar(None, cid="p2", subject="ASC1")
    assert len(list(parse(chart).iter(f"{SVG}rect"))) == 2
    assert chart.description == "No percent: nothing included to roll up."


def test_the_sparkline_joins_the_values_and_lists_them():
    points = [("Q1", 62.0, "62%"), ("Q2", 71.0, "71%"), ("Q3", 70.0, "70%")]
    chart = charts.sparkline(points, cid="s1", subject="KPI1")
    assert_accessible(chart)
    line = parse(chart).find(f"{SVG}polyline").get("points").split()
    assert len(line) == 3
    ys = [float(point.split(",")[1]) for point in line]
    assert ys[0] > ys[2] > ys[1]  # higher values sit higher (smaller y)
    assert chart.rows == (("Q1", "62%"), ("Q2", "71%"), ("Q3", "70%"))
    assert chart.description == "Values: Q1 62%, Q2 71%, Q3 70%."


def test_a_sparkline_with_no_values_says_so():
    chart = charts.sparkline([], cid="s2", subject="KPI1")
    assert chart.description == "No values yet."
    assert chart.rows == ()


def test_chart_ids_are_safe_for_html():
    assert re.fullmatch(r"[a-z0-9-]+", charts.chart_id("distribution", "ASC 24/25", 7))
