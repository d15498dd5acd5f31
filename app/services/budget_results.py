"""A round's results: the domain's rules run on the stored ballots, gathered into one report object.

The counting rules work in whole currency units. When every cost and the budget are whole euros the
round is counted in euros (as a ``.pb`` export of it would be); otherwise in cents.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa

from app.domain.budget import Instance, NotFundedReason, Outcome, greedy, mes, mes_greedy
from app.extensions import db
from app.models import BallotKind, BudgetBallot, BudgetRound, BudgetRule, Proposal, Ticket, TicketStatus
from app.services import budget, off_loop

RULES = {BudgetRule.GREEDY: greedy, BudgetRule.MES: mes, BudgetRule.MES_GREEDY: mes_greedy}


def counting_unit(item: BudgetRound, proposals: list[Proposal]) -> int:
    """100 (count in euros) when all money in the round is whole euros, else 1 (count in cents)."""
    amounts = [item.budget_cents, *(proposal.ballot_cost_cents for proposal in proposals)]
    return 100 if all(amount % 100 == 0 for amount in amounts) else 1


def round_instance(item: BudgetRound) -> tuple[Instance, int]:
    """The counting view of the round's ballots, and the unit (in cents) its money is counted in."""
    proposals = budget.ballot_proposals(item)
    unit = counting_unit(item, proposals)
    costs = {proposal.code: proposal.ballot_cost_cents // unit for proposal in proposals}
    points = item.ballot_kind == BallotKind.POINTS
    ballots: list[Mapping[str, int]] = []
    for choices in db.session.scalars(sa.select(BudgetBallot.choices).where(BudgetBallot.round_id == item.id)
                                      .order_by(BudgetBallot.id)):
        ballot: dict[str, int] = {}
        for code, weight in choices:
            if code in costs:
                value = int(weight) if points and weight is not None else 1
                if value > 0:
                    ballot[str(code)] = value
        ballots.append(ballot)
    return Instance(budget=item.budget_cents // unit, costs=costs, ballots=tuple(ballots)), unit


@dataclass(frozen=True)
class ProjectRow:
    code: str
    title: str
    cost_cents: int
    votes: int
    support: int
    funded: bool
    greedy_funded: bool
    equal_shares_funded: bool
    effective_support: Fraction | None
    reason: NotFundedReason | None


@dataclass(frozen=True)
class GroupRow:
    name: str | None
    tickets: int
    ballots: int


@dataclass(frozen=True)
class RoundReport:
    """What the results page shows: the chosen rule's winners, greedy beside equal shares, participation."""

    rule: BudgetRule
    comparison_rule: str
    budget_cents: int
    spent_cents: int
    ballots: int
    rows: tuple[ProjectRow, ...]
    greedy_without: int
    equal_shares_without: int
    greedy_spent_cents: int
    equal_shares_spent_cents: int
    groups: tuple[GroupRow, ...]


@dataclass(frozen=True)
class _Counts:
    unit: int
    ballots: int
    votes: Mapping[str, int]
    chosen: Outcome
    plain: Outcome
    shares: Outcome


_COUNTS: dict[tuple[object, ...], _Counts] = {}
_COUNTS_KEPT = 32
_COUNTING = threading.Lock()  # gevent's lock in a gevent worker (gunicorn patches before loading the app)


def _counts(item: BudgetRound, shares_rule: BudgetRule) -> _Counts:
    """Count once per state of the round, not once per viewer.

    Every stored ballot raises the event's ``live_version`` (``changes.changed``), so the version together
    with the rule, the budget and the ballot costs identifies what is being counted. The count runs off the
    worker's loop (``off_loop``: a big round's equal shares take seconds); viewers who arrive meanwhile wait
    for it instead of starting the same count again.
    """
    costs = tuple((p.code, p.ballot_cost_cents) for p in budget.ballot_proposals(item))
    key = (item.public_id, item.event.live_version, item.rule, item.budget_cents, costs, budget.ballot_count(item))
    found = _COUNTS.get(key)
    if found is not None:
        return found
    with _COUNTING:
        found = _COUNTS.get(key)
        if found is None:
            instance, unit = round_instance(item)
            chosen, plain, shares = off_loop.run(_count, instance, item.rule, shares_rule)
            votes = {code: sum(1 for ballot in instance.ballots if code in ballot) for code in instance.costs}
            found = _Counts(unit, len(instance.ballots), votes, chosen, plain, shares)
            if len(_COUNTS) >= _COUNTS_KEPT:
                _COUNTS.pop(next(iter(_COUNTS)))
            _COUNTS[key] = found
    return found


def _count(instance: Instance, rule: BudgetRule, shares_rule: BudgetRule) -> tuple[Outcome, Outcome, Outcome]:
    """The round under its own rule, under greedy and under equal shares (pure: runs off the loop)."""
    chosen = RULES[rule](instance)
    plain = chosen if rule == BudgetRule.GREEDY else greedy(instance)
    shares = chosen if rule == shares_rule else RULES[shares_rule](instance)
    return chosen, plain, shares


def round_report(item: BudgetRound) -> RoundReport:
    """Count the round under its rule, under greedy and under equal shares (``mes`` unless the round uses
    ``mes-greedy``); the reasons shown come from the equal-shares count."""
    shares_rule = BudgetRule.MES_GREEDY if item.rule == BudgetRule.MES_GREEDY else BudgetRule.MES
    counted = _counts(item, shares_rule)
    chosen, plain, shares, unit = counted.chosen, counted.plain, counted.shares, counted.unit
    rows = []
    for proposal in budget.ballot_proposals(item):
        code = proposal.code
        shown = shares.projects[code]
        reason = shown.reason if item.rule != BudgetRule.GREEDY else chosen.projects[code].reason
        rows.append(ProjectRow(code=code, title=proposal.title, cost_cents=proposal.ballot_cost_cents,
                               votes=counted.votes[code], support=shown.support, funded=chosen.projects[code].funded,
                               greedy_funded=plain.projects[code].funded, equal_shares_funded=shown.funded,
                               effective_support=shown.effective_support, reason=reason))
    rows.sort(key=lambda row: (not row.funded, -row.support, row.code))
    return RoundReport(rule=item.rule, comparison_rule=shares_rule.value, budget_cents=item.budget_cents,
                       spent_cents=chosen.spent * unit, ballots=counted.ballots, rows=tuple(rows),
                       greedy_without=plain.voters_without_project,
                       equal_shares_without=shares.voters_without_project,
                       greedy_spent_cents=plain.spent * unit, equal_shares_spent_cents=shares.spent * unit,
                       groups=participation(item))


def outcome(item: BudgetRound) -> Outcome:
    """The round's result under its own rule, in the round's counting unit."""
    instance, _unit = round_instance(item)
    return RULES[item.rule](instance)


def participation(item: BudgetRound) -> tuple[GroupRow, ...]:
    """Ballots per voter group against the tickets issued in it; ballots without a ticket come last."""
    issued: dict[int | None, int] = {group_id: count for group_id, count in db.session.execute(
        sa.select(Ticket.group_id, sa.func.count()).where(Ticket.event_id == item.event_id,
                                                          Ticket.status != TicketStatus.VOIDED)
        .group_by(Ticket.group_id))}
    cast: dict[int | None, int] = {group_id: count for group_id, count in db.session.execute(
        sa.select(BudgetBallot.group_id, sa.func.count()).where(BudgetBallot.round_id == item.id)
        .group_by(BudgetBallot.group_id))}
    rows = [GroupRow(group.name, issued.get(group.id, 0), cast.get(group.id, 0)) for group in item.event.groups]
    if cast.get(None):
        rows.append(GroupRow(None, 0, cast[None]))
    return tuple(rows)
