"""Budget rounds: ballot rules per kind, the lock after the first ballot, review flow, paper keying, results."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.domain.budget import greedy, mes
from app.domain.budget.ballot import BallotError
from app.extensions import db
from app.models import BallotKind, BudgetBallot, BudgetRule, Review, RoundPhase, Ticket
from app.services import budget, budget_ballots, budget_results
from app.services.budget_ballots import BallotRefused, open_voter, ticket_voter
from app.services.errors import Conflict, DomainError, Gone
from tests.budget_factories import issue, make_round, ticket_of
from tests.conftest import make_event, make_user


def _codes(refused: pytest.ExceptionInfo[BallotRefused]) -> list[BallotError]:
    return [problem.code for problem in refused.value.problems]


def test_approval_ballot_between_min_and_max_projects(app) -> None:
    item = make_round(min_projects=2, max_projects=3)
    voter = ticket_voter(ticket_of(issue(item.event, 1)[0]))
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"1": 1})
    assert _codes(refused) == [BallotError.TOO_FEW_PROJECTS]
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"1": 1, "2": 1, "3": 1, "4": 1})
    assert _codes(refused) == [BallotError.TOO_MANY_PROJECTS]
    assert budget.ballot_count(item) == 0  # nothing written when refused
    budget_ballots.cast_ballot(item, voter, {"1": 1, "2": 1, "3": 1})  # approval ignores the budget
    assert budget_ballots.choice_of(budget_ballots.ballot_of(item, voter)) == {"1": 1, "2": 1, "3": 1}


def test_knapsack_ballot_within_budget_and_minimum_share(app) -> None:
    item = make_round(ballot_kind=BallotKind.KNAPSACK, min_spend_percent=50)
    voter = ticket_voter(ticket_of(issue(item.event, 1)[0]))
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"1": 1, "2": 1})  # € 7.000 > € 6.000
    assert _codes(refused) == [BallotError.OVER_BUDGET]
    assert refused.value.problems[0].values == {"spent": 7000_00, "budget": 6000_00}
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"4": 1})  # € 1.000 < half of € 6.000
    assert _codes(refused) == [BallotError.UNDER_MINIMUM_SPEND]
    budget_ballots.cast_ballot(item, voter, {"1": 1, "3": 1})
    assert budget.ballot_count(item) == 1


def test_points_ballot_total_and_per_project_maximum(app) -> None:
    item = make_round(ballot_kind=BallotKind.POINTS, total_points=10, max_points_per_project=5)
    voter = ticket_voter(ticket_of(issue(item.event, 1)[0]))
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"1": 6, "2": 4})
    assert _codes(refused) == [BallotError.TOO_MANY_POINTS_FOR_PROJECT]
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"1": 5, "2": 5, "3": 1})
    assert _codes(refused) == [BallotError.TOO_MANY_POINTS]
    budget_ballots.cast_ballot(item, voter, {"1": 5, "2": 3})
    stored = db.session.scalars(sa.select(BudgetBallot)).one()
    assert stored.choices == [["1", 5], ["2", 3]]


def test_unknown_and_infeasible_projects_are_not_on_the_ballot(app) -> None:
    item = make_round()
    item.proposals[0].review = Review.INFEASIBLE
    db.session.commit()
    voter = ticket_voter(ticket_of(issue(item.event, 1)[0]))
    with pytest.raises(BallotRefused) as refused:
        budget_ballots.cast_ballot(item, voter, {"1": 1, "9": 1})
    assert BallotError.UNKNOWN_PROJECT in _codes(refused)


def test_ballot_changes_until_close_and_one_ballot_per_ticket(app) -> None:
    item = make_round()
    ticket = ticket_of(issue(item.event, 1)[0])
    budget_ballots.cast_ballot(item, ticket_voter(ticket), {"1": 1})
    budget_ballots.cast_ballot(item, ticket_voter(ticket), {"2": 1, "3": 1})
    assert budget.ballot_count(item) == 1
    assert db.session.get(Ticket, ticket.id).channel == "phone"
    db.session.add(BudgetBallot(round_id=item.id, voter_key=ticket_voter(ticket).key, channel="phone", choices=[]))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()  # the database itself refuses a second ballot for the same ticket
    db.session.rollback()
    item.phase = RoundPhase.RESULTS
    db.session.commit()
    with pytest.raises(Conflict) as closed:
        budget_ballots.cast_ballot(item, ticket_voter(ticket), {"1": 1})
    assert closed.value.code == "budget_voting_closed"


def test_ticket_of_another_event_cannot_vote(app) -> None:
    item = make_round()
    other = make_event(make_user("other@buurt.test"))
    ticket = ticket_of(issue(other, 1)[0])
    with pytest.raises(DomainError):
        budget_ballots.cast_ballot(item, ticket_voter(ticket), {"1": 1})


def test_rules_lock_after_the_first_ballot(app) -> None:
    item = make_round()
    host = make_user("second@buurt.test")
    fields = budget.round_fields(item)
    budget.update_round(item, host, fields.__class__(**{**fields.__dict__, "max_projects": 3}))
    assert item.max_projects == 3  # free to change before any ballot
    budget_ballots.cast_ballot(item, open_voter("abc"), {"1": 1})
    assert item.first_ballot_at is not None and item.event.first_ballot_at is not None
    with pytest.raises(Conflict) as locked:
        budget.update_round(item, host, fields.__class__(**{**fields.__dict__, "max_projects": 2}))
    assert locked.value.code == "budget_rules_locked"
    with pytest.raises(Conflict):
        budget.update_round(item, host, fields.__class__(**{**fields.__dict__, "rule": BudgetRule.GREEDY}))
    budget.update_round(item, host, fields.__class__(**{**fields.__dict__, "max_projects": 3,
                                                        "bijsluiter": "Nieuwe uitleg"}))
    assert item.bijsluiter == "Nieuwe uitleg"  # texts may still change
    with pytest.raises(Conflict):
        budget.set_phase(item, host, RoundPhase.REVIEW)


def test_proposal_review_flow(app) -> None:
    host = make_user()
    event = make_event(host)
    item = budget.create_round(event, host, budget.RoundFields(title="Buurtbudget", budget_cents=5000_00,
                                                                themes="Groen\nSpelen"))
    fields = budget.ProposalFields(title="Bankjes", description="Drie bankjes in het park", cost_cents=1200_00,
                                   theme="Groen", contact_name="An", contact_email="an@example.org")
    with pytest.raises(DomainError) as wrong:
        budget.submit_proposal(item, fields.__class__(**{**fields.__dict__, "theme": "Verkeer"}))
    assert wrong.value.code == "proposal_theme_invalid"
    with pytest.raises(DomainError) as wrong:
        budget.submit_proposal(item, fields.__class__(**{**fields.__dict__, "cost_cents": 6000_00}))
    assert wrong.value.code == "proposal_over_budget"
    with pytest.raises(DomainError) as wrong:
        budget.submit_proposal(item, fields.__class__(**{**fields.__dict__, "submitted_as": "organisation"}))
    assert wrong.value.code == "proposal_organisation_required"
    proposal = budget.submit_proposal(item, fields)
    rejected = budget.submit_proposal(item, fields.__class__(**{**fields.__dict__, "title": "Fontein"}))
    assert (proposal.code, rejected.code, proposal.review) == ("1", "2", Review.PENDING)
    with pytest.raises(Conflict):
        budget.set_phase(item, host, RoundPhase.VOTING)  # nothing feasible yet
    budget.set_phase(item, host, RoundPhase.REVIEW)
    with pytest.raises(Conflict):
        budget.submit_proposal(item, fields)  # proposals closed
    with pytest.raises(DomainError) as wrong:
        budget.review_proposal(rejected, host, False, " ", None)
    assert wrong.value.code == "proposal_reason_required"
    budget.review_proposal(rejected, host, False, "Valt buiten de gemeente", None)
    budget.review_proposal(proposal, host, True, "", 1500_00)
    assert [p.code for p in budget.ballot_proposals(item)] == ["1"]
    assert budget.ballot_rules(item).costs == {"1": 1500_00}  # the adjusted cost is on the ballot
    host_added = budget.add_host_proposal(item, host, budget.ProposalFields(
        title="Speeltuin", description="Van de bewonersavond", cost_cents=2000_00, submitted_as="host"))
    assert host_added.review == Review.PENDING and host_added.contact_email == ""
    budget.set_phase(item, host, RoundPhase.VOTING)
    with pytest.raises(Conflict):
        budget.review_proposal(host_added, host, True, "", None)


def test_paper_ballot_keyed_twice_counts_once(app) -> None:
    item = make_round(ballot_kind=BallotKind.KNAPSACK)
    paper, phone = issue(item.event, 2)
    assert budget_ballots.key_paper_ballot(item, "Ans", paper.code, {"1": 1}).status == "waiting"
    assert budget.ballot_count(item) == 0
    assert budget_ballots.key_paper_ballot(item, "Bert", paper.code, {"1": 1, "4": 1}).status == "mismatch"
    report = budget_ballots.reconciliation(item)
    assert [m.ticket_number for m in report.mismatches] == [paper.number] and report.paper == 0
    assert budget_ballots.key_paper_ballot(item, "Ans", paper.code, {"1": 1, "4": 1}).status == "agreed"
    assert budget.ballot_count(item) == 1
    with pytest.raises(Conflict) as counted:
        budget_ballots.key_paper_ballot(item, "Cor", paper.code, {"1": 1, "4": 1})
    assert counted.value.code == "budget_paper_counted"
    with pytest.raises(Gone):  # a ticket counted on paper cannot vote by phone as well
        budget_ballots.cast_ballot(item, ticket_voter(_ticket_by_number(item, paper.number)), {"2": 1})
    budget_ballots.cast_ballot(item, ticket_voter(ticket_of(phone)), {"2": 1})
    with pytest.raises(Conflict) as used:
        budget_ballots.key_paper_ballot(item, "Ans", phone.code, {"2": 1})
    assert used.value.code == "budget_ticket_used_on_phone"
    with pytest.raises(BallotRefused):
        budget_ballots.key_paper_ballot(item, "Ans", issue(item.event, 1)[0].code, {"1": 1, "2": 1})
    report = budget_ballots.reconciliation(item)
    assert (report.issued, report.phone, report.paper, report.mismatches) == (3, 1, 1, ())


def _ticket_by_number(item, number: int) -> Ticket:
    return db.session.scalars(sa.select(Ticket).where(Ticket.event_id == item.event_id,
                                                      Ticket.number == number)).one()


def test_results_use_the_domain_rules_and_show_both(app) -> None:
    item = make_round(costs=(3000_00, 3000_00, 2000_00, 1000_00), rule=BudgetRule.MES)
    ballots = [{"1": 1, "2": 1}] * 6 + [{"3": 1, "4": 1}] * 4
    for index, choice in enumerate(ballots):
        budget_ballots.cast_ballot(item, open_voter(f"v{index}"), choice)
    report = budget_results.round_report(item)
    instance, unit = budget_results.round_instance(item)
    assert unit == 100 and instance.budget == 6000
    expected_mes, expected_greedy = mes(instance), greedy(instance)
    assert {row.code for row in report.rows if row.funded} == set(expected_mes.winners)
    assert {row.code for row in report.rows if row.greedy_funded} == set(expected_greedy.winners)
    assert set(expected_greedy.winners) == {"1", "2"}  # the majority takes everything under greedy
    assert set(expected_mes.winners) != set(expected_greedy.winners)  # equal shares leaves the minority something
    assert report.greedy_without == 4 and report.equal_shares_without == expected_mes.voters_without_project
    not_funded = [row for row in report.rows if not row.funded]
    assert all(row.reason is not None for row in not_funded)
    assert report.groups[-1].name is None and report.groups[-1].ballots == 10  # open-link ballots


def test_a_viewer_during_a_count_waits_for_it_instead_of_counting_again(app, monkeypatch) -> None:
    """A big round's count takes seconds; everyone who opens the results meanwhile gets that one count."""
    item = make_round(rule=BudgetRule.MES)
    for index, choice in enumerate([{"1": 1}, {"2": 1, "3": 1}, {"4": 1}]):
        budget_ballots.cast_ballot(item, open_voter(f"v{index}"), choice)
    public_id = item.public_id
    started, release = threading.Event(), threading.Event()
    counted = []
    count = budget_results._count

    def held(*args):  # type: ignore[no-untyped-def]
        counted.append(args)
        started.set()
        release.wait(30)
        return count(*args)

    monkeypatch.setattr(budget_results, "_count", held)
    reports: dict[str, budget_results.RoundReport] = {}

    def view(name: str) -> None:
        with app.app_context():
            reports[name] = budget_results.round_report(budget.round_by_public_id(public_id))
            db.session.remove()

    first = threading.Thread(target=view, args=("first",))
    first.start()
    assert started.wait(30)
    second = threading.Thread(target=view, args=("second",))
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first viewer's count
    release.set()
    first.join(30)
    second.join(30)
    assert len(counted) == 1
    assert reports["first"] == reports["second"]
    assert {row.code for row in reports["first"].rows if row.funded} == set(mes(budget_results.round_instance(
        item)[0]).winners)


def test_counting_in_cents_when_an_amount_has_cents(app) -> None:
    item = make_round(costs=(1000_50, 2000_00))
    assert budget_results.round_instance(item)[1] == 1
