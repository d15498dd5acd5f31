"""Budget rounds and proposals: what hosts set up and review, and what residents submit.

The ballot rules (kind, limits, budget and counting rule) lock when the round's first ballot is stored:
changing them afterwards would change the meaning of votes already cast.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa

from app.domain.budget.ballot import BallotRules
from app.extensions import db
from app.models import BallotKind, BudgetBallot, BudgetRound, BudgetRule, Event, Proposal, Review, RoundPhase, User
from app.models.clock import utcnow
from app.services import audit
from app.services.errors import Conflict, DomainError, NotFound

SUBMITTERS = ("resident", "organisation", "host")
PHASES = tuple(RoundPhase)


def new_public_id() -> str:
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


@dataclass(frozen=True)
class RoundFields:
    title: str
    budget_cents: int
    bijsluiter: str = ""
    themes: str = ""
    ballot_kind: BallotKind = BallotKind.APPROVAL
    min_projects: int = 1
    max_projects: int | None = None
    min_spend_percent: int | None = None
    total_points: int | None = None
    max_points_per_project: int | None = None
    rule: BudgetRule = BudgetRule.MES


@dataclass(frozen=True)
class ProposalFields:
    title: str
    description: str
    cost_cents: int
    theme: str = ""
    submitted_as: str = "resident"
    organisation: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def _check_round(fields: RoundFields) -> None:
    if not fields.title.strip() or len(fields.title) > 200:
        raise DomainError("title_required")
    if fields.budget_cents <= 0:
        raise DomainError("budget_amount_invalid")
    too_few = fields.max_projects is not None and fields.max_projects < max(1, fields.min_projects)
    if fields.min_projects < 0 or too_few:
        raise DomainError("budget_project_limits_invalid")
    if fields.ballot_kind == BallotKind.KNAPSACK and fields.min_spend_percent is not None \
            and not 0 <= fields.min_spend_percent <= 100:
        raise DomainError("budget_min_spend_invalid")
    if fields.ballot_kind == BallotKind.POINTS:
        if not fields.total_points or fields.total_points < 1:
            raise DomainError("budget_points_invalid")
        if fields.max_points_per_project is not None and fields.max_points_per_project < 1:
            raise DomainError("budget_points_invalid")


def _rules_of(fields: RoundFields) -> tuple[object, ...]:
    return (fields.budget_cents, fields.ballot_kind, fields.min_projects, fields.max_projects,
            fields.min_spend_percent if fields.ballot_kind == BallotKind.KNAPSACK else None,
            fields.total_points if fields.ballot_kind == BallotKind.POINTS else None,
            fields.max_points_per_project if fields.ballot_kind == BallotKind.POINTS else None, fields.rule)


def round_fields(item: BudgetRound) -> RoundFields:
    return RoundFields(title=item.title, budget_cents=item.budget_cents, bijsluiter=item.bijsluiter,
                       themes=item.themes, ballot_kind=item.ballot_kind, min_projects=item.min_projects,
                       max_projects=item.max_projects, min_spend_percent=item.min_spend_percent,
                       total_points=item.total_points, max_points_per_project=item.max_points_per_project,
                       rule=item.rule)


def _apply(item: BudgetRound, fields: RoundFields) -> None:
    item.title = fields.title.strip()
    item.budget_cents = fields.budget_cents
    item.bijsluiter = fields.bijsluiter.strip()
    item.themes = "\n".join(line.strip() for line in fields.themes.splitlines() if line.strip())
    item.ballot_kind = fields.ballot_kind
    item.min_projects = fields.min_projects
    item.max_projects = fields.max_projects
    item.min_spend_percent = fields.min_spend_percent if fields.ballot_kind == BallotKind.KNAPSACK else None
    item.total_points = fields.total_points if fields.ballot_kind == BallotKind.POINTS else None
    item.max_points_per_project = fields.max_points_per_project if fields.ballot_kind == BallotKind.POINTS else None
    item.rule = fields.rule


def add_round(event: Event, fields: RoundFields, actor: str) -> BudgetRound:
    """Add a round in the 'proposals' phase; the caller commits."""
    _check_round(fields)
    item = BudgetRound(public_id=new_public_id(), event_id=event.id, phase=RoundPhase.PROPOSALS)
    _apply(item, fields)
    db.session.add(item)
    db.session.flush()
    audit.record(event, actor, "budget_round_created", item.title)
    return item


def create_round(event: Event, actor: User, fields: RoundFields) -> BudgetRound:
    item = add_round(event, fields, actor.email)
    db.session.commit()
    return item


def update_round(item: BudgetRound, actor: User, fields: RoundFields) -> None:
    """Texts can change at any time; the ballot rules only until the first ballot is in."""
    _check_round(fields)
    if item.first_ballot_at is not None and _rules_of(fields) != _rules_of(round_fields(item)):
        raise Conflict("budget_rules_locked")
    _apply(item, fields)
    audit.record(item.event, actor.email, "budget_round_changed", item.title)
    db.session.commit()


def set_phase(item: BudgetRound, actor: User, phase: RoundPhase) -> None:
    """Move the round to ``phase``. Voting needs a feasible proposal; once ballots exist it cannot go back."""
    if phase == item.phase:
        return
    if phase == RoundPhase.VOTING and not ballot_proposals(item):
        raise Conflict("budget_no_feasible_proposals")
    if item.first_ballot_at is not None and PHASES.index(phase) < PHASES.index(RoundPhase.VOTING):
        raise Conflict("budget_rules_locked")
    audit.record(item.event, actor.email, "budget_phase_changed", f"{item.phase} -> {phase}")
    item.phase = phase
    db.session.commit()


def delete_round(item: BudgetRound, actor: User) -> None:
    audit.record(item.event, actor.email, "budget_round_deleted", item.title)
    db.session.delete(item)
    db.session.commit()


def rounds_of(event: Event) -> list[BudgetRound]:
    return list(db.session.scalars(sa.select(BudgetRound).where(BudgetRound.event_id == event.id)
                                   .order_by(BudgetRound.id)))


def round_by_public_id(public_id: str) -> BudgetRound:
    item: BudgetRound | None = db.session.scalar(sa.select(BudgetRound).where(BudgetRound.public_id == public_id))
    if item is None:
        raise NotFound("budget_round_not_found")
    return item


def round_of(event: Event, public_id: str) -> BudgetRound:
    """The round with this public id within ``event`` (a host's other events' rounds are 'not found')."""
    item = round_by_public_id(public_id)
    if item.event_id != event.id:
        raise NotFound("budget_round_not_found")
    return item


def find_round(reference: str) -> BudgetRound:
    """For the command line: the public id, or the numeric id."""
    item: BudgetRound | None = db.session.scalar(sa.select(BudgetRound).where(BudgetRound.public_id == reference))
    if item is None and reference.isdigit():
        item = db.session.get(BudgetRound, int(reference))
    if item is None:
        raise NotFound("budget_round_not_found")
    return item


def ballot_rules(item: BudgetRound) -> BallotRules:
    """The domain's view of what a ballot in this round may contain (costs in cents, by proposal code)."""
    costs = {proposal.code: proposal.ballot_cost_cents for proposal in ballot_proposals(item)}
    share = Fraction(item.min_spend_percent, 100) if item.min_spend_percent else None
    return BallotRules(kind=item.ballot_kind.value, costs=costs, min_projects=item.min_projects,
                       max_projects=item.max_projects, budget=item.budget_cents, min_spend_share=share,
                       total_points=item.total_points, max_points_per_project=item.max_points_per_project)


def ballot_proposals(item: BudgetRound) -> list[Proposal]:
    """The proposals on the ballot: the feasible ones, in their order."""
    return [proposal for proposal in item.proposals if proposal.review == Review.FEASIBLE]


def ballot_count(item: BudgetRound) -> int:
    return db.session.scalar(sa.select(sa.func.count(BudgetBallot.id)).where(BudgetBallot.round_id == item.id)) or 0


def _check_proposal(item: BudgetRound, fields: ProposalFields) -> None:
    if not fields.title.strip() or len(fields.title) > 200:
        raise DomainError("proposal_title_required")
    if not fields.description.strip() or len(fields.description) > 5000:
        raise DomainError("proposal_description_required")
    if fields.cost_cents <= 0:
        raise DomainError("budget_amount_invalid")
    if fields.cost_cents > item.budget_cents:
        raise DomainError("proposal_over_budget")
    if fields.submitted_as not in SUBMITTERS:
        raise DomainError("proposal_submitter_invalid")
    if fields.submitted_as == "organisation" and not fields.organisation.strip():
        raise DomainError("proposal_organisation_required")
    if item.theme_list and fields.theme and fields.theme not in item.theme_list:
        raise DomainError("proposal_theme_invalid")
    if fields.submitted_as != "host":
        if not fields.contact_name.strip():
            raise DomainError("proposal_contact_required")
        if "@" not in fields.contact_email or len(fields.contact_email) > 254:
            raise DomainError("invalid_email")


def _next_code(item: BudgetRound) -> str:
    numbers = [int(proposal.code) for proposal in item.proposals if proposal.code.isdigit()]
    return str(max(numbers, default=0) + 1)


def new_proposal(item: BudgetRound, fields: ProposalFields, code: str | None = None) -> Proposal:
    """Add a proposal to the session (no checks, no commit): for importers and the two commands below."""
    proposal = Proposal(
        public_id=new_public_id(), code=code or _next_code(item), position=len(item.proposals),
        title=fields.title.strip(), description=fields.description.strip(), cost_cents=fields.cost_cents,
        theme=fields.theme, submitted_as=fields.submitted_as,
        organisation=fields.organisation.strip() if fields.submitted_as == "organisation" else "",
        contact_name=fields.contact_name.strip(), contact_email=fields.contact_email.strip(),
        contact_phone=fields.contact_phone.strip(), review=Review.PENDING)
    item.proposals.append(proposal)
    return proposal


def submit_proposal(item: BudgetRound, fields: ProposalFields) -> Proposal:
    """A resident or organisation submits a proposal; only while the round takes proposals."""
    if item.phase != RoundPhase.PROPOSALS:
        raise Conflict("proposals_closed")
    if fields.submitted_as == "host":
        raise DomainError("proposal_submitter_invalid")
    _check_proposal(item, fields)
    proposal = new_proposal(item, fields)
    audit.record(item.event, "public", "proposal_submitted", proposal.title)
    db.session.commit()
    return proposal


def add_host_proposal(item: BudgetRound, actor: User, fields: ProposalFields) -> Proposal:
    """A host adds a proposal (until voting starts); it is reviewed like every other."""
    if PHASES.index(item.phase) >= PHASES.index(RoundPhase.VOTING):
        raise Conflict("proposals_closed")
    _check_proposal(item, fields)
    proposal = new_proposal(item, fields)
    audit.record(item.event, actor.email, "proposal_added", proposal.title)
    db.session.commit()
    return proposal


def review_proposal(proposal: Proposal, actor: User, feasible: bool, reason: str,
                    adjusted_cost_cents: int | None) -> None:
    """Mark a proposal feasible or not, with a public reason (required when not feasible)."""
    item = proposal.round
    if item.first_ballot_at is not None or PHASES.index(item.phase) >= PHASES.index(RoundPhase.VOTING):
        raise Conflict("budget_review_closed")
    if not feasible and not reason.strip():
        raise DomainError("proposal_reason_required")
    if adjusted_cost_cents is not None and not 0 < adjusted_cost_cents <= item.budget_cents:
        raise DomainError("proposal_over_budget")
    proposal.review = Review.FEASIBLE if feasible else Review.INFEASIBLE
    proposal.review_reason = reason.strip()
    proposal.adjusted_cost_cents = adjusted_cost_cents if feasible else None
    proposal.reviewed_at = utcnow()
    audit.record(item.event, actor.email, "proposal_reviewed", f"{proposal.code} {proposal.review}")
    db.session.commit()


def proposal_of(item: BudgetRound, public_id: str) -> Proposal:
    for proposal in item.proposals:
        if proposal.public_id == public_id:
            return proposal
    raise NotFound("proposal_not_found")
