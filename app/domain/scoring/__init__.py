"""Scoring of bidders at an Idols evening: scales, cards, tally, robustness and the ballot export.

Pure and typed: standard library only, no Flask, no database, no I/O. The rules are in ``docs/method.md``.
"""

from app.domain.scoring.aggregation import (
    BidderResult,
    CriterionResult,
    Method,
    RankedBidder,
    Ranking,
    TenderResult,
    rank,
    tally,
)
from app.domain.scoring.cards import Bidder, Card, Channel, Criterion, card_problems, validate_card
from app.domain.scoring.errors import CardError, Problem, ScoreError, ScoreErrorCode
from app.domain.scoring.export import (
    BallotExport,
    TallyInput,
    export_ballots,
    parse_export,
    recount,
    sha256_of_export,
)
from app.domain.scoring.robustness import BidderRobustness, Robustness, Verdict, robustness
from app.domain.scoring.scale import DEFAULT_VERBAL_LABELS, Scale, ScaleKind, label, parse_value, points

__all__ = [
    "DEFAULT_VERBAL_LABELS",
    "BallotExport",
    "Bidder",
    "BidderResult",
    "BidderRobustness",
    "Card",
    "CardError",
    "Channel",
    "Criterion",
    "CriterionResult",
    "Method",
    "Problem",
    "RankedBidder",
    "Ranking",
    "Robustness",
    "Scale",
    "ScaleKind",
    "ScoreError",
    "ScoreErrorCode",
    "TallyInput",
    "TenderResult",
    "Verdict",
    "card_problems",
    "export_ballots",
    "label",
    "parse_export",
    "parse_value",
    "points",
    "rank",
    "recount",
    "robustness",
    "sha256_of_export",
    "tally",
    "validate_card",
]
