"""The advice report as JSON, in the format documented in ``docs/report-format.md`` and
``docs/report-format.schema.json``.

:func:`numbers_document` holds everything that follows from the anonymous ballot export; the recount
(``flask --app app recount``) prints exactly that, and every key of it appears with the same value at the
same place in :func:`report_document`. Every number is given twice: rounded to four decimals for reading,
and exact as a fraction string ("125/18") under the same name with ``_exact``.

No Flask here: the recount runs without an application.
"""

from __future__ import annotations

import json
from datetime import datetime
from fractions import Fraction
from typing import Any

from app.domain.report import SMALL_GROUP, BidderLine, Counted, Report

FORMAT = "buurtstem-advice-report"
VERSION = 1


def number(value: Fraction | None) -> float | int | None:
    """A number for reading: whole numbers stay ints, others round to four decimals."""
    if value is None:
        return None
    if value.denominator == 1:
        return int(value)
    return round(float(value), 4)


def exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def moment(value: datetime | None) -> str | None:
    """UTC time as ISO 8601 with a ``Z`` (times are stored as naive UTC)."""
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def _pair(name: str, value: Fraction | None) -> dict[str, Any]:
    return {name: number(value), name + "_exact": exact(value)}


def shown_count(count: int, voters: int) -> int | str:
    """A group's count, or "< 10" when the group has fewer than ten voters."""
    return f"< {SMALL_GROUP}" if voters < SMALL_GROUP else count


def _bidder_numbers(line: BidderLine) -> dict[str, Any]:
    return {
        "key": line.key,
        "name": line.name,
        "position": line.position,
        "rank": line.rank,
        **_pair("score", line.score),
        **_pair("mean_score", line.mean_score),
        **_pair("median_score", line.median_score),
        "majority_grade": line.majority_grade,
        **_pair("first_chance", line.first_share),
        "rank_interval": [line.rank_low, line.rank_high],
        "cards": line.cards,
        "cards_by_channel": dict(line.cards_by_channel),
        "criteria": [
            {
                "key": criterion.key,
                "name": criterion.name,
                **_pair("weight", criterion.weight),
                "judged": criterion.judged,
                "cant_judge": criterion.cant_judge,
                **_pair("judged_weight", criterion.judged_weight),
                **_pair("mean", criterion.mean),
                "median": criterion.median,
                "distribution": [
                    {"value": bar.value, "label": bar.label, **_pair("weight", bar.weight)}
                    for bar in criterion.distribution
                ],
            }
            for criterion in line.criteria
        ],
        "comments": list(line.comments),
    }


def numbers_document(counted: Counted) -> dict[str, Any]:
    """Everything the ballot export determines (see the module docstring)."""
    names = {line.key: line.name for line in counted.bidders}
    scale = counted.scale
    return {
        "method": {
            "name": counted.method.value,
            "scale": {"kind": scale.kind.value, "minimum": scale.minimum, "maximum": scale.maximum,
                      "labels": list(scale.labels)},
            "criteria": [{"key": c.key, "name": c.name, **_pair("weight", c.weight)} for c in counted.criteria],
            "robustness": {"resamples": counted.resamples, "seed": counted.seed,
                           **_pair("threshold", counted.threshold)},
        },
        "ballots_counted": counted.ballots,
        "cards_counted": counted.cards,
        "ranking": [names[key] for key in counted.ranking],
        "verdict": {"code": counted.verdict.value,
                    "leader": None if counted.leader is None else names[counted.leader]},
        "other_rankings": {
            method.value: [{"name": names[key], "rank": rank} for key, rank in entries]
            for method, entries in counted.other_rankings
        },
        "bidders": [_bidder_numbers(line) for line in counted.bidders],
        "participation": {
            "ballots": counted.ballots,
            "cards": counted.cards,
            "groups": [
                {"name": group.name, **_pair("weight", group.weight),
                 "voters": shown_count(group.voters, group.voters), "cards": shown_count(group.cards, group.voters)}
                for group in counted.groups
            ],
            "channels": [
                {"channel": line.channel, "ballots": line.ballots, "cards": line.cards} for line in counted.channels
            ],
        },
        "integrity": {"ballots_csv_sha256": counted.ballots_sha256},
    }


def report_document(report: Report, verdict_text: str = "") -> dict[str, Any]:
    """The whole report: :func:`numbers_document` plus the evening's records.

    :param verdict_text: the verdict in the report's language (the renderer's caller translates it).
    """
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    document["event"] = {
        "public_id": report.event_public_id, "title": report.event_title, "tender": report.tender_title,
        "language": report.language, "location": report.location, "starts_at": moment(report.starts_at),
    }
    document["status"] = "published" if report.published else "preview"
    document.update({"revealed_at": moment(report.revealed_at), "published_at": moment(report.published_at),
                     "generated_at": moment(report.generated_at)})
    document.update(numbers_document(report.counted))
    document["method"]["groups"] = [{"name": name, **_pair("weight", weight)} for name, weight in report.group_weights]
    document["method"]["frozen_at"] = moment(report.weights_frozen_at)
    document["verdict"]["text"] = verdict_text
    for entry in document["bidders"]:
        facts = report.facts(entry["key"])
        entry["comments_hidden"] = facts.comments_hidden
        entry["scoring_opened_at"] = moment(facts.scoring_opened_at)
        entry["scoring_closed_at"] = moment(facts.scoring_closed_at)
        entry["reactions"] = {reaction.kind: reaction.count for reaction in report.reactions_of(entry["key"])}
    document["participation"]["tickets_issued"] = report.tickets_issued
    document["participation"]["tickets_used"] = report.tickets_used
    document["participation"]["comments_hidden"] = report.comments_hidden
    document["process_log"] = [
        {"at": moment(line.at), "action": line.action, "detail": line.detail} for line in report.process_log
    ]
    document["integrity"]["manifest_sha256"] = report.manifest_sha256
    document["integrity"]["generated_at"] = moment(report.generated_at)
    document["decision"] = None if report.decision is None else {
        "bidder": report.decision.bidder_name, "reasons": report.decision.reasons,
        "decided_at": moment(report.decision.decided_at),
    }
    return document


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def report_json(report: Report, verdict_text: str = "") -> str:
    return to_json(report_document(report, verdict_text))
