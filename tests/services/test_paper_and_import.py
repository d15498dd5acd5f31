"""Paper double keying, CSV import of score cards (errors name the line, nothing is imported), the demo
command and the tender part of the event file."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, Scorecard, Ticket, TicketStatus
from app.services import accounts, ballot_import, event_files, events, paper, scorecards
from app.services import tender as tenders
from app.services.errors import DomainError
from tests.tender_factories import answers, issue, make_tender, open_first


def _cards(channel: str | None = None) -> int:
    query = sa.select(sa.func.count(Scorecard.id))
    if channel:
        query = query.where(Scorecard.channel == channel)
    return db.session.scalar(query) or 0


def test_double_keying_counts_once_when_two_volunteers_agree(app) -> None:
    tender = make_tender()
    [ticket] = issue(tender, 1)
    bidder = tender.bidders[0]
    keyed = answers(tender, "8", "")
    outcome = paper.key_paper_card(tender, bidder, ticket.code, "Anna", keyed, "Mooi", "host")
    assert outcome is paper.KeyingOutcome.WAITING
    assert _cards() == 0
    assert tender.frozen_at is not None  # keying freezes like scoring does
    with pytest.raises(DomainError) as refused:
        paper.key_paper_card(tender, bidder, ticket.code, "anna", keyed, "Mooi", "host")
    assert refused.value.code == "paper_same_volunteer"
    outcome = paper.key_paper_card(tender, bidder, ticket.code.lower(), "Bram", keyed, " Mooi ", "host")
    assert outcome is paper.KeyingOutcome.COUNTED
    [card] = db.session.scalars(sa.select(Scorecard)).all()
    assert (card.channel, card.scores[tender.criteria[0].public_id], card.comment) == ("paper", 8, "Mooi")
    stored = db.session.scalars(sa.select(Ticket)).one()
    assert (stored.status, stored.channel) == (TicketStatus.USED, "paper")
    with pytest.raises(DomainError) as refused:
        paper.key_paper_card(tender, bidder, ticket.code, "Carla", keyed, "", "host")
    assert refused.value.code == "paper_card_already_counted"
    assert paper.paper_counts(tender) == {"counted": 1, "waiting": 0, "mismatches": 0}
    # the ticket can no longer vote by phone
    with pytest.raises(DomainError) as refused:
        scorecards.voter_for_ticket(stored)
    assert refused.value.code == "ticket_used_on_paper"


def test_mismatches_are_listed_until_a_third_keying_agrees(app) -> None:
    tender = make_tender()
    [ticket] = issue(tender, 1)
    bidder = tender.bidders[1]
    paper.key_paper_card(tender, bidder, ticket.code, "Anna", answers(tender, "8", "6"), "", "host")
    outcome = paper.key_paper_card(tender, bidder, ticket.code, "Bram", answers(tender, "3", "6"), "", "host")
    assert outcome is paper.KeyingOutcome.MISMATCH
    [mismatch] = paper.mismatches(tender)
    assert (mismatch.bidder.name, mismatch.ticket_number, [k.keyed_by for k in mismatch.keyings]) == (
        "Eemland Samen", 1, ["Anna", "Bram"])
    assert _cards() == 0
    outcome = paper.key_paper_card(tender, bidder, ticket.code, "Carla", answers(tender, "8", "6"), "", "host")
    assert outcome is paper.KeyingOutcome.COUNTED
    assert paper.mismatches(tender) == []
    assert db.session.scalars(sa.select(Scorecard)).one().scores[tender.criteria[0].public_id] == 8


def test_paper_keying_validates_like_a_phone_and_refuses_phone_tickets(app) -> None:
    tender = make_tender()
    first, second = issue(tender, 2)
    bidder = tender.bidders[0]
    with pytest.raises(DomainError) as refused:
        paper.key_paper_card(tender, bidder, first.code, "Anna", answers(tender, "12", "6"), "", "host")
    assert refused.value.code == "score_out_of_range"
    with pytest.raises(DomainError) as refused:
        paper.key_paper_card(tender, bidder, "ABC-DEF-GHJK", "Anna", answers(tender, "2", "6"), "", "host")
    assert refused.value.code == "ticket_unknown"
    open_first(tender)
    phone = db.session.scalars(sa.select(Ticket).where(Ticket.number == 2)).one()
    scorecards.cast_scorecard(scorecards.voter_for_ticket(phone), bidder.public_id, answers(tender, "5", "5"))
    with pytest.raises(DomainError) as refused:
        paper.key_paper_card(tender, bidder, second.code, "Anna", answers(tender, "2", "6"), "", "host")
    assert refused.value.code == "ticket_used_on_phone"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(paper.PaperCardKeying)) == 0


def test_discarding_keyings_lets_a_card_be_keyed_afresh(app) -> None:
    tender = make_tender()
    [ticket] = issue(tender, 1)
    bidder = tender.bidders[0]
    paper.key_paper_card(tender, bidder, ticket.code, "Anna", answers(tender, "8", "6"), "", "host")
    paper.key_paper_card(tender, bidder, ticket.code, "Bram", answers(tender, "1", "6"), "", "host")
    assert paper.discard_keyings(tender, bidder, 1, "host") == 2
    assert paper.mismatches(tender) == []
    assert paper.key_paper_card(tender, bidder, ticket.code, "Anna", answers(tender, "1", "6"), "",
                                "host") is paper.KeyingOutcome.WAITING


GOOD_CSV = (
    "ballot,bidder,criterion,score,group\n"
    "p1,Buurtkracht,Kennis van de wijk,7,\n"
    "p1,Buurtkracht,Aanpak jongeren,,\n"
    "p1,eemland samen,Kennis van de wijk,5,\n"
    "p1,Eemland Samen,aanpak jongeren,6,\n"
    "p2,Buurtkracht,Kennis van de wijk,9,Jongeren\n"
    "p2,Buurtkracht,Aanpak jongeren,10,Jongeren\n"
)


def _with_youth(tender) -> None:
    events.add_group(tender.event, accounts.user_by_email("host@buurt.test"), "Jongeren", Decimal(2), "#aa3300")


def test_csv_import_stores_every_card_and_freezes(app) -> None:
    tender = make_tender()
    _with_youth(tender)
    assert ballot_import.import_ballots(tender.event, "\ufeff" + GOOD_CSV, "shell") == 3
    assert _cards("import") == 3
    assert tender.frozen_at is not None
    youth = db.session.scalars(sa.select(Scorecard).where(Scorecard.voter_key == "import-p2")).one()
    assert (youth.group.name, youth.ticket_id) == ("Jongeren", None)
    first = db.session.scalars(sa.select(Scorecard).where(Scorecard.voter_key == "import-p1")
                               .order_by(Scorecard.id)).first()
    assert first.scores == {tender.criteria[0].public_id: 7, tender.criteria[1].public_id: None}
    assert sorted(card.group for card in tenders.cards_for_tally(tender)) == ["Iedereen", "Iedereen", "Jongeren"]
    with pytest.raises(DomainError) as refused:
        ballot_import.import_ballots(tender.event, GOOD_CSV, "shell")
    assert (refused.value.code, refused.value.params["line"]) == ("csv_ballot_exists", 2)


@pytest.mark.parametrize(("text", "code", "line"), [
    ("ballot,bidder,score\np1,Buurtkracht,7\n", "csv_header", 1),
    (GOOD_CSV + "p3,Onbekend,Kennis van de wijk,7,\n", "csv_unknown_bidder", 8),
    (GOOD_CSV + "p3,Buurtkracht,Prijs,7,\n", "csv_unknown_criterion", 8),
    (GOOD_CSV + "p3,Buurtkracht,Kennis van de wijk,7,Senioren\n", "csv_unknown_group", 8),
    (GOOD_CSV + "p3,Buurtkracht,Kennis van de wijk,11,\np3,Buurtkracht,Aanpak jongeren,1,\n", "csv_score_invalid", 8),
    (GOOD_CSV + "p3,Buurtkracht,Kennis van de wijk,Goed,\n", "csv_score_invalid", 8),
    (GOOD_CSV + "p1,Buurtkracht,Kennis van de wijk,8,\n", "csv_duplicate", 8),
    (GOOD_CSV + "p3,De Brug,Kennis van de wijk,8,\n", "csv_missing_criterion", 8),
    (GOOD_CSV + "p2,De Brug,Kennis van de wijk,8,\n", "csv_group_mixed", 8),
    (GOOD_CSV + ",De Brug,Kennis van de wijk,8,\n", "csv_ballot_invalid", 8),
    (GOOD_CSV + "p3,De Brug,8\n", "csv_columns", 8),
    ("ballot,bidder,criterion,score\n", "csv_empty", 1),
])
def test_csv_errors_name_the_line_and_import_nothing(app, text, code, line) -> None:
    tender = make_tender()
    _with_youth(tender)
    with pytest.raises(DomainError) as refused:
        ballot_import.import_ballots(tender.event, text, "shell")
    db.session.rollback()
    assert (refused.value.code, refused.value.params["line"]) == (code, line)
    assert _cards() == 0
    assert tenders.require_tender(tender.event).frozen_at is None


def test_csv_with_verbal_labels(app) -> None:
    tender = make_tender(scale_type="verbal", verbal_grades=("Slecht", "Matig", "Goed"), bidders=("A",),
                         criteria=(("Plan", "1"),))
    assert ballot_import.import_ballots(tender.event, "ballot,bidder,criterion,score\nx,A,Plan,goed\n", "s") == 1
    assert db.session.scalars(sa.select(Scorecard)).one().scores == {tender.criteria[0].public_id: 2}


def test_ballots_import_command(app, runner, tmp_path) -> None:
    tender = make_tender()
    _with_youth(tender)
    good = tmp_path / "good.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD_CSV + "p3,Onbekend,Kennis van de wijk,7,\n", encoding="utf-8")
    result = runner.invoke(args=["ballots", "import", tender.event.public_id, str(bad)], env={"LANG": "en_GB"})
    assert result.exit_code == 1
    assert "Line 8" in result.output and "Onbekend" in result.output
    assert _cards() == 0
    result = runner.invoke(args=["ballots", "import", tender.event.public_id, str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "3"


def test_demo_command(app, runner) -> None:
    result = runner.invoke(args=["demo", "--with-cards"])
    assert result.exit_code == 0, result.output
    public_id = result.output.strip().splitlines()[-1]
    event = db.session.scalars(sa.select(Event).where(Event.public_id == public_id)).one()
    tender = tenders.require_tender(event)
    assert tender.title == "Welzijnswerk Kruiskamp-Koppel 2027–2030"
    assert (len(tender.bidders), len(tender.criteria), [g.name for g in event.groups]) == (
        4, 4, ["Bewoners", "Jongeren"])
    assert db.session.scalar(sa.select(sa.func.count(Ticket.id)).where(Ticket.event_id == event.id)) == 60
    cards = tenders.cards_for_tally(tender)
    assert len(cards) == 4 * 48
    again = runner.invoke(args=["demo", "--with-cards"])
    other = db.session.scalars(sa.select(Event).where(Event.public_id == again.output.strip().splitlines()[-1])).one()
    def shape(found) -> list[tuple[int, ...]]:
        return sorted(tuple(-1 if v is None else v for v in c.scores.values()) for c in found)

    assert shape(tenders.cards_for_tally(tenders.require_tender(other))) == shape(cards)  # seeded: the same cards


def test_event_file_with_a_tender_round_trips(app, runner, tmp_path) -> None:
    document = {
        "title": "Idols-avond",
        "groups": [{"name": "Bewoners", "weight": 1}],
        "tender": {"title": "Welzijnswerk", "method": "majority_judgment",
                   "scale": {"type": "verbal", "grades": ["Slecht", "Matig", "Goed"]},
                   "criteria": [{"name": "Plan", "weight": 2, "description": "Is het plan goed?"},
                                {"name": "Prijs", "weight": 1.5}],
                   "bidders": [{"name": "A", "description": "Eerste"}, {"name": "B"}]},
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["event", "import", str(path)])
    assert result.exit_code == 0, result.output
    event = db.session.scalars(sa.select(Event).where(Event.public_id == result.output.strip())).one()
    tender = tenders.require_tender(event)
    assert (tender.method, tender.scale_labels, [c.name for c in tender.criteria]) == (
        "majority_judgment", ["Slecht", "Matig", "Goed"], ["Plan", "Prijs"])
    exported = runner.invoke(args=["event", "export", event.public_id])
    again = json.loads(exported.output)
    assert again["tender"]["method"] == "majority_judgment"
    assert again["tender"]["criteria"][1] == {"name": "Prijs", "weight": 1.5, "description": ""}
    assert event_files.event_spec(event).tender == tenders.spec_of(tender)


def test_event_file_tender_errors_name_the_field_and_create_nothing(app, runner, tmp_path) -> None:
    document = {"title": "Idols-avond",
                "tender": {"title": "W", "criteria": [{"name": "Plan", "weight": 0}], "bidders": [{"name": "A"}]}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["event", "import", str(path)])
    assert result.exit_code == 1
    assert "tender.criteria[0].weight" in result.output
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
