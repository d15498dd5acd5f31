"""Tender set-up, freeze and reset, shuffle, the evening flow and the read helpers for counting."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from app.domain import scoring
from app.extensions import db
from app.models import AuditEntry, Scorecard, ScoringState, TenderPhase, Ticket
from app.services import evening, scorecards
from app.services import tender as tenders
from app.services.errors import DomainError
from tests.tender_factories import answers, issue, make_tender, open_first


def _actions(tender) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == tender.event_id)
                                   .order_by(AuditEntry.id)))


def test_domain_views_of_the_tender(app) -> None:
    tender = make_tender(method="majority_judgment", scale_type="verbal",
                         verbal_grades=("Slecht", "Matig", "Goed"))
    assert tenders.scale_of(tender) == scoring.Scale.verbal(("Slecht", "Matig", "Goed"))
    assert tenders.method_of(tender) is scoring.Method.MAJORITY
    assert [(c.name, c.weight) for c in tenders.criteria_of(tender)] == [
        ("Kennis van de wijk", Fraction(3)), ("Aanpak jongeren", Fraction(2))]
    assert [b.name for b in tenders.bidders_of(tender)] == ["Buurtkracht", "Eemland Samen", "De Brug"]
    assert list(tenders.weight_percentages(tender).values()) == [Decimal("60.0"), Decimal("40.0")]
    assert tenders.tender_for_event(tender.event) is tender


@pytest.mark.parametrize(("fields", "code"), [
    ({"title": " "}, "tender_title_required"),
    ({"method": "borda"}, "method_unknown"),
    ({"scale_type": "grade", "scale_min": 5, "scale_max": 5}, "scale_invalid"),
    ({"scale_type": "verbal", "verbal_grades": ("Goed",)}, "scale_invalid"),
    ({"scale_type": "verbal", "verbal_grades": ("Goed", "goed")}, "scale_invalid"),
    ({"scale_type": "stars", "scale_max": 1}, "scale_invalid"),
    ({"slot_minutes": 0}, "slot_invalid"),
])
def test_invalid_tender_fields_are_refused(app, fields, code) -> None:
    from tests.conftest import make_event

    event = make_event()
    base = {"title": "Welzijnswerk"} | fields
    with pytest.raises(DomainError) as refused:
        tenders.create_tender(event, "host", tenders.TenderFields(**base))
    assert refused.value.code == code
    assert tenders.tender_for_event(event) is None


@pytest.mark.parametrize("weight", ["0", "-1", "abc", "1001", "0.00001"])
def test_criterion_weight_must_be_above_zero(app, weight) -> None:
    tender = make_tender(criteria=())
    with pytest.raises(DomainError) as refused:
        tenders.add_criterion(tender, "host", "Kosten", "", weight)
    assert refused.value.code == "weight_invalid"
    assert tender.criteria == []


def test_freeze_records_the_weights_as_plain_numbers(app) -> None:
    """The process log printed "3E+1" for a weight of 30 (Decimal.normalize gives an exponent)."""
    tender = make_tender(criteria=(("Kennis van de wijk", "30"), ("Haalbaar", "2.50")))
    tenders.freeze(tender)
    detail = db.session.scalars(sa.select(AuditEntry.detail).where(AuditEntry.action == "tender_frozen")).one()
    assert detail.endswith("Kennis van de wijk 30; Haalbaar 2.5")


def test_first_scoring_freezes_and_reset_discards_with_audit(app) -> None:
    tender = make_tender()
    issue(tender, 1)
    open_first(tender)
    assert tender.frozen_at is not None
    voter = scorecards.voter_for_ticket(db.session.scalars(sa.select(Ticket)).one())
    scorecards.cast_scorecard(voter, tender.bidders[0].public_id, answers(tender, "7", "8"))
    for change in (
        lambda: tenders.add_criterion(tender, "host", "Kosten", "", "1"),
        lambda: tenders.update_criterion(tender, "host", tender.criteria[0], "Kennis", "", "3"),
        lambda: tenders.update_criterion(tender, "host", tender.criteria[0], "Kennis van de wijk", "", "4"),
        lambda: tenders.remove_criterion(tender, "host", tender.criteria[0]),
        lambda: tenders.update_tender(tender, "host", tenders.TenderFields("Welzijnswerk", method="median")),
        lambda: tenders.update_tender(tender, "host", tenders.TenderFields("Welzijnswerk", scale_type="stars",
                                                                          scale_max=5)),
        lambda: tenders.add_bidder(tender, "host", "Nieuw"),
        lambda: tenders.shuffle_bidders(tender, "host"),
    ):
        with pytest.raises(DomainError) as refused:
            change()
        assert refused.value.code == "tender_frozen"
    # the explanation and the title may still change
    tenders.update_criterion(tender, "host", tender.criteria[0], "Kennis van de wijk", "Nieuwe uitleg", "3")
    tenders.update_tender(tender, "host", tenders.TenderFields("Welzijnswerk 2027"))
    with pytest.raises(DomainError) as refused:
        tenders.reset_scoring(tender, "host", confirmed=False)
    assert refused.value.code == "reset_needs_confirmation"
    assert tenders.card_count(tender) == 1
    assert tenders.reset_scoring(tender, "host@buurt.test", confirmed=True) == 1
    assert tenders.card_count(tender) == 0
    assert tender.frozen_at is None
    assert {b.scoring_state for b in tender.bidders} == {ScoringState.WAITING}
    assert "tender_reset" in _actions(tender)
    tenders.update_tender(tender, "host", tenders.TenderFields("Welzijnswerk", method="median"))
    assert tender.method == "median"


def test_shuffle_records_order_and_time_and_is_refused_once_presenting(app) -> None:
    tender = make_tender(bidders=("A", "B", "C", "D", "E"))
    order = tenders.shuffle_bidders(tender, "host", rng=random.Random(3))
    assert sorted(order) == ["A", "B", "C", "D", "E"]
    assert [b.name for b in tender.bidders] == order
    assert [b.position for b in tender.bidders] == [0, 1, 2, 3, 4]
    assert tender.shuffled_at is not None
    assert tender.shuffle_order.split("\n") == order
    assert "bidders_shuffled" in _actions(tender)
    evening.open_doors(tender, "host")
    evening.step_bidder(tender, "host", 1)
    with pytest.raises(DomainError) as refused:
        tenders.shuffle_bidders(tender, "host")
    assert refused.value.code == "shuffle_too_late"


def test_evening_flow_from_draft_to_published(app) -> None:
    tender = make_tender(bidders=("A", "B"))
    version = tender.event.live_version
    with pytest.raises(DomainError):
        evening.step_bidder(tender, "host", 1)  # doors still closed
    evening.open_doors(tender, "host")
    assert tender.phase is TenderPhase.DOORS_OPEN
    first = evening.step_bidder(tender, "host", 1)
    assert (first.name, tender.phase) == ("A", TenderPhase.EVENING)
    evening.timer(tender, first, "host", "start")
    assert first.timer_started_at is not None
    evening.timer(tender, first, "host", "pause")
    assert first.timer_started_at is None
    evening.timer(tender, first, "host", "reset")
    assert first.timer_elapsed == 0
    evening.open_scoring(tender, first, "host")
    with pytest.raises(DomainError) as refused:
        evening.reveal_results(tender, "host")
    assert refused.value.code == "reveal_too_early"
    evening.close_scoring(tender, first, "host")
    second = evening.step_bidder(tender, "host", 1)
    with pytest.raises(DomainError):
        evening.step_bidder(tender, "host", 1)
    assert evening.step_bidder(tender, "host", -1) is first
    evening.open_scoring(tender, second, "host")
    evening.close_scoring(tender, second, "host")
    assert tender.phase is TenderPhase.ALL_CLOSED
    with pytest.raises(DomainError) as refused:
        evening.publish_results(tender, "host")
    assert refused.value.code == "publish_too_early"
    evening.reveal_results(tender, "host")
    assert tender.results_revealed_at is not None
    evening.publish_results(tender, "host")
    assert tender.phase is TenderPhase.PUBLISHED
    assert tender.event.live_version > version + 10
    with pytest.raises(DomainError) as refused:
        tenders.reset_scoring(tender, "host", confirmed=True)
    assert refused.value.code == "already_published"


def test_cards_for_tally_gives_domain_cards_and_hides_hidden_comments(app) -> None:
    tender = make_tender()
    issue(tender, 2)
    open_first(tender)
    first, second = db.session.scalars(sa.select(Ticket).order_by(Ticket.number)).all()
    bidder = tender.bidders[0].public_id
    card = db.session.get(Scorecard, scorecards.cast_scorecard(scorecards.voter_for_ticket(first), bidder,
                                                                answers(tender, "7", ""), "Goed"))
    scorecards.cast_scorecard(scorecards.voter_for_ticket(second), bidder, answers(tender, "4", "5"), "Weg ermee")
    card.comment_hidden = True
    db.session.commit()
    cards = sorted(tenders.cards_for_tally(tender), key=lambda c: c.ballot)
    assert [(c.bidder, dict(c.scores), c.comment, c.group_weight) for c in cards] == [
        (bidder, {tender.criteria[0].public_id: 7, tender.criteria[1].public_id: None}, "", Fraction(1)),
        (bidder, {tender.criteria[0].public_id: 4, tender.criteria[1].public_id: 5}, "Weg ermee", Fraction(1)),
    ]
    result = scoring.tally(tenders.scale_of(tender), tenders.criteria_of(tender), tenders.bidders_of(tender), cards,
                           tenders.method_of(tender))
    assert result.cards == 2
