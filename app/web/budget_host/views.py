"""Host pages of budget rounds: set up, review proposals, move phases, paper ballots, files."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.domain.money import euros_text, parse_euros
from app.exports.budget_ballot import paper_ballot_pdf
from app.messages import message_for
from app.models import BallotKind, BudgetRound, BudgetRule, Event, Role, RoundPhase
from app.services import budget, budget_ballots, budget_files, events
from app.services.budget_ballots import BallotRefused
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.budget_host import bp
from app.web.budget_host.forms import ConfirmForm, KeyingForm, PhaseForm, ReviewForm, RoundForm
from app.web.rounds.display import problem_messages
from app.web.rounds.forms import ProposalForm
from app.web.rounds.views import posted_choice

HOSTS = (Role.HOST, Role.ADMIN)
KEYER = "budget_keyer"


def _event_round(public_id: str, round_id: str) -> tuple[Event, BudgetRound]:
    event = events.event_for(current_user, public_id)
    return event, budget.round_of(event, round_id)


def _flash_form_errors(form: RoundForm | ProposalForm | ReviewForm | KeyingForm) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


def _round_fields(form: RoundForm) -> budget.RoundFields:
    return budget.RoundFields(
        title=form.title.data or "", budget_cents=parse_euros(form.budget.data or "") or 0,
        bijsluiter=form.bijsluiter.data or "", themes=form.themes.data or "",
        ballot_kind=BallotKind(form.ballot_kind.data), min_projects=form.min_projects.data or 0,
        max_projects=form.max_projects.data, min_spend_percent=form.min_spend_percent.data,
        total_points=form.total_points.data, max_points_per_project=form.max_points_per_project.data,
        rule=BudgetRule(form.rule.data))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*HOSTS)
def new_round(public_id: str) -> BaseResponse | str:
    event = events.event_for(current_user, public_id)
    form = RoundForm()
    if form.validate_on_submit():
        try:
            item = budget.create_round(event, current_user, _round_fields(form))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Budget round created."), "info")
            return redirect(url_for("budget_host.show", public_id=event.public_id, round_id=item.public_id))
    return render_template("budget_host/round_form.html", event=event, round=None, form=form)


@bp.get("/<round_id>")
@roles_required(*HOSTS)
def show(public_id: str, round_id: str) -> str:
    """The round's console: phase, proposals to review, ballots, and links to everything else."""
    event, item = _event_round(public_id, round_id)
    return render_template("budget_host/round.html", event=event, round=item,
                           phase_form=PhaseForm(phase=item.phase.value), ballots=budget.ballot_count(item))


@bp.route("/<round_id>/edit", methods=["GET", "POST"])
@roles_required(*HOSTS)
def edit_round(public_id: str, round_id: str) -> BaseResponse | str:
    event, item = _event_round(public_id, round_id)
    form = RoundForm(obj=item)
    if request.method == "GET":
        form.budget.data = euros_text(item.budget_cents)
        form.ballot_kind.data = item.ballot_kind.value
        form.rule.data = item.rule.value
    if form.validate_on_submit():
        try:
            budget.update_round(item, current_user, _round_fields(form))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Changes saved."), "info")
            return redirect(url_for("budget_host.show", public_id=event.public_id, round_id=item.public_id))
    return render_template("budget_host/round_form.html", event=event, round=item, form=form)


@bp.post("/<round_id>/phase")
@roles_required(*HOSTS)
def set_phase(public_id: str, round_id: str) -> BaseResponse:
    event, item = _event_round(public_id, round_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            budget.set_phase(item, current_user, RoundPhase(form.phase.data))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("The phase is now: %(phase)s.", phase=dict(form.phase.choices)[form.phase.data]), "info")
    return redirect(url_for("budget_host.show", public_id=event.public_id, round_id=item.public_id))


def _proposal_fields(form: ProposalForm, item: BudgetRound, submitted_as: str) -> budget.ProposalFields:
    return budget.ProposalFields(
        title=form.title.data or "", description=form.description.data or "",
        cost_cents=parse_euros(form.cost.data or "") or 0,
        theme=(form.theme.data or "") if item.theme_list else "", submitted_as=submitted_as,
        organisation=form.organisation.data or "", contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "")


@bp.route("/<round_id>/proposals/new", methods=["GET", "POST"])
@roles_required(*HOSTS)
def new_proposal(public_id: str, round_id: str) -> BaseResponse | str:
    """A host adds a proposal (e.g. one handed in on paper); contact details are optional here."""
    event, item = _event_round(public_id, round_id)
    form = ProposalForm()
    form.theme.choices = [("", _("No theme"))] + [(theme, theme) for theme in item.theme_list]
    for name in ("contact_name", "contact_email"):
        form[name].validators = [v for v in form[name].validators if type(v).__name__ == "Length"]
    del form.submitted_as
    if form.validate_on_submit():
        submitted_as = "organisation" if (form.organisation.data or "").strip() else "host"
        try:
            budget.add_host_proposal(item, current_user, _proposal_fields(form, item, submitted_as))
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Proposal added. Review it to put it on the ballot."), "info")
            return redirect(url_for("budget_host.show", public_id=event.public_id, round_id=item.public_id))
    return render_template("budget_host/proposal_form.html", event=event, round=item, form=form)


@bp.route("/<round_id>/proposals/<proposal_id>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def review(public_id: str, round_id: str, proposal_id: str) -> BaseResponse | str:
    """A proposal with its private contact details, and the feasibility review."""
    event, item = _event_round(public_id, round_id)
    proposal = budget.proposal_of(item, proposal_id)
    form = ReviewForm()
    if request.method == "GET":
        if proposal.review.value != "pending":
            form.decision.data = proposal.review.value
        form.reason.data = proposal.review_reason
        if proposal.adjusted_cost_cents is not None:
            form.adjusted_cost.data = euros_text(proposal.adjusted_cost_cents)
    if form.validate_on_submit():
        adjusted = parse_euros(form.adjusted_cost.data) if form.adjusted_cost.data else None
        try:
            budget.review_proposal(proposal, current_user, form.decision.data == "feasible", form.reason.data or "",
                                   adjusted)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("Review saved."), "info")
            return redirect(url_for("budget_host.show", public_id=event.public_id, round_id=item.public_id))
    return render_template("budget_host/review.html", event=event, round=item, proposal=proposal, form=form)


@bp.get("/<round_id>/ballot.pdf")
@roles_required(*HOSTS)
def paper_ballot(public_id: str, round_id: str) -> Response:
    """The printable A4 paper ballot of the round."""
    event, item = _event_round(public_id, round_id)
    return Response(paper_ballot_pdf(item), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=ballot-{item.public_id}.pdf"})


@bp.get("/<round_id>/export.pb")
@roles_required(*HOSTS)
def export_pb(public_id: str, round_id: str) -> Response:
    """The round as a pabulib file: feasible projects and anonymous ballots, never contact details."""
    event, item = _event_round(public_id, round_id)
    return Response(budget_files.export_pb(item), mimetype="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=round-{item.public_id}.pb"})


@bp.route("/<round_id>/paper", methods=["GET", "POST"])
@roles_required(*HOSTS)
def paper(public_id: str, round_id: str) -> BaseResponse | str | tuple[str, int]:
    """Key paper ballots one by one; each needs two volunteers who key it the same way."""
    event, item = _event_round(public_id, round_id)
    form = KeyingForm(keyer=session.get(KEYER, ""))
    errors: list[str] = []
    choice: dict[str, int] = {}
    if form.validate_on_submit():
        session[KEYER] = (form.keyer.data or "").strip()
        choice, errors = posted_choice(item)
        if not errors:
            try:
                result = budget_ballots.key_paper_ballot(item, form.keyer.data or "", form.code.data or "", choice)
            except BallotRefused as refused:
                errors = problem_messages(refused.problems, {p.code: p.title for p in item.proposals})
            except DomainError as error:
                errors = [message_for(error)]
            else:
                messages = {
                    "waiting": _("Saved. Ticket %(number)s now needs a second volunteer to key it.",
                                 number=result.ticket_number),
                    "agreed": _("Both keyings agree: the paper ballot of ticket %(number)s now counts.",
                                number=result.ticket_number),
                    "mismatch": _("This keying differs from another keying of ticket %(number)s. "
                                  "It is listed below until it is resolved.", number=result.ticket_number),
                }
                flash(messages[result.status], "error" if result.status == "mismatch" else "info")
                return redirect(url_for("budget_host.paper", public_id=event.public_id, round_id=item.public_id))
    elif request.method == "POST":
        _flash_form_errors(form)
    page = render_template("budget_host/paper.html", event=event, round=item, form=form, errors=errors,
                           choice=choice, proposals=budget.ballot_proposals(item),
                           report=budget_ballots.reconciliation(item), discard_form=ConfirmForm(),
                           titles={p.code: p.title for p in item.proposals})
    return (page, 400) if errors else page


@bp.post("/<round_id>/paper/keyings/<int:keying_id>/discard")
@roles_required(*HOSTS)
def discard_keying(public_id: str, round_id: str, keying_id: int) -> BaseResponse:
    event, item = _event_round(public_id, round_id)
    if ConfirmForm().validate_on_submit():
        try:
            budget_ballots.discard_keying(item, keying_id, current_user.email)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("The keying is removed. Key the ballot again."), "info")
    return redirect(url_for("budget_host.paper", public_id=event.public_id, round_id=item.public_id))
