"""Budget rounds to and from pabulib ``.pb`` files (the parsing itself is in ``app.domain.budget.pabulib``).

An import creates an event with one round, its projects (all feasible) and its ballots in one
transaction. The file's META, the extra project columns and the extra vote columns are kept, so an
exported file parses to the same election. Contact details are never written to a file.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.domain.budget.pabulib import POINTS_VOTE_TYPES, Election, Project, Vote, parse_pb, write_pb
from app.domain.budget_file import BudgetRoundSpec, ProposalSpec
from app.domain.pb_checks import check_importable
from app.extensions import db
from app.models import BallotKind, BudgetBallot, BudgetRound, BudgetRule, Event, Review, RoundPhase, User
from app.services import budget, events
from app.services.errors import DomainError

_KIND_VOTE_TYPES = {BallotKind.APPROVAL: ("approval", "choose-1", "ordinal"), BallotKind.KNAPSACK: ("approval",),
                    BallotKind.POINTS: POINTS_VOTE_TYPES}
_RULE_NAMES = {BudgetRule.GREEDY: "greedy", BudgetRule.MES: "equalshares/add1",
               BudgetRule.MES_GREEDY: "equalshares/add1"}


def _int_meta(meta: dict[str, str], key: str) -> int | None:
    value = meta.get(key, "").strip()
    try:
        return int(float(value.replace(",", "."))) if value and value != "None" else None
    except ValueError:
        return None


def round_fields_of(election: Election, title: str) -> budget.RoundFields:
    """Ballot rules read from the file's META: points for cumulative ballots, knapsack with ``max_sum_cost``."""
    meta = dict(election.meta)
    rule_text = meta.get("rule", "").lower()
    rule = BudgetRule.GREEDY if rule_text.startswith("greedy") else BudgetRule.MES
    min_projects = _int_meta(meta, "min_length") or 0
    max_projects = _int_meta(meta, "max_length")
    if election.vote_type == "choose-1":
        min_projects, max_projects = 1, 1
    if election.vote_type in POINTS_VOTE_TYPES:
        most = max((sum(vote.points or ()) for vote in election.votes), default=1)
        total = _int_meta(meta, "max_sum_points") or max(most, 1)
        return budget.RoundFields(title=title, budget_cents=election.budget * 100, ballot_kind=BallotKind.POINTS,
                                  min_projects=min_projects, max_projects=max_projects, total_points=total,
                                  max_points_per_project=_int_meta(meta, "max_points"), rule=rule)
    kind = BallotKind.KNAPSACK if _int_meta(meta, "max_sum_cost") is not None else BallotKind.APPROVAL
    return budget.RoundFields(title=title, budget_cents=election.budget * 100, ballot_kind=kind,
                              min_projects=min_projects, max_projects=max_projects, rule=rule)


def import_pb(text: str, owner: User | None = None) -> BudgetRound:
    """Create an event with one round from ``.pb`` text, all of it or nothing.

    :raises PabulibError: when the text is not a valid file (naming the line); nothing is written then.
    """
    election = parse_pb(text)
    check_importable(text, election)
    meta = dict(election.meta)
    title = (meta.get("description") or meta.get("unit") or "pabulib").strip()[:200]
    try:
        fields = round_fields_of(election, title)
        event = events.add_event(owner, events.EventFields(title=title, language=_language(meta)))
        item = budget.add_round(event, fields, owner.email if owner else "shell")
        item.pb_meta = meta
        item.phase = RoundPhase.RESULTS
        for project in election.projects.values():
            proposal = budget.new_proposal(item, budget.ProposalFields(
                title=(project.name or project.id)[:200], description="", cost_cents=project.cost * 100,
                submitted_as="host"), code=project.id)
            proposal.review = Review.FEASIBLE
            proposal.pb_extra = dict(project.extra)
        db.session.flush()
        for vote in election.votes:
            points = list(vote.points) if vote.points is not None else [None] * len(vote.projects)
            db.session.add(BudgetBallot(round_id=item.id, voter_key=f"pb:{vote.voter_id}", channel="import",
                                        choices=[[code, value] for code, value in zip(vote.projects, points,
                                                                                      strict=True)],
                                        pb_extra=dict(vote.extra)))
        if election.votes:
            events.mark_first_ballot(event)
            item.first_ballot_at = event.first_ballot_at
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return item


def _language(meta: dict[str, str]) -> str:
    return "en" if meta.get("language", "nl").lower() == "en" else "nl"


def _units(cents: int, what: str) -> int:
    if cents % 100:
        raise DomainError("budget_export_not_whole", what=what)
    return cents // 100


def round_election(item: BudgetRound) -> Election:
    """The round as a pabulib election: feasible projects at their ballot cost, every ballot."""
    meta = dict(item.pb_meta or {})
    if not meta:
        today = (item.event.starts_at or item.created_at or date.today()).strftime("%d.%m.%Y")
        meta = {"description": item.title, "country": "Netherlands", "unit": item.event.location or item.event.title,
                "instance": str((item.event.starts_at or item.created_at).year), "num_projects": "0",
                "num_votes": "0", "budget": "0", "vote_type": "", "rule": "", "date_begin": today,
                "date_end": today, "language": item.event.language, "currency": "EUR"}
    budget_units = _units(item.budget_cents, "budget")
    if _int_meta(meta, "budget") != budget_units:
        meta["budget"] = str(budget_units)
    if meta.get("vote_type", "").lower() not in _KIND_VOTE_TYPES[item.ballot_kind]:
        meta["vote_type"] = "cumulative" if item.ballot_kind == BallotKind.POINTS else "approval"
    if not item.pb_meta:
        meta["rule"] = _RULE_NAMES[item.rule]
        if item.ballot_kind == BallotKind.POINTS and item.total_points:
            meta["max_sum_points"] = str(item.total_points)
        if item.ballot_kind == BallotKind.KNAPSACK:
            meta["max_sum_cost"] = str(budget_units)
        if item.min_projects != 1:
            meta["min_length"] = str(item.min_projects)
        if item.max_projects is not None:
            meta["max_length"] = str(item.max_projects)
    projects = {}
    for proposal in budget.ballot_proposals(item):
        projects[proposal.code] = Project(id=proposal.code, cost=_units(proposal.ballot_cost_cents, proposal.code),
                                          name=proposal.title, extra=dict(proposal.pb_extra or {}))
    votes = []
    for ballot in db.session.scalars(sa.select(BudgetBallot).where(BudgetBallot.round_id == item.id)
                                     .order_by(BudgetBallot.id)):
        voter_id = ballot.voter_key[3:] if ballot.voter_key.startswith("pb:") else f"b{ballot.id}"
        named = [(str(code), points) for code, points in ballot.choices if code in projects]
        has_points = any(points is not None for _code, points in named)
        votes.append(Vote(voter_id=voter_id, projects=tuple(code for code, _points in named),
                          points=tuple(int(points or 0) for _code, points in named) if has_points else None,
                          extra={key: str(value) for key, value in (ballot.pb_extra or {}).items()}))
    meta["num_projects"] = str(len(projects))
    meta["num_votes"] = str(len(votes))
    return Election(meta=meta, projects=projects, votes=tuple(votes))


def export_pb(item: BudgetRound) -> str:
    """The round as ``.pb`` text; refused when an amount is not whole euros (the format has no cents)."""
    return write_pb(round_election(item))


def add_round_from_spec(event: Event, actor: str, spec: BudgetRoundSpec) -> BudgetRound:
    """Add a round from an event file with its proposals (no contact details); the caller commits."""
    fields = budget.RoundFields(
        title=spec.title, budget_cents=spec.budget_cents, bijsluiter=spec.bijsluiter, themes="\n".join(spec.themes),
        ballot_kind=BallotKind(spec.kind), min_projects=spec.min_projects, max_projects=spec.max_projects,
        min_spend_percent=spec.min_spend_percent, total_points=spec.total_points,
        max_points_per_project=spec.max_points_per_project, rule=BudgetRule(spec.rule))
    item = budget.add_round(event, fields, actor)
    for wanted in spec.proposals:
        proposal = budget.new_proposal(item, budget.ProposalFields(
            title=wanted.title, description=wanted.description, cost_cents=wanted.cost_cents, theme=wanted.theme,
            submitted_as="organisation" if wanted.organisation else "host", organisation=wanted.organisation))
        proposal.review = Review(wanted.review)
        proposal.review_reason = wanted.reason
        proposal.adjusted_cost_cents = wanted.adjusted_cost_cents
    item.phase = RoundPhase(spec.phase)
    db.session.flush()
    return item


def round_specs(event: Event) -> tuple[BudgetRoundSpec, ...]:
    """The event's rounds for an event file: set-up and proposals, never contact details or ballots."""
    return tuple(
        BudgetRoundSpec(
            title=item.title, budget_cents=item.budget_cents, bijsluiter=item.bijsluiter,
            themes=tuple(item.theme_list), phase=item.phase.value, kind=item.ballot_kind.value,
            min_projects=item.min_projects, max_projects=item.max_projects,
            min_spend_percent=item.min_spend_percent, total_points=item.total_points,
            max_points_per_project=item.max_points_per_project, rule=item.rule.value,
            proposals=tuple(ProposalSpec(
                title=p.title, cost_cents=p.cost_cents, description=p.description, theme=p.theme,
                organisation=p.organisation, review=p.review.value, reason=p.review_reason,
                adjusted_cost_cents=p.adjusted_cost_cents) for p in item.proposals))
        for item in budget.rounds_of(event))
