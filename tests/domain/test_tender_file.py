"""The tender part of the event file: parse, round trip, errors naming the field, and the JSON Schema."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.event_file import EventFileError, event_document, parse_event
from app.domain.scoring import Scale
from app.domain.tender_file import parse_tender, tender_document

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "event-format.schema.json"
VALID = {
    "title": "Welzijnswerk", "bijsluiter": "Het college besluit.", "method": "weighted_median",
    "scale": {"type": "stars", "max": 5},
    "criteria": [{"name": "Plan", "weight": 2.5, "description": "Goed plan?"}, {"name": "Prijs"}],
    "bidders": [{"name": "A", "website": "https://a.example"}, {"name": "B", "description": "Tweede"}],
}


def test_parses_and_round_trips() -> None:
    spec = parse_tender(VALID)
    assert (spec.method, spec.scale) == ("median", Scale.stars(5))
    assert [(c.name, c.weight) for c in spec.criteria] == [("Plan", Decimal("2.5")), ("Prijs", Decimal(1))]
    assert parse_tender(tender_document(spec)) == spec
    event = parse_event({"title": "Avond", "tender": VALID})
    assert parse_event(event_document(event)) == event


def test_defaults() -> None:
    spec = parse_tender({"title": "W"})
    assert (spec.method, spec.scale, spec.criteria, spec.bidders) == ("mean", Scale.grade(), (), ())


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "tender.title"),
    ({"method": "borda"}, "tender.method"),
    ({"scale": {"type": "percent"}}, "tender.scale.type"),
    ({"scale": {"type": "grade", "min": 10, "max": 1}}, "tender.scale.max"),
    ({"scale": {"type": "verbal", "grades": ["Goed"]}}, "tender.scale.grades"),
    ({"scale": {"type": "verbal", "grades": ["Goed", ""]}}, "tender.scale.grades[1]"),
    ({"scale": {"type": "verbal", "grades": ["Goed", "goed"]}}, "tender.scale.grades"),
    ({"criteria": [{"name": "Plan", "weight": 0}]}, "tender.criteria[0].weight"),
    ({"criteria": [{"name": "Plan"}, {"name": "plan"}]}, "tender.criteria[1].name"),
    ({"criteria": [{"weight": 1}]}, "tender.criteria[0].name"),
    ({"bidders": [{"name": "A", "website": "ftp://x"}]}, "tender.bidders[0].website"),
    ({"bidders": "A"}, "tender.bidders"),
])
def test_errors_name_the_field(change, field) -> None:
    with pytest.raises(EventFileError) as refused:
        parse_tender(VALID | change)
    assert refused.value.field == field


def test_schema_accepts_the_examples_and_refuses_a_bad_method() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    document = event_document(parse_event({"title": "Avond", "groups": [{"name": "Bewoners"}], "tender": VALID}))
    jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document | {"tender": VALID | {"method": "borda"}}, schema)


def test_a_method_that_is_not_text_names_the_field() -> None:
    """Found by the importer fuzz test: a list as method crashed instead of naming the field."""
    import pytest

    from app.domain.event_file import EventFileError
    from app.domain.tender_file import parse_tender

    with pytest.raises(EventFileError) as raised:
        parse_tender({"method": []})
    assert raised.value.field == "tender.method"
