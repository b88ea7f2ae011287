"""Governance's SVG pictures: the risk heat map in its bands' own words, and the tree of boards,
each titled, described and carrying the same figures as its table or list."""

from governance.charts import BoardNode, board_tree, risk_heat_map
from programmes.rules import Rag
from tests.dashboards.test_charts import SVG, assert_accessible, parse, texts


def test_the_heat_map_puts_counts_in_their_cells_and_colours_them_by_band():
    heat = risk_heat_map(
        {(4, 5): 2, (2, 2): 1}, cid="h1", subject="ASC",
        band_for=lambda score: Rag.RED if score >= 15 else Rag.AMBER if score >= 5 else Rag.GREEN,
        href_for=lambda likelihood, impact: f"/risks/?likelihood={likelihood}&impact={impact}",
    )
    assert_accessible(heat.chart)
    assert heat.total == 3
    top_row = heat.grid[0]
    assert [c.likelihood for c in top_row] == [5] * 5
    cell = heat.grid[1][4]
    assert (cell.likelihood, cell.impact, cell.count, cell.band) == (4, 5, 2, Rag.RED)
    assert cell.href == "/risks/?likelihood=4&impact=5"
    assert heat.grid[4][0].href is None  # nothing to list in an empty cell
    assert heat.chart.rows[1] == (4, 0, 0, 0, 0, 2)
    assert heat.chart.rows[3] == (2, 0, 1, 0, 0, 0)
    cell_counts = [t.text for t in parse(heat.chart).iter(f"{SVG}text") if t.get("font-size") == "16"]
    assert cell_counts == ["2", "1"]
    assert "likelihood 4, impact 5 (score 20, High): 2 risks" in heat.chart.description


def test_an_empty_heat_map_says_there_are_no_open_risks():
    heat = risk_heat_map({}, cid="h2", subject="ASC", band_for=lambda score: Rag.GREEN)
    assert heat.total == 0
    assert heat.chart.description == "No open risks."


def test_the_inherent_heat_map_says_which_scores_it_counts():
    heat = risk_heat_map({(5, 5): 1}, cid="h3", subject="ASC", band_for=lambda score: Rag.RED, scores="inherent")
    assert heat.chart.title == "Risk heat map, inherent scores: ASC"
    assert heat.chart.description.startswith("1 open risk by inherent likelihood and impact.")
    assert heat.grid[0][4].band_label == "High"


def test_the_tree_of_boards_puts_each_board_below_the_one_it_reports_to():
    dmt = BoardNode(1, "DMT", "Departmental management team")
    cib = BoardNode(2, "ASCCIB", "Adult social care change and improvement board")
    ref = BoardNode(3, "UCRG", "User and carer reference group")
    dmt.children = [cib]
    cib.children = [ref]
    audit = BoardNode(4, "AUD", "Audit committee")

    chart = board_tree([dmt, audit], cid="tree")

    assert_accessible(chart)
    svg = parse(chart)
    boxes = {t.text: float(t.get("y")) for t in svg.iter(f"{SVG}text") if t.get("font-weight") == "bold"}
    assert boxes["DMT"] < boxes["ASCCIB"] < boxes["UCRG"]
    assert boxes["AUD"] == boxes["DMT"]
    assert len(list(svg.iter(f"{SVG}path"))) == 2  # one line for each board that reports to another
    assert "Adult social care change and improvement board (ASCCIB) reports to DMT" in chart.description
    assert "User and carer reference group (UCRG) reports to ASCCIB" in chart.description
    assert "Departmental manageme…" in texts(svg)  # the full name is in the description and the list


def test_no_boards_draws_an_empty_tree_that_says_so():
    assert board_tree([], cid="empty").description == "No boards yet."
