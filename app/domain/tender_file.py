"""The ``tender`` part of an event file (``docs/event-format.md``): an Idols evening's set-up.

Pure: a decoded JSON value in, a checked ``TenderSpec`` out, or an ``EventFileError`` naming the field
(``tender.criteria[2].weight``). ``tender_document(parse_tender(x))`` gives back an equivalent document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.event_file import EventFileError, text_field
from app.domain.scoring.errors import ScoreError
from app.domain.scoring.scale import Scale, ScaleKind

#: file name of a method → the ``app.domain.scoring.Method`` value stored on a tender
FILE_METHODS = {"weighted_mean": "mean", "weighted_median": "median", "majority_judgment": "majority_judgment"}
STORED_METHODS = {stored: name for name, stored in FILE_METHODS.items()}
MAX_CRITERIA = 20
MAX_BIDDERS = 30


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    weight: Decimal
    description: str = ""


@dataclass(frozen=True)
class BidderSpec:
    name: str
    description: str = ""
    website: str = ""


@dataclass(frozen=True)
class TenderSpec:
    """``method`` is the stored value (``mean``, ``median`` or ``majority_judgment``)."""

    title: str
    bijsluiter: str
    method: str
    scale: Scale
    criteria: tuple[CriterionSpec, ...]
    bidders: tuple[BidderSpec, ...]


def parse_weight(value: Any, path: str) -> Decimal:
    """A criterion weight: a number above 0 and at most 1000, kept to four decimals."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EventFileError(path, "must be a number above 0")
    try:
        weight = Decimal(str(value).replace(",", ".") if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise EventFileError(path, "must be a number above 0") from None
    if not weight.is_finite() or weight <= 0 or weight > 1000:
        raise EventFileError(path, "must be a number above 0 and at most 1000")
    if weight != weight.quantize(Decimal("0.0001")):
        raise EventFileError(path, "may have at most four decimals")
    return weight


def _int(data: Mapping[str, Any], key: str, path: str, default: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventFileError(path + key, "must be a whole number")
    return value


def parse_scale(raw: Any, path: str = "tender.scale") -> Scale:
    """``{"type": "grade", "min": 1, "max": 10}``, ``{"type": "stars", "max": 5}`` or
    ``{"type": "verbal", "grades": [worst, …, best]}``; a missing scale is the report grade 1–10."""
    if raw is None:
        return Scale.grade()
    if not isinstance(raw, dict):
        raise EventFileError(path, "must be an object with a type")
    kind = raw.get("type", "grade")
    try:
        if kind == "grade":
            minimum, maximum = _int(raw, "min", path + ".", 1), _int(raw, "max", path + ".", 10)
            if not -100 <= minimum < maximum <= 100:
                raise EventFileError(path + ".max", "must be above min (both between -100 and 100)")
            return Scale.grade(minimum, maximum)
        if kind == "stars":
            maximum = _int(raw, "max", path + ".", 5)
            if not 2 <= maximum <= 10:
                raise EventFileError(path + ".max", "must be between 2 and 10 stars")
            return Scale.stars(maximum)
        if kind == "verbal":
            grades = raw.get("grades")
            if not isinstance(grades, list) or not 2 <= len(grades) <= 10:
                raise EventFileError(path + ".grades", "must be a list of 2 to 10 grade names, worst first")
            for index, grade in enumerate(grades):
                if not isinstance(grade, str) or not grade.strip() or len(grade) > 40:
                    raise EventFileError(f"{path}.grades[{index}]", "must be a name of 1 to 40 characters")
            return Scale.verbal(tuple(grade.strip() for grade in grades))
    except ScoreError:
        raise EventFileError(path + ".grades", "must be different names") from None
    raise EventFileError(path + ".type", "must be 'grade', 'stars' or 'verbal'")


def _items(data: Mapping[str, Any], key: str, limit: int) -> list[dict[str, Any]]:
    raw = data.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise EventFileError("tender." + key, "must be a list")
    if len(raw) > limit:
        raise EventFileError("tender." + key, f"may have at most {limit} entries")
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise EventFileError(f"tender.{key}[{index}]", "must be an object with a name")
    return raw


def _unique_names(names: list[str], key: str) -> None:
    folded = [name.casefold() for name in names]
    for index, name in enumerate(folded):
        if name in folded[:index]:
            raise EventFileError(f"tender.{key}[{index}].name", f"'{names[index]}' appears twice")


def parse_tender(data: Any) -> TenderSpec:
    """Check the ``tender`` object of an event file; the first problem is raised, naming its field."""
    if not isinstance(data, dict):
        raise EventFileError("tender", "must be an object")
    method = data.get("method", "weighted_mean")
    if not isinstance(method, str) or method not in FILE_METHODS:
        raise EventFileError("tender.method", "must be 'weighted_mean', 'weighted_median' or 'majority_judgment'")
    scale = parse_scale(data.get("scale"))
    criteria = []
    for index, item in enumerate(_items(data, "criteria", MAX_CRITERIA)):
        path = f"tender.criteria[{index}]."
        criteria.append(CriterionSpec(
            name=text_field(item, "name", path, required=True, limit=120),
            weight=parse_weight(item.get("weight", 1), path + "weight"),
            description=text_field(item, "description", path, limit=1000)))
    bidders = []
    for index, item in enumerate(_items(data, "bidders", MAX_BIDDERS)):
        path = f"tender.bidders[{index}]."
        website = text_field(item, "website", path, limit=300)
        if website and not website.startswith(("https://", "http://")):
            raise EventFileError(path + "website", "must start with https:// or http://")
        bidders.append(BidderSpec(name=text_field(item, "name", path, required=True, limit=120),
                                  description=text_field(item, "description", path, limit=1000), website=website))
    _unique_names([c.name for c in criteria], "criteria")
    _unique_names([b.name for b in bidders], "bidders")
    return TenderSpec(
        title=text_field(data, "title", "tender.", required=True),
        bijsluiter=text_field(data, "bijsluiter", "tender.", limit=3000),
        method=FILE_METHODS[method],
        scale=scale,
        criteria=tuple(criteria),
        bidders=tuple(bidders),
    )


def scale_document(scale: Scale) -> dict[str, Any]:
    if scale.kind is ScaleKind.VERBAL:
        return {"type": "verbal", "grades": list(scale.labels)}
    if scale.kind is ScaleKind.STARS:
        return {"type": "stars", "max": scale.maximum}
    return {"type": "grade", "min": scale.minimum, "max": scale.maximum}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def tender_document(spec: TenderSpec) -> dict[str, Any]:
    """The ``tender`` object for ``spec``: ``parse_tender(tender_document(spec)) == spec``."""
    return {
        "title": spec.title,
        "bijsluiter": spec.bijsluiter,
        "method": STORED_METHODS[spec.method],
        "scale": scale_document(spec.scale),
        "criteria": [{"name": c.name, "weight": _number(c.weight), "description": c.description}
                     for c in spec.criteria],
        "bidders": [{"name": b.name, "description": b.description, "website": b.website} for b in spec.bidders],
    }
