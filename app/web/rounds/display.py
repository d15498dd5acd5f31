"""Showing budget rounds: euro amounts, ballot problems and not-funded reasons in the reader's language."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from flask import Flask
from flask_babel import format_currency
from flask_babel import lazy_gettext as _l

from app.domain.budget import NotFundedReason
from app.domain.budget.ballot import BallotProblem
from app.messages import MESSAGES
from app.models import BallotKind, BudgetRule, Review, RoundPhase

PHASE_LABELS = {
    RoundPhase.PROPOSALS: _l("Proposals welcome"),
    RoundPhase.REVIEW: _l("Feasibility review"),
    RoundPhase.VOTING: _l("Voting"),
    RoundPhase.RESULTS: _l("Counting"),
    RoundPhase.PUBLISHED: _l("Results published"),
}
KIND_LABELS = {
    BallotKind.APPROVAL: _l("Choose projects (approval)"),
    BallotKind.KNAPSACK: _l("Fill the budget (knapsack)"),
    BallotKind.POINTS: _l("Spread points"),
}
RULE_LABELS = {
    BudgetRule.GREEDY: _l("Most votes first (greedy)"),
    BudgetRule.MES: _l("Method of Equal Shares"),
    BudgetRule.MES_GREEDY: _l("Equal Shares, rest by most votes"),
}
REVIEW_LABELS = {Review.PENDING: _l("Not yet reviewed"), Review.FEASIBLE: _l("Feasible"),
                 Review.INFEASIBLE: _l("Not feasible")}
REASONS = {
    NotFundedReason.OVER_BUDGET: _l("It costs more than the whole budget."),
    NotFundedReason.NOT_ENOUGH_MONEY_LEFT: _l("When it was its turn, there was not enough money left."),
    NotFundedReason.SUPPORTERS_RAN_OUT: _l("Its voters had already spent their share on other projects "
                                           "they chose, so together they could not pay for it."),
    NotFundedReason.NO_SUPPORT: _l("Nobody voted for it."),
}
SUBMITTER_LABELS = {"resident": _l("As a resident"), "organisation": _l("For an organisation"),
                    "host": _l("By the host")}


def euros(cents: int | Fraction) -> str:
    """``€ 1.250`` for whole euros, ``€ 1.250,50`` otherwise, in the reader's locale."""
    amount = Decimal(int(cents)) / 100
    pattern = "¤ #,##0" if int(cents) % 100 == 0 else "¤ #,##0.00"
    return str(format_currency(amount, "EUR", format=pattern, currency_digits=False))


def percent(value: Fraction | None) -> str:
    """Rounded down, so a project its voters could not quite pay for never shows 100%."""
    return "" if value is None else f"{math.floor(Fraction(value) * 100)}%"


def problem_messages(problems: tuple[BallotProblem, ...], titles: dict[str, str]) -> list[str]:
    """One sentence per ballot problem; money in euros, projects by their title."""
    sentences = []
    for problem in problems:
        values: dict[str, str] = {}
        for key, value in problem.values.items():
            if key in ("spent", "budget") or (key == "min" and problem.code.value == "under_minimum_spend"):
                values[key] = euros(int(value) if not isinstance(value, Fraction) else Fraction(value).__ceil__())
            elif key == "project":
                values[key] = titles.get(str(value), str(value))
            else:
                values[key] = str(value)
        template = MESSAGES.get("ballot_" + problem.code.value)
        sentences.append(str(template) % values if template is not None else problem.code.value)
    return sentences


def init_app(app: Flask) -> None:
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["percent"] = percent
    from app.services.budget import rounds_of

    app.jinja_env.globals.update(budget_rounds_of=rounds_of,
                                 budget_phase_label=lambda phase: str(PHASE_LABELS[RoundPhase(phase)]),
                                 budget_kind_label=lambda kind: str(KIND_LABELS[BallotKind(kind)]),
                                 budget_rule_label=lambda rule: str(RULE_LABELS[BudgetRule(rule)]),
                                 budget_review_label=lambda review: str(REVIEW_LABELS[Review(review)]),
                                 budget_reason=lambda reason: str(REASONS[reason]) if reason else "",
                                 budget_submitter_label=lambda kind: str(SUBMITTER_LABELS.get(kind, kind)))
