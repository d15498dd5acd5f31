"""A knapsack budget round in real Chromium: 20 phones vote, one over-budget ballot is refused, one phone has
JavaScript off, a paper ballot is keyed twice and counted once, and the published results show both rules."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import BallotKind, Review, RoundPhase
from app.services import budget, events, tickets
from tests.browser.conftest import PHONE, axe_violations
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser

PROJECTS = (("Speeltuin", 6000_00), ("Bankjes", 4000_00), ("Moestuin", 3000_00), ("Buurtfeest", 2000_00),
            ("Boekenkast", 1000_00))
MAJORITY = ("1", "2")  # € 10.000: the whole budget
MINORITY = ("3", "4", "5")


def _set_up(app):
    """A host, an event and a knapsack round in voting with five feasible projects; 22 tickets."""
    with app.app_context():
        host = make_user()
        event = events.create_event(host, events.EventFields(title="Buurtavond Kruiskamp", language="en"))
        item = budget.add_round(event, budget.RoundFields(
            title="Buurtbudget 2027", budget_cents=10000_00, ballot_kind=BallotKind.KNAPSACK,
            bijsluiter="This money is for the square. Projects must be finished within one year."), "test")
        for title, cost in PROJECTS:
            proposal = budget.new_proposal(item, budget.ProposalFields(
                title=title, description=f"{title} on the square", cost_cents=cost, submitted_as="resident",
                contact_name="Private Person", contact_email="private@example.org"))
            proposal.review = Review.FEASIBLE
        item.phase = RoundPhase.VOTING
        db.session.commit()
        issued = tickets.issue_tickets(event, event.groups[0], 22, "test")
        ids = (event.public_id, item.public_id, host.email)
        db.session.remove()
    return ids, issued


def _choose(page, codes) -> None:
    for code in codes:
        page.check(f"#project-{code}")


def test_twenty_phones_vote_paper_ballot_counts_once_and_results_show_both_rules(browser, live_server) -> None:
    (event_id, round_id, host_email), issued = _set_up(live_server.app)
    url = live_server.url
    ballot_url = f"{url}/rounds/{round_id}/ballot"

    # Phone 1: the whole path, the live budget bar, an over-budget ballot refused, axe at 360×740.
    context = browser.new_context(**PHONE, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.goto(f"{url}/t/{issued[0].token}")
    page.get_by_role("link", name="Vote in this budget round").click()
    assert page.url == ballot_url
    assert "This money is for the square" in page.inner_text("details.bijsluiter")
    assert axe_violations(page) == []
    page.reload()
    _choose(page, ("1", "2", "3"))
    status = page.locator("#budget-status")
    assert "over the budget" in status.inner_text()  # the bar updates before anything is sent
    page.click("form.ballot button[type=submit]")
    alert = page.get_by_role("alert")
    assert re.search(r"cost €\s?13,000 together\. That is more than the budget of €\s?10,000", alert.inner_text())
    assert page.is_checked("#project-3")  # the choice is kept so it can be fixed
    page.uncheck("#project-3")
    assert "left" in status.inner_text()
    page.click("form.ballot button[type=submit]")
    assert "Your vote is saved" in page.inner_text("main")
    context.close()

    # Phones 2–20, each its own browser; phone 20 has JavaScript switched off.
    for index in range(1, 20):
        no_js = index == 19
        context = browser.new_context(**PHONE, locale="en-GB", java_script_enabled=not no_js)
        page = context.new_page()
        page.goto(f"{url}/t/{issued[index].token}")
        page.goto(ballot_url)
        _choose(page, MAJORITY if index < 13 else MINORITY)
        page.click("form.ballot button[type=submit]")
        assert "Your vote is saved" in page.inner_text("main"), index
        context.close()

    # A paper ballot, keyed by two volunteers on the host's laptop; it counts once.
    host = browser.new_context(locale="en-GB")
    page = host.new_page()
    page.goto(f"{url}/login")
    page.fill("#email", host_email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    paper_url = f"{url}/host/events/{event_id}/budget/{round_id}/paper"
    for keyer in ("Ans", "Bert"):
        page.goto(paper_url)
        page.fill("#keyer", keyer)
        page.fill("#code", issued[20].code)
        _choose(page, ("3", "5"))
        page.click("form.ballot button[type=submit]")
    assert "Both keyings agree" in page.inner_text(".flashes")
    assert page.inner_text("#count-paper") == "1"
    assert page.inner_text("#count-phone") == "20"
    page.goto(paper_url)  # a third keying of the same paper ballot is refused: it already counts
    page.fill("#keyer", "Cor")
    page.fill("#code", issued[20].code)
    _choose(page, ("3", "5"))
    page.click("form.ballot button[type=submit]")
    assert "already counts" in page.get_by_role("alert").inner_text()
    assert page.inner_text("#count-paper") == "1"

    # Publish, then anyone sees greedy beside Equal Shares with the reasons.
    page.goto(f"{url}/host/events/{event_id}/budget/{round_id}")
    page.select_option("#phase", "published")
    page.click("form[action$='/phase'] button[type=submit]")
    host.close()
    public = browser.new_context(locale="en-GB")
    page = public.new_page()
    page.goto(f"{url}/rounds/{round_id}/results")
    text = page.inner_text("main")
    assert "21 ballots" in text and "Method of Equal Shares" in text
    table = page.locator("table.compare")
    headers = table.locator("thead th").all_inner_texts()
    assert "Most votes first (greedy)" in headers and "Method of Equal Shares" in headers
    assert "Voters with none of their projects funded" in table.inner_text()
    assert re.search(r"could not pay for it|not enough money left|Nobody voted", table.inner_text())
    assert "private@example.org" not in page.content()
    page.goto(f"{url}/rounds/{round_id}/results?projector=1")
    assert page.locator("body.projector").count() == 1
    public.close()
