"""The result charts drawn from a tally: ranking order, escaping, spread bars and legends."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from app.domain import scoring
from app.exports import charts

SVG = "{http://www.w3.org/2000/svg}"


def _result(method: scoring.Method = scoring.Method.MEAN) -> scoring.TenderResult:
    scale = scoring.Scale.grade(1, 10)
    criteria = [scoring.Criterion("c1", "Plan"), scoring.Criterion("c2", "Prijs", 2)]
    bidders = [scoring.Bidder("a", "<script>Evil & Co</script>"), scoring.Bidder("b", "Buurttuin")]
    cards = [
        scoring.Card("v1", "a", "Iedereen", 1, {"c1": 4, "c2": 5}),
        scoring.Card("v2", "a", "Iedereen", 1, {"c1": 6, "c2": None}),
        scoring.Card("v1", "b", "Iedereen", 1, {"c1": 9, "c2": 8}),
        scoring.Card("v2", "b", "Iedereen", 1, {"c1": 7, "c2": 8}),
    ]
    return scoring.tally(scale, criteria, bidders, cards, method)


def _texts(svg: str) -> list[str]:
    return ["".join(node.itertext()) for node in ET.fromstring(svg).iter(f"{SVG}text")]


def test_ranking_lists_bidders_best_first_with_escaped_names() -> None:
    svg = charts.ranking_svg(_result(), "Ranking")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    texts = _texts(svg)
    assert texts[0].startswith("1.") and "Buurttuin" in texts[0]
    assert texts[1] == "8.0"  # (8 + 2 × 8) / 3
    assert texts[2].startswith("2.") and "Evil" in texts[2]


def test_majority_judgment_scores_are_shown_as_grades() -> None:
    result = _result(scoring.Method.MAJORITY)
    assert charts.format_score(result.scale, result.ranking.entries[0].score, result.method) in {"8", "9", "7"}
    assert charts.format_score(result.scale, None, result.method) == "–"


def test_criteria_chart_and_spread_segments() -> None:
    result = _result()
    svg = charts.criteria_svg(result, "a", {"c1": "Plan", "c2": "Prijs"}, "Evil")
    ET.fromstring(svg)  # well-formed
    assert "Plan" in _texts(svg) and "5.0 · 4" in " ".join(_texts(svg))
    segments = charts.segments_of(result.scale, result.result("b").majority_shares)
    assert [label for label, _ in segments] == [str(value) for value in range(1, 11)]
    assert sum(weight for _, weight in segments) == Fraction(1)
    legend = charts.legend_svg(result.scale, "Legend")
    assert _texts(legend) == [str(value) for value in range(1, 11)]
