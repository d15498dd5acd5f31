"""Budget round pages: proposing, privacy of contact details, the ballot without JavaScript, results, hosts."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from app.extensions import db
from app.models import BallotKind, BudgetBallot, Proposal, Review, RoundPhase
from app.services import budget, budget_ballots
from tests.budget_factories import issue, make_round
from tests.conftest import log_in, make_event, make_user

NL = {"Accept-Language": "nl"}


def _proposal_form(**overrides: str) -> dict[str, str]:
    form = {"title": "Moestuin", "description": "Een moestuin bij de school", "cost": "1.250,50",
            "submitted_as": "resident", "contact_name": "Fatima de Vries", "contact_email": "fatima@example.org",
            "contact_phone": "0612345678"}
    form.update(overrides)
    return form


def test_public_proposal_submission_and_validation(client, app) -> None:
    item = make_round(phase=RoundPhase.PROPOSALS, costs=())
    url = f"/rounds/{item.public_id}/propose"
    assert client.get(url).status_code == 200
    refused = client.post(url, data=_proposal_form(cost="veel", contact_email="geen-adres"), headers=NL)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Vul een bedrag in euro in" in page and "geldig e-mailadres" in page
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    assert client.post(url, data=_proposal_form()).status_code == 302
    proposal = db.session.scalars(sa.select(Proposal)).one()
    assert (proposal.cost_cents, proposal.contact_email, proposal.review) == (1250_50, "fatima@example.org",
                                                                               Review.PENDING)


def test_contact_details_never_public(client, app) -> None:
    host = make_user()
    item = make_round(make_event(host))
    public = client.get(f"/rounds/{item.public_id}").get_data(as_text=True)
    assert "Project 1" in public
    item.phase = RoundPhase.PUBLISHED
    db.session.commit()
    results = client.get(f"/rounds/{item.public_id}/results").get_data(as_text=True)
    log_in(client, host.email)
    exported = client.get(f"/host/events/{item.event.public_id}/budget/{item.public_id}/export.pb")
    review = client.get(f"/host/events/{item.event.public_id}/budget/{item.public_id}/proposals/"
                        f"{item.proposals[0].public_id}").get_data(as_text=True)
    assert exported.status_code == 200 and "Project 1" in exported.get_data(as_text=True)
    for text in (public, results, exported.get_data(as_text=True)):
        assert "bewoner1@example.org" not in text and "Bewoner 1" not in text and "06-12345678" not in text
    assert "bewoner1@example.org" in review  # the host sees them


def test_ballot_without_javascript_and_clear_over_budget_message(client, app) -> None:
    item = make_round(ballot_kind=BallotKind.KNAPSACK)
    issued = issue(item.event, 1)[0]
    client.get(f"/t/{issued.token}")
    page = client.get(f"/rounds/{item.public_id}/ballot", headers=NL)
    assert page.status_code == 200 and 'type="checkbox"' in page.get_data(as_text=True)
    refused = client.post(f"/rounds/{item.public_id}/ballot", data={"project": ["1", "2"]}, headers=NL)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "Uw projecten kosten samen € 7.000. Dat is meer dan het budget van € 6.000." in text
    assert 'role="alert"' in text
    assert db.session.scalar(sa.select(sa.func.count(BudgetBallot.id))) == 0
    saved = client.post(f"/rounds/{item.public_id}/ballot", data={"project": ["1", "3"]})
    assert saved.status_code == 302
    again = client.post(f"/rounds/{item.public_id}/ballot", data={"project": ["2"]})
    assert again.status_code == 302
    ballot = db.session.scalars(sa.select(BudgetBallot)).one()
    assert ballot.choices == [["2", None]]
    assert 'checked' in client.get(f"/rounds/{item.public_id}/ballot").get_data(as_text=True)


def test_english_attendee_gets_english_messages(client, app) -> None:
    item = make_round(ballot_kind=BallotKind.KNAPSACK)
    client.get(f"/t/{issue(item.event, 1)[0].token}")
    text = client.post(f"/rounds/{item.public_id}/ballot", data={"project": ["1", "2"]},
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "more than the budget" in text


def test_points_ballot_form(client, app) -> None:
    item = make_round(ballot_kind=BallotKind.POINTS, total_points=5)
    client.get(f"/t/{issue(item.event, 1)[0].token}")
    assert client.post(f"/rounds/{item.public_id}/ballot", data={"points-1": "x"}).status_code == 400
    assert client.post(f"/rounds/{item.public_id}/ballot", data={"points-1": "4", "points-2": "2"}).status_code == 400
    assert client.post(f"/rounds/{item.public_id}/ballot", data={"points-1": "3", "points-2": "2"}).status_code == 302
    assert db.session.scalars(sa.select(BudgetBallot)).one().choices == [["1", 3], ["2", 2]]


def test_ballot_needs_a_ticket_unless_open_join(client, app) -> None:
    item = make_round()
    assert client.get(f"/rounds/{item.public_id}/ballot").headers["Location"].endswith("/code")
    item.event.allow_open_join = True
    db.session.commit()
    assert client.get(f"/rounds/{item.public_id}/ballot").status_code == 200
    assert client.post(f"/rounds/{item.public_id}/ballot", data={"project": ["1"]}).status_code == 302
    assert db.session.scalars(sa.select(BudgetBallot)).one().ticket_id is None


def test_attendee_home_links_the_open_ballot(client, app) -> None:
    item = make_round()
    client.get(f"/t/{issue(item.event, 1)[0].token}")
    assert f"/rounds/{item.public_id}/ballot" in client.get("/stem").get_data(as_text=True)


def test_results_preview_for_host_public_once_published(client, app) -> None:
    host = make_user()
    item = make_round(make_event(host))
    for index in range(3):
        budget_ballots.cast_ballot(item, budget_ballots.open_voter(str(index)), {"1": 1, "4": 1})
    url = f"/rounds/{item.public_id}/results"
    assert client.get(url).status_code == 404
    log_in(client, host.email)
    preview = client.get(url).get_data(as_text=True)
    assert "Project 1" in preview and "Voorbeeld: alleen organisatoren zien" in preview
    client.post("/logout")
    item.phase = RoundPhase.PUBLISHED
    db.session.commit()
    public = client.get(url + "?projector=1", headers=NL).get_data(as_text=True)
    assert 'class="projector"' in public and "Project 1" in public and "Methode van Gelijke Delen" in public


def test_results_csv_matches_the_page_and_neutralises_formulas(client, app) -> None:
    item = make_round(make_event(make_user()))
    item.proposals[3].title = "=HYPERLINK(\"http://evil.example\")"
    for index in range(3):
        budget_ballots.cast_ballot(item, budget_ballots.open_voter(str(index)), {"1": 1, "4": 1})
    budget_ballots.cast_ballot(item, budget_ballots.open_voter("x"), {"2": 1})
    url = f"/rounds/{item.public_id}/results.csv"
    assert client.get(url).status_code == 404  # not published: nothing leaks through the file either
    item.phase = RoundPhase.PUBLISHED
    db.session.commit()
    page = client.get(f"/rounds/{item.public_id}/results", headers=NL).get_data(as_text=True)
    assert f'href="{url}"' in page
    response = client.get(url, headers=NL)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = rows.index(next(row for row in rows if row and row[0] == "Code"))
    projects = {row[0]: row for row in rows[header + 1:header + 5]}
    assert projects["1"][1:6] == ["Project 1", "4000", "3", "3", "ja"]
    assert projects["4"][1] == "'=HYPERLINK(\"http://evil.example\")" and projects["4"][5] == "ja"
    assert projects["2"][5] == "nee" and projects["2"][9]  # a reason why it was not funded
    assert rows[3] == ["Uitgegeven (euro)", "5000"] and rows[4] == ["Stembiljetten", "4"]
    assert rows[-1] == ["Zonder ticket", "0", "4"]  # the four open voters had no ticket


def test_host_round_pages(client, app) -> None:
    host = make_user()
    event = make_event(host)
    log_in(client, host.email)
    assert "Budget" in client.get(f"/host/events/{event.public_id}").get_data(as_text=True)
    response = client.post(f"/host/events/{event.public_id}/budget/new",
                           data={"title": "Buurtbudget", "budget": "10.000", "ballot_kind": "knapsack",
                                 "min_projects": "1", "rule": "mes", "bijsluiter": "Voor groen en spelen"})
    assert response.status_code == 302
    item = budget.rounds_of(event)[0]
    assert item.budget_cents == 10000_00
    base = f"/host/events/{event.public_id}/budget/{item.public_id}"
    assert client.get(base).status_code == 200
    assert client.post(base + "/proposals/new", data=_proposal_form(contact_name="", contact_email="")
                       ).status_code == 302
    proposal = item.proposals[0]
    assert client.post(base + f"/proposals/{proposal.public_id}", data={"decision": "infeasible", "reason": ""},
                       follow_redirects=True).status_code == 200
    assert proposal.review == Review.PENDING  # a rejection needs a public reason
    client.post(base + f"/proposals/{proposal.public_id}", data={"decision": "feasible", "adjusted_cost": "1400"})
    assert (proposal.review, proposal.adjusted_cost_cents) == (Review.FEASIBLE, 1400_00)
    client.post(base + "/phase", data={"phase": "voting"})
    assert item.phase == RoundPhase.VOTING
    pdf = client.get(base + "/ballot.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(base + "/paper").status_code == 200
    other = make_user("other@buurt.test")
    client.post("/logout")
    log_in(client, other.email)
    assert client.get(base).status_code == 404


def test_paper_keying_through_the_web(client, app) -> None:
    host = make_user()
    item = make_round(make_event(host), ballot_kind=BallotKind.KNAPSACK)
    issued = issue(item.event, 1)[0]
    log_in(client, host.email)
    url = f"/host/events/{item.event.public_id}/budget/{item.public_id}/paper"
    client.post(url, data={"keyer": "Ans", "code": issued.code, "project": ["1"]})
    client.post(url, data={"keyer": "Bert", "code": issued.code, "project": ["2"]})
    assert "Bert" in client.get(url).get_data(as_text=True)  # the mismatch is listed
    client.post(url, data={"keyer": "Cor", "code": issued.code, "project": ["2"]})
    assert budget.ballot_count(item) == 1
    page = client.get(url).get_data(as_text=True)
    assert 'id="count-paper">1<' in page and 'id="count-mismatch">0<' in page
