"""One small world with an object of every kind, for the route walks in the security and access tests.

Host A owns two events: ``live`` (an Idols evening in progress: a bidder on stage with scoring open, cards,
a question, a pending paper keying; a budget round in voting with a ballot and a paper keying) and
``published`` (the hand-computed evening, published, with a committee member and a committee link).
Host B owns an event of their own. :meth:`World.path` fills every placeholder of a URL rule with a real id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from argon2 import PasswordHasher
from werkzeug.routing import Rule

from app.extensions import db
from app.models import BudgetRound, Event, PaperKeying, Role, RoundPhase, User
from app.services import accounts, budget_ballots, committee, evening, live, paper, scorecards, tickets
from app.services.tickets import IssuedTicket
from tests.budget_factories import make_round
from tests.conftest import make_event, make_user
from tests.live_helpers import Evening, make_evening, on_stage
from tests.report_helpers import HandEvening, make_hand_evening


@pytest.fixture
def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap argon2 parameters: the world has four accounts and every role logs in."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    yield


ROLES = ("anonymous", "attendee", "host_a", "host_b", "committee", "admin")
# endpoints whose ``public_id`` is the published event (the report pages), not the live one
PUBLISHED_EVENT_ENDPOINTS = frozenset({
    "reports.ballots", "reports.committee_report", "reports.decide", "reports.download", "reports.host_ballots",
    "reports.host_download", "reports.host_report", "reports.public_event", "reports.publish",
    "api.event", "api.event_results",
})
POSTED_COMMANDS = {"tender_host.command": "timer_pause"}


@dataclass
class World:
    host_a: User
    host_b: User
    admin: User
    member: User
    evening: Evening
    published: HandEvening
    other_event: Event
    round: BudgetRound
    published_round: BudgetRound
    attendee: IssuedTicket
    committee_token: str
    setup_token: str
    question_id: str
    keying_id: int
    card_id: int
    secrets: list[str] = field(default_factory=list)

    @property
    def live_event(self) -> Event:
        return self.evening.event

    def values(self, endpoint: str) -> dict[str, str]:
        item = self.evening.tender
        event = self.published.event if endpoint in PUBLISHED_EVENT_ENDPOINTS else self.live_event
        token = {"attend.ticket": self.attendee.token, "auth.setup": self.setup_token}.get(endpoint,
                                                                                             self.committee_token)
        round_item = self.published_round if endpoint == "api.round_results" else self.round
        return {
            "public_id": event.public_id, "round_id": round_item.public_id,
            "bidder_id": item.bidders[0].public_id, "criterion_id": item.criteria[0].public_id,
            "proposal_id": round_item.proposals[0].public_id, "question_id": self.question_id,
            "keying_id": str(self.keying_id),
            "card_id": str(self.card_id), "group_id": str(self.live_event.groups[0].id), "token": token,
            "fmt": "json", "command": POSTED_COMMANDS.get(endpoint, "next"), "action": "approve",
            "filename": "css/app.css",
        }

    def path(self, rule: Rule) -> str:
        values = self.values(rule.endpoint)
        unknown = sorted(set(rule.arguments) - set(values))
        assert not unknown, f"{rule.endpoint}: add a real id for {unknown} to World.values in tests/security_world.py"
        return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def make_world() -> World:
    """Build the world; every secret it hands out is listed in ``World.secrets`` (for the leak tests)."""
    host_a = make_user("host-a@buurt.test")
    host_b = make_user("host-b@buurt.test")
    admin = make_user("admin@buurt.test", Role.ADMIN)
    member = make_user("lid@commissie.test", Role.COMMITTEE)
    found = make_evening(host=host_a, ticket_count=4)
    found.event.allow_open_join = True
    on_stage(found)
    voter = scorecards.voter_for_ticket(found.ticket(1))
    bidder = evening.current_bidder(found.tender)
    assert bidder is not None
    card_id = scorecards.cast_scorecard(voter, bidder.public_id, {c.public_id: "7" for c in found.tender.criteria},
                                        comment="Mooi plan")
    question = live.ask_question(found.ticket(1), found.event, "Hoeveel kost het?")
    live.moderate_question(found.event, host_a.email, question.public_id, approve=True)
    paper.key_paper_card(found.tender, bidder, found.issued[2].code, "vrijwilliger 1",
                         {c.public_id: "6" for c in found.tender.criteria}, "", host_a.email)
    projector_token = live.renew_projector_link(found.event, host_a.email)

    item = make_round(found.event)
    budget_ballots.cast_ballot(item, budget_ballots.ticket_voter(found.ticket(1)), {"1": 1})
    budget_ballots.key_paper_ballot(item, "vrijwilliger 1", found.issued[3].code, {"2": 1})
    keying = db.session.scalar(db.select(PaperKeying).where(PaperKeying.round_id == item.id))
    assert keying is not None

    published = make_hand_evening(host=host_a, title="Gepubliceerde avond", publish=True)
    published_round = make_round(published.event)
    ticket = tickets.issue_tickets(published.event, published.event.groups[0], 1, "test")[0]
    budget_ballots.cast_ballot(published_round, budget_ballots.ticket_voter(tickets.ticket_by_code(ticket.code)),
                               {"1": 1, "3": 1})
    published_round.phase = RoundPhase.PUBLISHED
    db.session.commit()
    committee.assign_member(published.event, host_a, member.email)
    committee_token = committee.renew_link(published.event, host_a.email)
    other_event = make_event(host_b, title="Avond van B")
    setup_token = accounts.create_setup_link()
    attendee = found.issued[0]
    secrets = [secret for issued in found.issued + [ticket] for secret in (issued.token, issued.code)]
    secrets += [committee_token, setup_token, projector_token]
    return World(host_a, host_b, admin, member, found, published, other_event, item, published_round, attendee,
                 committee_token, setup_token, question.public_id, keying.id, card_id, secrets)
