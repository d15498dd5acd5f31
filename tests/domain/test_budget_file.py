"""The ``budget_rounds`` part of the event file: checked field by field, and a document round trip."""

from __future__ import annotations

import pytest

from app.domain.budget_file import budget_rounds_document, parse_budget_rounds
from app.domain.event_file import EventFileError, event_document, parse_event

ROUND = {
    "title": "Buurtbudget", "budget": 25000, "bijsluiter": "Voor het plein.", "themes": ["Groen", "Spelen"],
    "phase": "review", "ballot": {"kind": "knapsack", "min_projects": 1, "min_spend_percent": 50}, "rule": "mes",
    "proposals": [
        {"title": "Bankjes", "description": "Drie bankjes", "cost": "1250.50", "theme": "Groen",
         "review": "feasible", "adjusted_cost": 1400},
        {"title": "Fontein", "cost": 30000, "review": "infeasible", "reason": "Te duur"},
    ],
}


def test_round_trip_through_the_event_document() -> None:
    spec = parse_event({"title": "Buurtavond", "budget_rounds": [ROUND | {"proposals": ROUND["proposals"][:1]}]})
    (budget_round,) = spec.budget_rounds
    assert budget_round.budget_cents == 25000_00 and budget_round.proposals[0].cost_cents == 1250_50
    assert budget_round.proposals[0].adjusted_cost_cents == 1400_00
    assert parse_event(event_document(spec)) == spec
    assert "contact" not in str(budget_rounds_document(spec.budget_rounds))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget": -5}, "budget_rounds[0].budget"),
        ({"budget": "veel"}, "budget_rounds[0].budget"),
        ({"ballot": {"kind": "ranking"}}, "budget_rounds[0].ballot.kind"),
        ({"ballot": {"kind": "points"}}, "budget_rounds[0].ballot.total_points"),
        ({"ballot": {"min_projects": 3, "max_projects": 2}}, "budget_rounds[0].ballot.max_projects"),
        ({"rule": "random"}, "budget_rounds[0].rule"),
        ({}, "budget_rounds[0].proposals[1].cost"),  # the fountain costs more than the budget
        ({"proposals": [{"title": "X", "cost": 10, "theme": "Verkeer"}]}, "budget_rounds[0].proposals[0].theme"),
        ({"proposals": [{"title": "X", "cost": 10, "review": "infeasible"}]},
         "budget_rounds[0].proposals[0].reason"),
        ({"proposals": [{"title": "X", "cost": 10.555}]}, "budget_rounds[0].proposals[0].cost"),
    ],
)
def test_problems_name_their_field(change: dict, field: str) -> None:
    with pytest.raises(EventFileError) as caught:
        parse_budget_rounds([ROUND | change])
    assert caught.value.field == field
