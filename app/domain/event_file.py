"""The event file format (``docs/event-format.md``): reading a JSON document into checked values.

Every problem names the field it is in (``groups[1].weight``), so whoever wrote the file can fix it.
Parsing is all-or-nothing: it either returns a complete ``EventSpec`` or raises ``EventFileError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.domain.budget_file import BudgetRoundSpec
    from app.domain.tender_file import TenderSpec

FORMAT_VERSION = 1
LANGUAGES = ("nl", "en")


class EventFileError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class GroupSpec:
    name: str
    weight: Decimal
    colour: str = "#1f6f8b"


@dataclass(frozen=True)
class EventSpec:
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    location: str
    description: str
    language: str
    groups: tuple[GroupSpec, ...]
    tender: TenderSpec | None = None
    budget_rounds: tuple[BudgetRoundSpec, ...] = ()


def text_field(data: Mapping[str, Any], key: str, path: str, required: bool = False, limit: int = 200) -> str:
    """The text at ``data[key]``, stripped; every part of the event file reads its text fields through this."""
    value = data.get(key)
    if value is None:
        if required:
            raise EventFileError(path + key, "is required")
        return ""
    if not isinstance(value, str):
        raise EventFileError(path + key, "must be text")
    if required and not value.strip():
        raise EventFileError(path + key, "must not be empty")
    if len(value) > limit:
        raise EventFileError(path + key, f"is longer than {limit} characters")
    return value.strip()


def _moment(data: Mapping[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise EventFileError(key, "must be a date and time like 2026-11-24T19:30")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise EventFileError(key, "must be a date and time like 2026-11-24T19:30") from None
    return moment.replace(tzinfo=None)


def _weight(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EventFileError(path, "must be a number above 0")
    try:
        weight = Decimal(str(value))
    except InvalidOperation:
        raise EventFileError(path, "must be a number above 0") from None
    if not weight.is_finite() or weight <= 0 or weight > 1000:
        raise EventFileError(path, "must be a number above 0 and at most 1000")
    return weight


def _groups(data: Mapping[str, Any]) -> tuple[GroupSpec, ...]:
    raw = data.get("groups")
    if raw is None:
        return (GroupSpec("Iedereen", Decimal(1)),)
    if not isinstance(raw, list) or not raw:
        raise EventFileError("groups", "must be a non-empty list")
    groups: list[GroupSpec] = []
    for index, item in enumerate(raw):
        path = f"groups[{index}]."
        if not isinstance(item, dict):
            raise EventFileError(f"groups[{index}]", "must be an object with name and weight")
        name = text_field(item, "name", path, required=True, limit=80)
        if any(group.name == name for group in groups):
            raise EventFileError(path + "name", f"'{name}' appears twice")
        colour = text_field(item, "colour", path, limit=7) or "#1f6f8b"
        if len(colour) != 7 or not colour.startswith("#"):
            raise EventFileError(path + "colour", "must look like #1f6f8b")
        groups.append(GroupSpec(name, _weight(item.get("weight", 1), path + "weight"), colour))
    return tuple(groups)


def parse_event(data: Any) -> EventSpec:
    """Check a decoded JSON document; the first problem found is raised, naming its field."""
    if not isinstance(data, dict):
        raise EventFileError("(document)", "must be a JSON object")
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise EventFileError("format", f"must be {FORMAT_VERSION}")
    language = data.get("language", "nl")
    if language not in LANGUAGES:
        raise EventFileError("language", "must be 'nl' or 'en'")
    starts_at = _moment(data, "starts_at")
    ends_at = _moment(data, "ends_at")
    if starts_at and ends_at and ends_at < starts_at:
        raise EventFileError("ends_at", "is before starts_at")
    return EventSpec(
        title=text_field(data, "title", "", required=True),
        starts_at=starts_at,
        ends_at=ends_at,
        location=text_field(data, "location", ""),
        description=text_field(data, "description", "", limit=5000),
        language=str(language),
        groups=_groups(data),
        tender=_tender(data),
        budget_rounds=_budget_rounds(data),
    )


def _tender(data: Mapping[str, Any]) -> TenderSpec | None:
    """The optional Idols-evening set-up (``app/domain/tender_file.py``, imported here to avoid a cycle)."""
    from app.domain.tender_file import parse_tender

    return None if data.get("tender") is None else parse_tender(data["tender"])


def _budget_rounds(data: Mapping[str, Any]) -> tuple[BudgetRoundSpec, ...]:
    """The optional budget rounds (``app/domain/budget_file.py``, imported here to avoid a cycle)."""
    from app.domain.budget_file import parse_budget_rounds

    return parse_budget_rounds(data.get("budget_rounds"))


def event_document(spec: EventSpec) -> dict[str, Any]:
    """The JSON document for ``spec``: ``parse_event(event_document(spec)) == spec``."""
    document: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "title": spec.title,
        "starts_at": spec.starts_at.isoformat(timespec="minutes") if spec.starts_at else None,
        "ends_at": spec.ends_at.isoformat(timespec="minutes") if spec.ends_at else None,
        "location": spec.location,
        "description": spec.description,
        "language": spec.language,
        "groups": [{"name": g.name, "weight": _number(g.weight), "colour": g.colour} for g in spec.groups],
    }
    if spec.tender is not None:
        from app.domain.tender_file import tender_document

        document["tender"] = tender_document(spec.tender)
    if spec.budget_rounds:
        from app.domain.budget_file import budget_rounds_document

        document["budget_rounds"] = budget_rounds_document(spec.budget_rounds)
    return document


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
