from datetime import datetime
from decimal import Decimal

import pytest

from app.domain.event_file import EventFileError, event_document, parse_event

VALID = {
    "title": "Buurtavond Kruiskamp",
    "starts_at": "2026-12-03T19:30",
    "location": "Buurthuis De Kei",
    "language": "nl",
    "groups": [{"name": "Bewoners", "weight": 1}, {"name": "Jongeren", "weight": 1.5, "colour": "#aa3300"}],
}


def test_parses_a_valid_file() -> None:
    spec = parse_event(VALID)
    assert spec.title == "Buurtavond Kruiskamp"
    assert spec.starts_at == datetime(2026, 12, 3, 19, 30)
    assert [(group.name, group.weight) for group in spec.groups] == [
        ("Bewoners", Decimal(1)), ("Jongeren", Decimal("1.5"))]


def test_round_trip() -> None:
    spec = parse_event(VALID)
    assert parse_event(event_document(spec)) == spec


def test_default_group_when_none_given() -> None:
    spec = parse_event({"title": "x"})
    assert [(group.name, group.weight) for group in spec.groups] == [("Iedereen", Decimal(1))]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": 5}, "title"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"language": "de"}, "language"),
        ({"groups": []}, "groups"),
        ({"groups": [{"name": "A", "weight": 0}]}, "groups[0].weight"),
        ({"groups": [{"name": "A", "weight": "veel"}]}, "groups[0].weight"),
        ({"groups": [{"name": "A"}, {"name": "A"}]}, "groups[1].name"),
        ({"groups": [{"weight": 1}]}, "groups[0].name"),
        ({"groups": ["A"]}, "groups[0]"),
        ({"starts_at": "2026-12-03T20:00", "ends_at": "2026-12-03T19:00"}, "ends_at"),
        ({"format": 9}, "format"),
    ],
)
def test_errors_name_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(EventFileError) as raised:
        parse_event(VALID | change)
    assert raised.value.field == field


def test_rejects_a_document_that_is_not_an_object() -> None:
    with pytest.raises(EventFileError):
        parse_event([1, 2])
