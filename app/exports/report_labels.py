"""Words and number formats the report renderers share, in the report's language.

Callers render inside ``flask_babel.force_locale(report.language)``, so ``_`` and the formatters here
follow the event's language, not the reader's browser.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from flask_babel import format_decimal, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.report import BidderLine, Counted, CriterionLine, Report
from app.domain.scoring import Method, ScaleKind, Verdict

METHODS = {
    Method.MEAN: _l("weighted mean"),
    Method.MEDIAN: _l("weighted median"),
    Method.MAJORITY: _l("majority judgment"),
}
METHOD_EXPLANATIONS = {
    Method.MEAN: _l("Each bidder's score is the average of all marks, each voter group counted with its weight, "
                    "and the criteria combined with their weights."),
    Method.MEDIAN: _l("Per criterion the middle mark counts (the weighted median): half of the weighted cards gave "
                      "this mark or lower. The criteria are combined with their weights."),
    Method.MAJORITY: _l("All criteria are merged, each with its weight, into one distribution per bidder. The bidder "
                        "with the best middle grade (majority grade) ranks first; a tie is broken by looking "
                        "further away from the middle."),
}
SCALES = {ScaleKind.GRADE: _l("report grade"), ScaleKind.STARS: _l("stars"), ScaleKind.VERBAL: _l("words")}
VERDICTS = {
    Verdict.CLEAR_WINNER: _l("Clear winner"),
    Verdict.TOO_CLOSE: _l("Too close to call"),
}
CHANNELS = {"phone": _l("phone"), "paper": _l("paper"), "import": _l("import")}
REACTIONS = {"applause": _l("applause"), "heart": _l("heart"), "thinking": _l("thinking")}
ACTIONS = {
    "event_created": _l("Event created"),
    "tender_created": _l("Evening set up"),
    "tender_frozen": _l("Scale, criteria, weights and method frozen"),
    "doors_opened": _l("Doors open"),
    "bidders_shuffled": _l("Presentation order drawn by lot"),
    "bidder_presenting": _l("Presentation"),
    "scoring_opened": _l("Scoring opened"),
    "scoring_reopened": _l("Scoring opened again"),
    "scoring_closed": _l("Scoring closed"),
    "results_revealed": _l("Results shown in the hall"),
    "results_published": _l("Results and report published"),
    "tender_reset": _l("All cards discarded (reset)"),
    "comment_hidden": _l("Comment hidden"),
    "comment_shown": _l("Comment shown again"),
    "committee_decision": _l("Committee decision recorded"),
    "committee_member_added": _l("Committee member added"),
    "committee_member_removed": _l("Committee member removed"),
    "committee_link_renewed": _l("Committee link made"),
    "group_added": _l("Voter group added"),
    "group_weight_changed": _l("Group weight changed"),
    "status_changed": _l("Event status changed"),
    "tickets_issued": _l("Tickets issued"),
    "ticket_voided": _l("Ticket cancelled"),
}


def action_label(action: str) -> str:
    label = ACTIONS.get(action)
    return str(label) if label is not None else action.replace("_", " ")


def verdict_text(counted: Counted) -> str:
    """The verdict as one sentence for page 1."""
    if counted.ballots == 0:
        return str(_("No score cards were counted, so there is no advice."))
    names = {line.key: line.name for line in counted.bidders}
    if counted.verdict is Verdict.CLEAR_WINNER and counted.leader is not None:
        return str(_("Clear winner: %(name)s ranks first in %(percent)s of %(resamples)s recounts with random "
                 "variation.", name=names[counted.leader], percent=percent(counted.bidder(counted.leader).first_share),
                 resamples=counted.resamples))
    return str(_("Too close to call: the scores are too close together to name a winner."))


def decimal(value: Fraction | None, places: int = 2) -> str:
    """A number in the report's language (6,94 in Dutch), or a dash when there is none."""
    if value is None:
        return "–"
    return str(format_decimal(round(float(value), places), format="#,##0." + "0" * places))


def weight(value: Fraction) -> str:
    """A weight as entered: 2, 1.5, or the exact fraction if it has no short decimal form."""
    if value.denominator == 1:
        return str(value.numerator)
    rounded = round(float(value), 4)
    if Fraction(str(rounded)) == value:
        return str(format_decimal(rounded, format="#,##0.####"))
    return str(value)


def percent(value: Fraction) -> str:
    return str(format_decimal(float(value) * 100, format="0.#")) + "%"


def score(line: BidderLine, counted: Counted) -> str:
    """The bidder's score under the chosen method: a grade label for majority judgment, else points."""
    if counted.method is Method.MAJORITY:
        return line.majority_grade or "–"
    return decimal(line.score)


def when(value: datetime | None) -> str:
    """A stored (UTC) moment in the event's time zone."""
    if value is None:
        return "–"
    return str(to_user_timezone(value).strftime("%d-%m-%Y %H:%M:%S"))


def when_short(value: datetime | None) -> str:
    if value is None:
        return "–"
    return str(to_user_timezone(value).strftime("%H:%M"))


def date_of(report: Report) -> str:
    return report.starts_at.strftime("%d-%m-%Y") if report.starts_at else ""


def channel_counts(line: BidderLine) -> dict[str, int]:
    return dict(line.cards_by_channel)


def grouped(comments: tuple[str, ...]) -> list[tuple[str, int]]:
    """Identical comments once, with how often they were given (the comments are already sorted)."""
    result: list[tuple[str, int]] = []
    for comment in comments:
        if result and result[-1][0] == comment:
            result[-1] = (comment, result[-1][1] + 1)
        else:
            result.append((comment, 1))
    return result


NO_BREAK = "\u00a0"


def comments_in_a_row(comments: tuple[str, ...]) -> str:
    """The comments as one run of text, for print: each distinct comment once, "(3×)" after a repeated
    one, separated by " · ". No-break spaces keep a count and a separator with the comment before them;
    they are characters, not ``&nbsp;`` (WeasyPrint's HTML parser reads an entity much more slowly)."""
    return f"{NO_BREAK}· ".join(f"{comment}{NO_BREAK}({times}×)" if times > 1 else comment
                                for comment, times in grouped(comments))


def shares(criterion: CriterionLine) -> str:
    """The distribution as text, worst first, values nobody gave left out: "5: 3% · 6: 11% · 7: 30%".

    Printed beside the bar, so no number depends on colour alone; a dash when nobody judged.
    """
    parts = [f"{bar.label}: {percent_whole(bar.share)}" for bar in criterion.distribution if bar.weight]
    return " · ".join(parts) or "–"


def percent_whole(value: Fraction) -> str:
    """A share in whole percent ("31%"), "<1%" for a share that rounds to nothing: enough beside a bar."""
    if 0 < value < Fraction(1, 200):
        return "<1%"
    return f"{round(float(value) * 100)}%"
