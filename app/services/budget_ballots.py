"""Casting budget ballots on a phone, keying paper ballots twice, and reconciling both with the tickets.

One ticket gives one ballot per round: the ballot's ``voter_key`` is unique within its round in the
database, so two phones racing with the same ticket still store one ballot. A phone ballot can be
changed until voting closes. A paper ballot counts only when two volunteers keyed it the same way.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.domain.budget.ballot import BallotProblem, validate_ballot
from app.domain.tickets import hash_secret, normalise_code
from app.extensions import db
from app.models import BallotKind, BudgetBallot, BudgetRound, PaperKeying, RoundPhase, Ticket, TicketStatus
from app.models.clock import utcnow
from app.services import audit, budget, changes, tickets
from app.services.errors import Conflict, DomainError, Gone, NotFound


class BallotRefused(DomainError):
    """The ballot breaks the round's rules; ``problems`` says how (the web layer words each one)."""

    def __init__(self, problems: tuple[BallotProblem, ...]) -> None:
        super().__init__("budget_ballot_invalid")
        self.problems = problems


@dataclass(frozen=True)
class Voter:
    """Who casts a ballot: a ticket, or a browser on the event's open link (``ticket`` is then None)."""

    key: str
    ticket: Ticket | None
    group_id: int | None


def ticket_voter(ticket: Ticket) -> Voter:
    return Voter(f"t{ticket.id}", ticket, ticket.group_id)


def open_voter(token: str) -> Voter:
    return Voter(f"o{token}", None, None)


def new_open_token() -> str:
    return secrets.token_urlsafe(16)


def _choices(item: BudgetRound, choice: Mapping[str, int]) -> list[list[object]]:
    """Stored form: ``[code, points]`` in ballot order; points only on points ballots."""
    order = [proposal.code for proposal in budget.ballot_proposals(item)]
    picked = [code for code in order if choice.get(code, 0) > 0]
    if item.ballot_kind == BallotKind.POINTS:
        return [[code, choice[code]] for code in picked]
    return [[code, None] for code in picked]


def choice_of(ballot: BudgetBallot | None) -> dict[str, int]:
    """A stored ballot as ``code -> points`` (1 for each chosen project on approval and knapsack ballots)."""
    if ballot is None:
        return {}
    return {str(code): int(points) if points is not None else 1 for code, points in ballot.choices}


def check_choice(item: BudgetRound, choice: Mapping[str, int]) -> None:
    """Raise :class:`BallotRefused` when ``choice`` breaks the round's rules."""
    rules = budget.ballot_rules(item)
    if item.ballot_kind == BallotKind.POINTS:
        problems = validate_ballot(rules, dict(choice))
    else:
        problems = validate_ballot(rules, {code: 1 for code, points in choice.items() if points > 0})
    if problems:
        raise BallotRefused(problems)


def ballot_of(item: BudgetRound, voter: Voter) -> BudgetBallot | None:
    found: BudgetBallot | None = db.session.scalar(
        sa.select(BudgetBallot).where(BudgetBallot.round_id == item.id, BudgetBallot.voter_key == voter.key))
    return found


def _ballot_stored(item: BudgetRound) -> None:
    """Lock the rules (round and event) and tell live screens a ballot arrived; inside the caller's commit."""
    if item.first_ballot_at is None:
        item.first_ballot_at = utcnow()
    changes.ballot_stored(item.event_id)


def cast_ballot(item: BudgetRound, voter: Voter, choice: Mapping[str, int]) -> BudgetBallot:
    """Store or replace ``voter``'s phone ballot while voting is open; nothing is written when it is refused."""
    if item.phase != RoundPhase.VOTING:
        raise Conflict("budget_voting_closed")
    if voter.ticket is not None:
        tickets.usable(voter.ticket)
        if voter.ticket.event_id != item.event_id:
            raise NotFound("ticket_unknown")
    check_choice(item, choice)
    stored = _choices(item, choice)
    for attempt in (1, 2):
        ballot = ballot_of(item, voter)
        if ballot is not None and ballot.channel != "phone":
            raise Gone("ticket_used_on_paper")
        if ballot is None:
            ballot = BudgetBallot(round_id=item.id, voter_key=voter.key, ticket_id=voter.ticket.id if voter.ticket
                                  else None, group_id=voter.group_id, channel="phone", choices=stored)
            db.session.add(ballot)
        else:
            ballot.choices = stored
            ballot.updated_at = utcnow()
        if voter.ticket is not None:
            tickets.mark_used(voter.ticket, "phone")
        _ballot_stored(item)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another request stored this voter's ballot first: replace that one
            if attempt == 2:
                raise
            continue
        return ballot
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class KeyingResult:
    """``waiting`` for a second volunteer, ``agreed`` (the ballot now counts) or ``mismatch``."""

    status: str
    ticket_number: int


def _ticket_for_keying(item: BudgetRound, typed_code: str) -> Ticket:
    code = normalise_code(typed_code)
    if code is None:
        raise DomainError("code_malformed")
    ticket: Ticket | None = db.session.scalar(sa.select(Ticket).where(Ticket.code_hash == hash_secret(code)))
    if ticket is None or ticket.event_id != item.event_id:
        raise NotFound("ticket_unknown")
    if ticket.status == TicketStatus.VOIDED:
        raise Gone("ticket_voided")
    return ticket


def _same(left: list[list[object]], right: list[list[object]]) -> bool:
    return sorted(map(tuple, left)) == sorted(map(tuple, right))


def key_paper_ballot(item: BudgetRound, keyer: str, typed_code: str, choice: Mapping[str, int]) -> KeyingResult:
    """Store one volunteer's keying of a paper ballot; when another volunteer's keying agrees, it counts.

    A ticket already used for a phone ballot in this round cannot be keyed; nor can a paper ballot that
    already counts. Keying the same ticket again under the same name corrects one's own keying.
    """
    if item.phase not in (RoundPhase.VOTING, RoundPhase.RESULTS):
        raise Conflict("budget_keying_closed")
    keyer = keyer.strip()
    if not keyer or len(keyer) > 80:
        raise DomainError("budget_keyer_required")
    ticket = _ticket_for_keying(item, typed_code)
    existing = ballot_of(item, ticket_voter(ticket))
    if existing is not None:
        raise Conflict("budget_ticket_used_on_phone" if existing.channel == "phone" else "budget_paper_counted",
                       number=ticket.number)
    check_choice(item, choice)
    stored = _choices(item, choice)
    keyings = list(db.session.scalars(sa.select(PaperKeying).where(
        PaperKeying.round_id == item.id, PaperKeying.ticket_id == ticket.id).order_by(PaperKeying.id)))
    mine = next((keying for keying in keyings if keying.keyer == keyer), None)
    if mine is None:
        mine = PaperKeying(round_id=item.id, ticket_id=ticket.id, keyer=keyer, choices=stored)
        db.session.add(mine)
    else:
        mine.choices = stored
    others = [keying for keying in keyings if keying.keyer != keyer]
    partner = next((keying for keying in others if _same(keying.choices, stored)), None)
    status = "mismatch" if others else "waiting"
    if partner is not None:
        ballot = BudgetBallot(round_id=item.id, voter_key=ticket_voter(ticket).key, ticket_id=ticket.id,
                              group_id=ticket.group_id, channel="paper", choices=stored)
        db.session.add(ballot)
        db.session.flush()
        mine.ballot_id = partner.ballot_id = ballot.id
        tickets.mark_used(ticket, "paper")
        _ballot_stored(item)
        audit.record(item.event, keyer, "paper_ballot_agreed", f"ticket {ticket.number}")
        status = "agreed"
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("budget_paper_counted", number=ticket.number) from None
    return KeyingResult(status, ticket.number)


def discard_keying(item: BudgetRound, keying_id: int, actor: str) -> None:
    """Remove a wrong keying that did not count, so the ballot can be keyed again."""
    keying = db.session.get(PaperKeying, keying_id)
    if keying is None or keying.round_id != item.id or keying.ballot_id is not None:
        raise NotFound("budget_keying_not_found")
    audit.record(item.event, actor, "paper_keying_discarded", f"{keying.keyer}")
    db.session.delete(keying)
    db.session.commit()


@dataclass(frozen=True)
class Mismatch:
    ticket_number: int
    keyings: tuple[PaperKeying, ...]


@dataclass(frozen=True)
class Reconciliation:
    """Tickets against ballots for one round: what the volunteers' table shows."""

    issued: int
    voided: int
    phone: int
    paper: int
    open_link: int
    waiting: tuple[tuple[int, str], ...]
    mismatches: tuple[Mismatch, ...]


def reconciliation(item: BudgetRound) -> Reconciliation:
    counts = tickets.ticket_counts(item.event)
    rows = db.session.execute(sa.select(BudgetBallot.channel, BudgetBallot.ticket_id.is_(None), sa.func.count())
                              .where(BudgetBallot.round_id == item.id)
                              .group_by(BudgetBallot.channel, BudgetBallot.ticket_id.is_(None)))
    by_channel = {"phone": 0, "paper": 0, "open": 0, "import": 0}
    for channel, without_ticket, count in rows:
        key = "open" if channel == "phone" and without_ticket else channel
        by_channel[key] = by_channel.get(key, 0) + count
    pending = db.session.execute(
        sa.select(PaperKeying, Ticket.number).join(Ticket, Ticket.id == PaperKeying.ticket_id)
        .where(PaperKeying.round_id == item.id, PaperKeying.ballot_id.is_(None))
        .order_by(Ticket.number, PaperKeying.id)).all()
    grouped: dict[int, list[PaperKeying]] = {}
    for keying, number in pending:
        grouped.setdefault(number, []).append(keying)
    waiting = tuple((number, found[0].keyer) for number, found in grouped.items() if len(found) == 1)
    mismatches = tuple(Mismatch(number, tuple(found)) for number, found in grouped.items() if len(found) > 1)
    return Reconciliation(issued=counts["total"] - counts["voided"], voided=counts["voided"],
                          phone=by_channel["phone"], paper=by_channel["paper"], open_link=by_channel["open"],
                          waiting=waiting, mismatches=mismatches)
