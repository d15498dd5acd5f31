"""Advice report pages: host preview and publication, committee reading and downloads, the committee
link, the committee's decision and the event's public page. Access rules live in
``app.services.committee``; these views only pick the rule for their audience."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from app.domain.report import Report
from app.exports import report_labels as labels
from app.exports.ballots_zip import ballots_zip
from app.exports.report_files import FORMATS, render_report
from app.exports.report_pdf import template_context
from app.messages import message_for
from app.models import Event, Role
from app.netaddr import public_base_url
from app.services import committee, events, report
from app.services.errors import DomainError
from app.web.access import roles_required
from app.web.reports import bp
from app.web.reports.forms import DecisionForm, LinkForm, MemberForm, PublishForm, RemoveMemberForm

HOSTS = (Role.HOST, Role.ADMIN)
NO_DECISION = "none"


def _download(item: Report, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    rendered = render_report(item, fmt)
    return Response(rendered.content, mimetype=rendered.media_type,
                    headers={"Content-Disposition": f"attachment; filename={rendered.filename}",
                             "Cache-Control": "private, no-store"})


def _ballots(event: Event) -> Response:
    content = ballots_zip(report.snapshot(report.tender_of(event)).export)
    return Response(content, mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename=ballots-{event.public_id}.zip",
                             "Cache-Control": "private, no-store"})


def _report_body(item: Report) -> dict[str, object]:
    """On screen the report speaks the reader's language; downloads use the event's language."""
    body = Markup(render_template("reports/_body.html", **template_context(item)))  # noqa: S704 - autoescaped
    return {"report": item, "body": body}


def _decision_form(event: Event) -> DecisionForm:
    form = DecisionForm()
    tender = report.tender_of(event)
    form.bidder.choices = [(b.public_id, b.name) for b in tender.bidders] + [(NO_DECISION, _("None of the bidders"))]
    return form


# ---------------------------------------------------------------- host


@bp.get("/host/events/<public_id>/report")
@roles_required(*HOSTS)
def host_report(public_id: str) -> str:
    """The host's preview of the report, with publication and committee access."""
    event = events.event_for(current_user, public_id)
    item = report.build_report(event)
    downloads = {fmt: url_for("reports.host_download", public_id=public_id, fmt=fmt) for fmt in FORMATS}
    return render_template(
        "reports/host.html", event=event, downloads=downloads,
        ballots_url=url_for("reports.host_ballots", public_id=public_id),
        members=committee.committee_members(event), has_link=committee.has_link(event),
        publish_form=PublishForm(), member_form=MemberForm(), remove_form=RemoveMemberForm(), link_form=LinkForm(),
        decision_form=_decision_form(event), **_report_body(item))


@bp.get("/host/events/<public_id>/report/download.<fmt>")
@roles_required(*HOSTS)
def host_download(public_id: str, fmt: str) -> Response:
    """Hosts may download their own event's report before publishing (marked as a preview)."""
    event = events.event_for(current_user, public_id)
    return _download(report.build_report(event), fmt)


@bp.get("/host/events/<public_id>/report/ballots.zip")
@roles_required(*HOSTS)
def host_ballots(public_id: str) -> Response:
    return _ballots(events.event_for(current_user, public_id))


@bp.post("/host/events/<public_id>/report/publish")
@roles_required(*HOSTS)
def publish(public_id: str) -> BaseResponse:
    event = events.event_for(current_user, public_id)
    if PublishForm().validate_on_submit():
        try:
            report.publish_report(event, current_user.email)
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("The results and the report are published. The committee can read them now."), "info")
    return redirect(url_for("reports.host_report", public_id=public_id))


@bp.post("/host/events/<public_id>/committee")
@roles_required(*HOSTS)
def assign(public_id: str) -> BaseResponse:
    event = events.event_for(current_user, public_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = committee.assign_member(event, current_user, form.email.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("%(email)s can read this event's report once it is published.", email=member.email), "info")
    return redirect(url_for("reports.host_report", public_id=public_id) + "#committee")


@bp.post("/host/events/<public_id>/committee/remove")
@roles_required(*HOSTS)
def unassign(public_id: str) -> BaseResponse:
    event = events.event_for(current_user, public_id)
    form = RemoveMemberForm()
    if form.validate_on_submit():
        member = next((m for m in committee.committee_members(event) if m.email == form.email.data), None)
        if member is not None:
            committee.unassign_member(event, current_user, member.id)
            flash(_("Access removed for %(email)s.", email=member.email), "info")
    return redirect(url_for("reports.host_report", public_id=public_id) + "#committee")


@bp.post("/host/events/<public_id>/committee-link")
@roles_required(*HOSTS)
def renew_link(public_id: str) -> BaseResponse | str:
    """Make a new secret link (the old one stops working) and show it this once."""
    event = events.event_for(current_user, public_id)
    if not LinkForm().validate_on_submit():
        return redirect(url_for("reports.host_report", public_id=public_id))
    token = committee.renew_link(event, current_user.email)
    return render_template("reports/link_made.html", event=event,
                           link=public_base_url() + url_for("reports.link_report", token=token))


# ---------------------------------------------------------------- committee accounts


@bp.get("/reports/")
@login_required
def index() -> str:
    """A committee member's events; hosts find reports through their own events."""
    if current_user.role != Role.COMMITTEE:
        return render_template("reports/index.html", items=[], host=True)
    items = [(event, report.is_published(event)) for event in committee.events_of_committee_member(current_user)]
    return render_template("reports/index.html", items=items, host=False)


@bp.get("/reports/<public_id>")
@login_required
def committee_report(public_id: str) -> str:
    event = committee.report_event_for(current_user, public_id)
    item = report.build_report(event)
    downloads = {fmt: url_for("reports.download", public_id=public_id, fmt=fmt) for fmt in FORMATS}
    may_decide = item.published and (current_user.role == Role.COMMITTEE or committee.manages(current_user, event))
    return render_template("reports/committee.html", event=event, downloads=downloads,
                           ballots_url=url_for("reports.ballots", public_id=public_id),
                           decision_form=_decision_form(event) if may_decide else None, **_report_body(item))


@bp.get("/reports/<public_id>/download.<fmt>")
@login_required
def download(public_id: str, fmt: str) -> Response:
    event = committee.report_event_for(current_user, public_id)
    return _download(report.build_report(event), fmt)


@bp.get("/reports/<public_id>/ballots.zip")
@login_required
def ballots(public_id: str) -> Response:
    return _ballots(committee.report_event_for(current_user, public_id))


@bp.post("/reports/<public_id>/decision")
@login_required
def decide(public_id: str) -> BaseResponse:
    """The committee (or the host on its behalf) records what was done with the advice."""
    event = committee.report_event_for(current_user, public_id)
    form = _decision_form(event)
    if form.validate_on_submit():
        choice = form.bidder.data
        try:
            committee.record_decision(event, current_user.email, None if choice == NO_DECISION else choice,
                                      form.reasons.data or "")
        except DomainError as error:
            flash(message_for(error), "error")
        else:
            flash(_("The decision is saved and shown on the event's public page."), "info")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    if committee.manages(current_user, event):
        return redirect(url_for("reports.host_report", public_id=public_id) + "#decision")
    return redirect(url_for("reports.committee_report", public_id=public_id) + "#decision")


# ---------------------------------------------------------------- committee link


@bp.get("/r/<token>")
def link_report(token: str) -> str:
    event = committee.event_for_link(token)
    item = report.build_report(event)
    downloads = {fmt: url_for("reports.link_download", token=token, fmt=fmt) for fmt in FORMATS}
    return render_template("reports/committee.html", event=event, downloads=downloads,
                           ballots_url=url_for("reports.link_ballots", token=token), decision_form=None,
                           **_report_body(item))


@bp.get("/r/<token>/download.<fmt>")
def link_download(token: str, fmt: str) -> Response:
    return _download(report.build_report(committee.event_for_link(token)), fmt)


@bp.get("/r/<token>/ballots.zip")
def link_ballots(token: str) -> Response:
    return _ballots(committee.event_for_link(token))


# ---------------------------------------------------------------- public page


@bp.get("/e/<public_id>")
def public_event(public_id: str) -> str:
    """Title and bijsluiter; once published the advice in short and what was done with it."""
    event = events.event_by_public_id(public_id)
    page = report.public_page(event)
    verdict = labels.verdict_text(page.report.counted) if page.report else ""
    return render_template("reports/public.html", event=event, page=page, labels=labels, verdict=verdict)
