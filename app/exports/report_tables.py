"""The advice report as titled tables: the shared body of the CSV and XLSX renderers.

Cells are ``str``, ``int``, ``float`` or ``None``. Text cells pass through :func:`neutralise` in the
renderers: a cell starting with ``= + - @``, a tab or a carriage return gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it as a formula. Numbers stay numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from flask_babel import gettext as _

from app.domain.report import Report
from app.exports import report_labels as labels

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula, made harmless with a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _num(value: Fraction | None, places: int = 4) -> float | int | None:
    if value is None:
        return None
    return int(value) if value.denominator == 1 else round(float(value), places)


def report_tables(report: Report) -> list[Table]:
    """Every part of the report as a table, in reading order (call inside ``force_locale``)."""
    counted = report.counted
    scale_values = [bar.label for bar in counted.bidders[0].criteria[0].distribution] if counted.bidders else []
    total_weight = sum((criterion.weight for criterion in counted.criteria), Fraction(0))
    tables = [
        Table("summary", _("Summary"), (_("Item"), _("Value")), (
            (_("Event"), report.event_title),
            (_("Evening"), report.tender_title),
            (_("Date"), labels.date_of(report)),
            (_("Location"), report.location),
            (_("Status"), _("published") if report.published else _("preview, not published")),
            (_("Method"), str(labels.METHODS[counted.method])),
            (_("Verdict"), labels.verdict_text(counted)),
            (_("Ranking"), " > ".join(line.name for line in counted.ranked)),
            (_("Ballots counted"), counted.ballots),
            (_("Cards counted"), counted.cards),
            (_("Tickets issued"), report.tickets_issued),
            (_("Tickets used"), report.tickets_used),
            (_("Comments hidden by the host"), report.comments_hidden),
            (_("Recounts with random variation"), counted.resamples),
            (_("Seed of the recounts"), str(counted.seed)),
            (_("SHA-256 of the ballot export (ballots.csv)"), counted.ballots_sha256),
            (_("SHA-256 of the manifest (manifest.json)"), report.manifest_sha256),
            (_("Generated at"), labels.when(report.generated_at)),
        )),
        Table("ranking", _("Ranking"), (
            _("Rank"), _("Bidder"), _("Score"), _("Weighted mean"), _("Weighted median"), _("Majority grade"),
            _("Chance of ranking first (%)"), _("Rank interval (90%) from"), _("to"), _("Cards"),
            _("Phone"), _("Paper"), _("Import")), tuple(
            (line.rank, line.name,
             line.majority_grade if counted.method.value == "majority_judgment" else _num(line.score, 2),
             _num(line.mean_score, 2), _num(line.median_score, 2), line.majority_grade,
             round(float(line.first_share) * 100, 1), line.rank_low, line.rank_high, line.cards,
             dict(line.cards_by_channel).get("phone", 0), dict(line.cards_by_channel).get("paper", 0),
             dict(line.cards_by_channel).get("import", 0))
            for line in counted.ranked)),
        Table("criteria", _("Criteria and weights"), (_("Criterion"), _("Weight"), _("Share of the weight (%)")), tuple(
            (criterion.name, _num(criterion.weight), round(float(criterion.weight / total_weight) * 100, 1))
            for criterion in counted.criteria)),
        Table("groups", _("Voter groups"), (_("Group"), _("Weight"), _("Voters"), _("Cards")), tuple(
            (group.name, _num(group.weight), "< 10" if group.small else group.voters,
             "< 10" if group.small else group.cards)
            for group in counted.groups)),
        Table("scores", _("Scores per criterion"), (
            _("Bidder"), _("Criterion"), _("Judged"), _("Can't judge"), _("Mean"), _("Median"),
            *(_("Weight for %(value)s", value=value) for value in scale_values)), tuple(
            (line.name, criterion.name, criterion.judged, criterion.cant_judge, _num(criterion.mean, 2),
             criterion.median, *(_num(bar.weight) for bar in criterion.distribution))
            for line in counted.bidders for criterion in line.criteria)),
    ]
    kinds = sorted({reaction.kind for reaction in report.reactions})
    if kinds:
        tables.append(Table("reactions", _("Audience reactions (not part of any score)"),
                            (_("Bidder"), *(str(labels.REACTIONS.get(kind, kind)) for kind in kinds)), tuple(
            (line.name, *(next((r.count for r in report.reactions_of(line.key) if r.kind == kind), 0)
                          for kind in kinds))
            for line in counted.bidders)))
    tables.append(Table("comments", _("Comments"), (_("Bidder"), _("Comment")), tuple(
        [(line.name, comment) for line in counted.bidders for comment in line.comments]
        + [(line.name, _("%(count)s comment(s) hidden by the host", count=report.facts(line.key).comments_hidden))
           for line in counted.bidders if report.facts(line.key).comments_hidden])))
    tables.append(Table("log", _("Process log"), (_("Time"), _("What"), _("Details")), tuple(
        (labels.when(entry.at), labels.action_label(entry.action), entry.detail) for entry in report.process_log)))
    if report.decision is not None:
        tables.append(Table("decision", _("What was done with the advice"), (_("Chosen bidder"), _("Reasons"),
                                                                              _("Recorded at")), (
            (report.decision.bidder_name or _("none of the bidders"), report.decision.reasons,
             labels.when(report.decision.decided_at)),)))
    return tables
