"""JSON views of the API. Errors are JSON too: ``{"error": code, "message": text in the reader's language}``."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, current_app, jsonify, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from app.domain.budget import PabulibError, parse_pb, tally
from app.domain.budget.rules import RuleName
from app.exports import report_labels
from app.exports.report_json import moment, report_document
from app.extensions import csrf, db
from app.messages import MESSAGES, message_for
from app.models import BudgetRound, Event, EventStatus, RoundPhase, TenderPhase
from app.services import budget_results, report, tender
from app.services.errors import DomainError, NotFound
from app.web.api import bp
from app.web.api.openapi import openapi_document

RULES: dict[str, RuleName] = {"greedy": "greedy", "mes": "mes", "mes-greedy": "mes-greedy"}
DEFAULT_TALLY_MAX_BYTES = 2 * 1024 * 1024


def error_response(status: int, code: str, **params: object) -> tuple[Response, int]:
    """The API's error body; the message is translated (``Accept-Language``), the code is stable."""
    message = message_for(DomainError(code, **params)) if code in MESSAGES else code
    return jsonify({"error": code, "message": message}), status


@bp.errorhandler(DomainError)
def domain_error(error: DomainError) -> tuple[Response, int]:
    return jsonify({"error": error.code, "message": message_for(error)}), error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    code = {404: "api_not_found", 405: "api_method_not_allowed", 413: "api_too_large"}.get(status, "api_bad_request")
    return error_response(status, code, maximum=_tally_limit())


def _announced_event(public_id: str) -> Event:
    """An event the public may know about: not a draft (the same rule as the public page ``/e/…``)."""
    event: Event | None = (db.session.scalar(sa.select(Event).where(Event.public_id == public_id))
                           if len(public_id) <= 16 else None)
    if event is None:
        raise NotFound("api_not_found")
    item = tender.tender_for_event(event)
    if event.status is EventStatus.DRAFT and (item is None or item.phase is TenderPhase.DRAFT):
        raise NotFound("api_not_found")
    return event


@bp.get("/events/<public_id>")
def event(public_id: str) -> Response:
    """Public facts of an event: title, place, times, and which results are published."""
    found = _announced_event(public_id)
    item = tender.tender_for_event(found)
    rounds = db.session.scalars(sa.select(BudgetRound).where(BudgetRound.event_id == found.id)
                                .order_by(BudgetRound.id))
    return jsonify({
        "public_id": found.public_id, "title": found.title, "description": found.description,
        "location": found.location, "starts_at": moment(found.starts_at), "ends_at": moment(found.ends_at),
        "language": found.language, "status": found.status.value,
        "tender": None if item is None else {"title": item.title, "published": item.published_at is not None},
        "rounds": [{"public_id": r.public_id, "title": r.title, "phase": r.phase.value,
                    "published": r.phase is RoundPhase.PUBLISHED} for r in rounds],
    })


@bp.get("/events/<public_id>/results")
def event_results(public_id: str) -> Response | tuple[Response, int]:
    """The published advice report as JSON (docs/report-format.md)."""
    found = _announced_event(public_id)
    if tender.tender_for_event(found) is None:
        return error_response(404, "api_not_found")
    if not report.is_published(found):
        return error_response(404, "api_not_published")
    built = report.build_report(found)
    with force_locale(found.language):
        verdict = report_labels.verdict_text(built.counted)
    return jsonify(report_document(built, verdict))


@bp.get("/rounds/<round_id>/results")
def round_results(round_id: str) -> Response | tuple[Response, int]:
    """The published result of a budget round."""
    item = db.session.scalar(sa.select(BudgetRound).where(BudgetRound.public_id == round_id)) \
        if len(round_id) <= 16 else None
    if item is None:
        return error_response(404, "api_not_found")
    if item.phase is not RoundPhase.PUBLISHED:
        return error_response(404, "api_not_published")
    counted = budget_results.round_report(item)
    return jsonify({
        "public_id": item.public_id, "title": item.title, "rule": counted.rule.value,
        "budget_cents": counted.budget_cents, "spent_cents": counted.spent_cents, "ballots": counted.ballots,
        "winners": [row.code for row in counted.rows if row.funded],
        "projects": [{"code": row.code, "title": row.title, "cost_cents": row.cost_cents, "votes": row.votes,
                      "funded": row.funded} for row in counted.rows],
    })


def _tally_limit() -> int:
    return int(current_app.config.get("API_TALLY_MAX_BYTES", DEFAULT_TALLY_MAX_BYTES))


@bp.post("/tally")
@csrf.exempt
def tally_pb() -> Response | tuple[Response, int]:
    """Count a pabulib ``.pb`` file sent as the request body, like ``flask budget tally --json``.

    CSRF-exempt on purpose: the endpoint is stateless (it reads no session or cookie and writes nothing),
    so a forged cross-site request can do nothing a visitor could not do themselves.
    ``?rule=greedy|mes|mes-greedy`` (default ``mes``); the body is limited to ``API_TALLY_MAX_BYTES``.
    """
    rule = request.args.get("rule", "mes")
    if rule not in RULES:
        return error_response(400, "api_bad_request")
    limit = _tally_limit()
    if request.content_length is not None and request.content_length > limit:
        return error_response(413, "api_too_large", maximum=limit)
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        return error_response(413, "api_too_large", maximum=limit)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return error_response(400, "api_bad_file", problem="not UTF-8 text")
    try:
        election = parse_pb(text)
        result = tally(election, RULES[rule])
    except PabulibError as error:
        return error_response(400, "api_bad_file", problem=f"line {error.line}: {error.message}")
    return jsonify({"rule": result.rule, "winners": list(result.winners), "spent": result.spent})


@bp.get("/openapi.json")
def openapi() -> Response:
    """This API described as OpenAPI 3.1."""
    return jsonify(openapi_document())
