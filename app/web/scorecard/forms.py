"""The phone score card is a plain form built from the tender's criteria; these helpers read and show it.

Each criterion is a radio group named ``c-<criterion public_id>``; the "can't judge" radio has the empty
value. A criterion with no radio chosen is absent from the form and refused as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain import scoring
from app.models import Tender
from app.services.tender import scale_of

PREFIX = "c-"


@dataclass(frozen=True)
class Option:
    value: str  # what the radio submits: a number or a grade label; "" is can't judge
    text: str
    stored: int | None


def options(tender: Tender) -> list[Option]:
    """Scale values worst first, then can't judge (its text is filled in by the template)."""
    scale = scale_of(tender)
    found = [Option(scoring.label(scale, value), scoring.label(scale, value), value) for value in scale.values]
    return found


def answers_from(form: Mapping[str, str]) -> dict[str, str | None]:
    """The submitted answers keyed by criterion public id; unknown ``c-`` fields are passed on so
    validation refuses them."""
    found: dict[str, str | None] = {}
    for name, value in form.items():
        if name.startswith(PREFIX):
            found[name[len(PREFIX):]] = value
    return found


def refilled(answers: Mapping[str, str | None]) -> dict[str, str]:
    """Submitted answers as radio values again, to show a refused card as it was sent."""
    return {key: value or "" for key, value in answers.items()}


def chosen(scores: Mapping[str, int | None] | None, tender: Tender) -> dict[str, str]:
    """Stored scores as radio values, to pre-fill a card being changed."""
    if not scores:
        return {}
    scale = scale_of(tender)
    return {key: "" if value is None else scoring.label(scale, value) for key, value in scores.items()}
