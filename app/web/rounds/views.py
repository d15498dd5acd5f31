"""Public and attendee pages of a budget round: the round itself, proposing, the ballot and the results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.domain.money import parse_euros
from app.messages import message_for
from app.models import BallotKind, BudgetRound, Role, RoundPhase
from app.services import budget, budget_ballots, budget_results, tickets
from app.services.budget_ballots import BallotRefused, Voter
from app.services.errors import DomainError, NotFound
from app.web.access import session_ticket
from app.web.rounds import bp
from app.web.rounds.display import problem_messages
from app.web.rounds.forms import BallotForm, ProposalForm
from app.web.rounds.results_csv import round_csv

OPEN_VOTER = "budget_open_voter"


def _may_manage(item: BudgetRound) -> bool:
    if not current_user.is_authenticated or current_user.role not in (Role.HOST, Role.ADMIN):
        return False
    return bool(current_user.role == Role.ADMIN or item.event.owner_id == current_user.id)


@bp.get("")
def show(round_id: str) -> str:
    """The round: what the money is for, the proposals and what one can do now."""
    item = budget.round_by_public_id(round_id)
    return render_template("rounds/round.html", round=item, event=item.event,
                           proposals=[p for p in item.proposals if item.phase != RoundPhase.PROPOSALS
                                      or p.review.value != "infeasible"])


@bp.route("/propose", methods=["GET", "POST"])
def propose(round_id: str) -> Response | str | tuple[str, int]:
    """Submit a proposal without an account; contact details go to the host only."""
    item = budget.round_by_public_id(round_id)
    if item.phase != RoundPhase.PROPOSALS:
        return render_template("rounds/closed.html", round=item, message=_("This round no longer takes new "
                                                                            "proposals.")), 410
    form = ProposalForm()
    form.theme.choices = [("", _("No theme"))] + [(theme, theme) for theme in item.theme_list]
    if not item.theme_list:
        del form.theme
    if form.validate_on_submit():
        fields = budget.ProposalFields(
            title=form.title.data or "", description=form.description.data or "",
            cost_cents=parse_euros(form.cost.data or "") or 0,
            theme=(form.theme.data or "") if item.theme_list else "", submitted_as=form.submitted_as.data or "",
            organisation=form.organisation.data or "", contact_name=form.contact_name.data or "",
            contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "")
        try:
            budget.submit_proposal(item, fields)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Thank you! Your proposal has been sent. The host checks whether it is feasible."), "info")
            return redirect(url_for("rounds.show", round_id=item.public_id))
    status = 400 if form.errors else 200
    return render_template("rounds/propose.html", round=item, form=form), status


def _voter(item: BudgetRound, create: bool) -> Voter | None:
    """The person on this phone: their ticket for this event, else the open link when the event allows it."""
    ticket = session_ticket()
    if ticket is not None and ticket.event_id == item.event_id:
        return budget_ballots.ticket_voter(tickets.usable(ticket))
    if item.event.allow_open_join:
        token = session.get(OPEN_VOTER)
        if not isinstance(token, str) and create:
            token = budget_ballots.new_open_token()
            session[OPEN_VOTER] = token
            session.permanent = True
        return budget_ballots.open_voter(token) if isinstance(token, str) else None
    return None


def posted_choice(item: BudgetRound) -> tuple[dict[str, int], list[str]]:
    """The choice in a posted ballot form, and problems with fields that are not whole numbers."""
    codes = [proposal.code for proposal in budget.ballot_proposals(item)]
    if item.ballot_kind != BallotKind.POINTS:
        chosen = set(request.form.getlist("project"))
        return {code: 1 for code in codes if code in chosen}, []
    choice: dict[str, int] = {}
    problems: list[str] = []
    for proposal in budget.ballot_proposals(item):
        raw = (request.form.get(f"points-{proposal.code}") or "").strip()
        if not raw:
            continue
        if not raw.isdigit():
            problems.append(_("Give whole points (0, 1, 2, …) for %(project)s.", project=proposal.title))
            continue
        if int(raw) > 0:
            choice[proposal.code] = int(raw)
    return choice, problems


@bp.route("/ballot", methods=["GET", "POST"])
def ballot(round_id: str) -> Response | str | tuple[str, int]:
    """The ballot: works without JavaScript; ``static/js/budget.js`` adds a live budget bar."""
    item = budget.round_by_public_id(round_id)
    voter = _voter(item, create=True)
    if voter is None:
        flash(_("Open your ticket first: scan its QR code or type its code."), "info")
        return redirect(url_for("attend.code"))
    if item.phase != RoundPhase.VOTING:
        return render_template("rounds/closed.html", round=item,
                               message=_("Voting in this round is closed.")), 410
    form = BallotForm()
    stored = budget_ballots.ballot_of(item, voter)
    choice = budget_ballots.choice_of(stored)
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choice, errors = posted_choice(item)
        if not errors:
            try:
                budget_ballots.cast_ballot(item, voter, choice)
            except BallotRefused as refused:
                titles = {p.code: p.title for p in item.proposals}
                errors = problem_messages(refused.problems, titles)
            except DomainError as error:
                errors = [message_for(error)]
            else:
                flash(_("Your vote is saved. You can change it until voting closes."), "info")
                return redirect(url_for("rounds.ballot", round_id=item.public_id))
    spent = sum(p.ballot_cost_cents for p in budget.ballot_proposals(item) if choice.get(p.code))
    points = sum(choice.values()) if item.ballot_kind == BallotKind.POINTS else 0
    page = render_template("rounds/ballot.html", round=item, form=form, choice=choice, errors=errors,
                           saved=stored is not None, spent=spent, points=points,
                           proposals=budget.ballot_proposals(item))
    return (page, 400) if errors else page


def _results_round(round_id: str) -> tuple[BudgetRound, bool]:
    """The round and whether its results are still a preview; 404 for those who may not see them yet."""
    item = budget.round_by_public_id(round_id)
    preview = item.phase != RoundPhase.PUBLISHED
    if preview and not _may_manage(item):
        raise NotFound("budget_results_not_published")
    return item, preview


@bp.get("/results")
def results(round_id: str) -> str:
    """Results: public once published, a preview for the round's hosts before. ``?projector=1``: large type."""
    item, preview = _results_round(round_id)
    report = budget_results.round_report(item)
    return render_template("rounds/results.html", round=item, event=item.event, report=report, preview=preview,
                           projector=request.args.get("projector") == "1")


@bp.get("/results.csv")
def results_csv(round_id: str) -> Response:
    """The same results as a spreadsheet file, under the same rule as the page."""
    item, _preview = _results_round(round_id)
    body = round_csv(item.title, budget_results.round_report(item))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="budget-{item.public_id}-results.csv"'})
