"""The ``budget_rounds`` part of an event file (``docs/event-format.md``): budget rounds and their proposals.

Pure: a decoded JSON value in, checked ``BudgetRoundSpec`` values out, or an ``EventFileError`` naming the
field (``budget_rounds[0].proposals[2].cost``). Money is written in euros (a number with at most two
decimals) and kept as integer cents. Contact details of proposers are never part of the file.
``budget_rounds_document(parse_budget_rounds(x))`` gives back an equivalent document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.event_file import EventFileError, text_field

KINDS = ("approval", "knapsack", "points")
RULES = ("greedy", "mes", "mes-greedy")
PHASES = ("proposals", "review", "voting", "results", "published")
REVIEWS = ("pending", "feasible", "infeasible")
MAX_ROUNDS = 10
MAX_PROPOSALS = 500


@dataclass(frozen=True)
class ProposalSpec:
    title: str
    cost_cents: int
    description: str = ""
    theme: str = ""
    organisation: str = ""
    review: str = "pending"
    reason: str = ""
    adjusted_cost_cents: int | None = None


@dataclass(frozen=True)
class BudgetRoundSpec:
    title: str
    budget_cents: int
    bijsluiter: str = ""
    themes: tuple[str, ...] = ()
    phase: str = "proposals"
    kind: str = "approval"
    min_projects: int = 1
    max_projects: int | None = None
    min_spend_percent: int | None = None
    total_points: int | None = None
    max_points_per_project: int | None = None
    rule: str = "mes"
    proposals: tuple[ProposalSpec, ...] = ()


def _euros(value: Any, path: str, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise EventFileError(path, "must be an amount in euros, like 2500 or 2500.50")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise EventFileError(path, "must be an amount in euros, like 2500 or 2500.50") from None
    if not amount.is_finite() or amount <= 0 or amount > Decimal(10) ** 12:
        raise EventFileError(path, "must be an amount above 0")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise EventFileError(path, "has more than two decimals")
    return int(cents)


def _count(data: Mapping[str, Any], key: str, path: str, low: int, high: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EventFileError(path + key, f"must be a whole number from {low} to {high}")
    return value


def _choice(data: Mapping[str, Any], key: str, path: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise EventFileError(path + key, "must be one of " + ", ".join(allowed))
    return str(value)


def _proposal(item: Any, path: str, themes: tuple[str, ...], budget_cents: int) -> ProposalSpec:
    if not isinstance(item, dict):
        raise EventFileError(path.rstrip("."), "must be an object with title and cost")
    cost = _euros(item.get("cost"), path + "cost")
    assert cost is not None
    if cost > budget_cents:
        raise EventFileError(path + "cost", "is more than the round's budget")
    theme = text_field(item, "theme", path, limit=80)
    if theme and themes and theme not in themes:
        raise EventFileError(path + "theme", "is not one of the round's themes")
    review = _choice(item, "review", path, REVIEWS, "pending")
    reason = text_field(item, "reason", path, limit=2000)
    if review == "infeasible" and not reason:
        raise EventFileError(path + "reason", "is required when review is infeasible")
    return ProposalSpec(title=text_field(item, "title", path, required=True), cost_cents=cost,
                        description=text_field(item, "description", path, limit=5000), theme=theme,
                        organisation=text_field(item, "organisation", path), review=review, reason=reason,
                        adjusted_cost_cents=_euros(item.get("adjusted_cost"), path + "adjusted_cost", required=False))


def _round(item: Any, path: str) -> BudgetRoundSpec:
    if not isinstance(item, dict):
        raise EventFileError(path.rstrip("."), "must be an object with title and budget")
    budget = _euros(item.get("budget"), path + "budget")
    assert budget is not None
    raw_themes = item.get("themes", [])
    if not isinstance(raw_themes, list) or not all(isinstance(t, str) and 0 < len(t.strip()) <= 80
                                                   for t in raw_themes):
        raise EventFileError(path + "themes", "must be a list of short texts")
    themes = tuple(theme.strip() for theme in raw_themes)
    ballot = item.get("ballot", {})
    if not isinstance(ballot, dict):
        raise EventFileError(path + "ballot", "must be an object")
    bpath = path + "ballot."
    kind = _choice(ballot, "kind", bpath, KINDS, "approval")
    min_projects = _count(ballot, "min_projects", bpath, 0, 1000)
    max_projects = _count(ballot, "max_projects", bpath, 1, 1000)
    if max_projects is not None and max_projects < (min_projects or 1):
        raise EventFileError(bpath + "max_projects", "is below min_projects")
    total_points = _count(ballot, "total_points", bpath, 1, 1000)
    if kind == "points" and total_points is None:
        raise EventFileError(bpath + "total_points", "is required for a points ballot")
    raw_proposals = item.get("proposals", [])
    if not isinstance(raw_proposals, list) or len(raw_proposals) > MAX_PROPOSALS:
        raise EventFileError(path + "proposals", f"must be a list of at most {MAX_PROPOSALS} proposals")
    return BudgetRoundSpec(
        title=text_field(item, "title", path, required=True), budget_cents=budget,
        bijsluiter=text_field(item, "bijsluiter", path, limit=10000), themes=themes,
        phase=_choice(item, "phase", path, PHASES, "proposals"), kind=kind,
        min_projects=1 if min_projects is None else min_projects, max_projects=max_projects,
        min_spend_percent=_count(ballot, "min_spend_percent", bpath, 0, 100) if kind == "knapsack" else None,
        total_points=total_points if kind == "points" else None,
        max_points_per_project=_count(ballot, "max_points_per_project", bpath, 1, 1000) if kind == "points" else None,
        rule=_choice(item, "rule", path, RULES, "mes"),
        proposals=tuple(_proposal(p, f"{path}proposals[{i}].", themes, budget) for i, p in enumerate(raw_proposals)))


def parse_budget_rounds(raw: Any) -> tuple[BudgetRoundSpec, ...]:
    """Check the ``budget_rounds`` list of an event file; the first problem is raised, naming its field."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_ROUNDS:
        raise EventFileError("budget_rounds", f"must be a list of at most {MAX_ROUNDS} rounds")
    return tuple(_round(item, f"budget_rounds[{index}].") for index, item in enumerate(raw))


def _amount(cents: int) -> int | str:
    """Whole euros as a number; an amount with cents as text (``"12.50"``), so no float rounding creeps in."""
    whole, part = divmod(cents, 100)
    return whole if not part else f"{whole}.{part:02d}"


def budget_rounds_document(rounds: tuple[BudgetRoundSpec, ...]) -> list[dict[str, Any]]:
    """The ``budget_rounds`` list for an event file."""
    documents = []
    for spec in rounds:
        ballot: dict[str, Any] = {"kind": spec.kind, "min_projects": spec.min_projects}
        for key in ("max_projects", "min_spend_percent", "total_points", "max_points_per_project"):
            if getattr(spec, key) is not None:
                ballot[key] = getattr(spec, key)
        proposals = []
        for proposal in spec.proposals:
            entry: dict[str, Any] = {"title": proposal.title, "description": proposal.description,
                                     "cost": _amount(proposal.cost_cents), "review": proposal.review}
            for key in ("theme", "organisation", "reason"):
                if getattr(proposal, key):
                    entry[key] = getattr(proposal, key)
            if proposal.adjusted_cost_cents is not None:
                entry["adjusted_cost"] = _amount(proposal.adjusted_cost_cents)
            proposals.append(entry)
        documents.append({"title": spec.title, "budget": _amount(spec.budget_cents), "bijsluiter": spec.bijsluiter,
                          "themes": list(spec.themes), "phase": spec.phase, "ballot": ballot, "rule": spec.rule,
                          "proposals": proposals})
    return documents
