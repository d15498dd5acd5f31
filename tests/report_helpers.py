"""The domain's hand-computed example (tests/domain/scoring/hand_example.py) as a real evening in the database:
criteria Prijs (weight 2) and Plan (weight 1), groups bewoners (1) and jongeren (2), bidders Alfa and Bravo."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.extensions import db
from app.models import Event, Scorecard, ScoringState, Tender, TenderPhase, User
from app.models.clock import utcnow
from app.services import evening, events, tender
from tests.conftest import make_event, make_user
from tests.domain.scoring.hand_example import HAND_CARDS


@dataclass
class HandEvening:
    host: User
    event: Event
    tender: Tender


def make_hand_evening(host: User | None = None, method: str = "mean", title: str = "Buurtavond",
                      bidder_names: tuple[str, str] = ("Alfa", "Bravo"), reveal: bool = True,
                      publish: bool = False) -> HandEvening:
    """Create the example and store its six cards (as phone cards of three voters)."""
    host = host or make_user()
    event = make_event(host, title=title)
    event.groups[0].name = "bewoners"
    events.add_group(event, host, "jongeren", Decimal(2), "#a4161a")
    item = tender.create_tender(event, host.email, tender.TenderFields(title="Groenonderhoud", method=method))
    tender.add_criterion(item, host.email, "Prijs", "", "2")
    tender.add_criterion(item, host.email, "Plan", "", "1")
    for name in bidder_names:
        tender.add_bidder(item, host.email, name)
    evening.open_doors(item, host.email)
    tender.freeze(item)
    keys = {"prijs": item.criteria[0].public_id, "plan": item.criteria[1].public_id}
    bidders = {"alfa": item.bidders[0], "bravo": item.bidders[1]}
    groups = {group.name: group for group in event.groups}
    now = utcnow()
    for card in HAND_CARDS:
        db.session.add(Scorecard(
            tender_id=item.id, bidder_id=bidders[card.bidder].id, voter_key=f"test-{card.ballot}",
            group_id=groups[card.group].id, channel=card.channel.value,
            scores={keys[k]: v for k, v in card.scores.items()}, comment=card.comment,
            created_at=now, updated_at=now))
    for bidder in item.bidders:
        bidder.scoring_state = ScoringState.CLOSED
        bidder.scoring_opened_at = bidder.scoring_closed_at = now
    item.phase = TenderPhase.ALL_CLOSED
    events.mark_first_ballot(event)
    db.session.commit()
    if reveal:
        evening.reveal_results(item, host.email)
    if publish:
        evening.publish_results(item, host.email)
    return HandEvening(host, event, item)
