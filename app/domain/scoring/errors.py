"""Domain errors of the scoring package: a code the web layer can translate, and the offending value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScoreErrorCode(StrEnum):
    """Why a value, a card, a set-up or an export was refused.

    The web layer maps each code to a translated message; the codes themselves never change meaning.
    """

    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_GRADE = "unknown_grade"
    UNKNOWN_CRITERION = "unknown_criterion"
    MISSING_CRITERION = "missing_criterion"
    UNKNOWN_BIDDER = "unknown_bidder"
    DUPLICATE_CARD = "duplicate_card"
    DUPLICATE_KEY = "duplicate_key"
    INVALID_WEIGHT = "invalid_weight"
    INVALID_SCALE = "invalid_scale"
    INVALID_SETUP = "invalid_setup"
    BAD_EXPORT = "bad_export"
    EXPORT_HASH_MISMATCH = "export_hash_mismatch"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a card; ``criterion`` is empty when the problem is not about one criterion."""

    code: ScoreErrorCode
    value: str = ""
    criterion: str = ""


class ScoreError(ValueError):
    """A domain error with a stable ``code`` and the ``value`` that caused it."""

    def __init__(self, code: ScoreErrorCode, value: object = "") -> None:
        super().__init__(f"{code.value}: {value!r}")
        self.code = code
        self.value = value


class CardError(ScoreError):
    """A card with one or more problems; ``problems`` lists all of them, ``code`` is the first one's."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        if not problems:
            raise ValueError("a CardError needs at least one problem")
        super().__init__(problems[0].code, problems[0].value)
        self.problems = problems
