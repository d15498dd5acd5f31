"""The scale residents score on: a report grade, stars, or verbal grades, always with "can't judge".

Values are stored as ints: for a grade or stars scale the number itself, for a verbal scale the 0-based
position of the label (worst first). ``None`` means "can't judge" and is never a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from app.domain.scoring.errors import ScoreError, ScoreErrorCode

DEFAULT_VERBAL_LABELS: tuple[str, ...] = ("Onvoldoende", "Matig", "Voldoende", "Goed", "Uitstekend")


class ScaleKind(StrEnum):
    GRADE = "grade"
    STARS = "stars"
    VERBAL = "verbal"


@dataclass(frozen=True)
class Scale:
    """A closed range of int values ``minimum..maximum``; a verbal scale also names each value.

    Build one with :meth:`grade`, :meth:`stars` or :meth:`verbal` rather than by hand: they fill in the
    bounds that belong to the kind. For a verbal scale ``minimum`` is 0 and ``maximum`` is the last index.
    """

    kind: ScaleKind
    minimum: int
    maximum: int
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.minimum >= self.maximum:
            raise ScoreError(ScoreErrorCode.INVALID_SCALE, (self.minimum, self.maximum))
        if self.kind is ScaleKind.VERBAL:
            folded = [label.strip().casefold() for label in self.labels]
            if (
                self.minimum != 0
                or self.maximum != len(self.labels) - 1
                or any(not label for label in folded)
                or len(set(folded)) != len(folded)
            ):
                raise ScoreError(ScoreErrorCode.INVALID_SCALE, self.labels)
        elif self.labels:
            raise ScoreError(ScoreErrorCode.INVALID_SCALE, self.labels)
        if self.kind is ScaleKind.STARS and self.minimum < 0:
            raise ScoreError(ScoreErrorCode.INVALID_SCALE, (self.minimum, self.maximum))

    @classmethod
    def grade(cls, minimum: int = 1, maximum: int = 10) -> Scale:
        """The Dutch report grade, 1–10 unless told otherwise."""
        return cls(ScaleKind.GRADE, minimum, maximum)

    @classmethod
    def stars(cls, maximum: int = 5) -> Scale:
        """One to ``maximum`` stars."""
        return cls(ScaleKind.STARS, 1, maximum)

    @classmethod
    def verbal(cls, labels: tuple[str, ...] = DEFAULT_VERBAL_LABELS) -> Scale:
        """Named grades, worst first."""
        return cls(ScaleKind.VERBAL, 0, len(labels) - 1, tuple(labels))

    @property
    def values(self) -> range:
        """Every value on the scale, worst first."""
        return range(self.minimum, self.maximum + 1)

    def contains(self, value: int) -> bool:
        return self.minimum <= value <= self.maximum


def points(scale: Scale, value: int) -> Fraction:
    """The number a value counts as in a mean or an average: the value itself, or for a verbal scale its
    1-based position (so "Goed" on the default five labels counts as 4)."""
    check_value(scale, value)
    return Fraction(value + 1 if scale.kind is ScaleKind.VERBAL else value)


def check_value(scale: Scale, value: int) -> int:
    """Return ``value`` if it lies on the scale, else raise ``ScoreError(out_of_range)``."""
    if isinstance(value, bool) or not isinstance(value, int) or not scale.contains(value):
        raise ScoreError(ScoreErrorCode.OUT_OF_RANGE, value)
    return value


def parse_value(scale: Scale, text: str) -> int | None:
    """Read one answer as typed on a phone, on paper or in an import.

    Empty (after trimming) is "can't judge" and gives ``None``. A grade or stars scale takes a whole
    number on the scale; a verbal scale takes a label, case-insensitively (numbers are refused there,
    because "2" could mean the second label or index 2).

    :raises ScoreError: ``out_of_range`` for a whole number off the scale, ``unknown_grade`` for
        anything else that is not a value of this scale (such as "7,5", "abc" or an unknown label).
    """
    stripped = text.strip()
    if not stripped:
        return None
    if scale.kind is ScaleKind.VERBAL:
        folded = stripped.casefold()
        for index, label in enumerate(scale.labels):
            if label.strip().casefold() == folded:
                return index
        raise ScoreError(ScoreErrorCode.UNKNOWN_GRADE, text)
    digits = stripped[1:] if stripped[0] in "+-" else stripped
    if not digits.isascii() or not digits.isdigit():
        raise ScoreError(ScoreErrorCode.UNKNOWN_GRADE, text)
    value = int(stripped)
    if not scale.contains(value):
        raise ScoreError(ScoreErrorCode.OUT_OF_RANGE, text)
    return value


def label(scale: Scale, value: int) -> str:
    """How a value is shown and exported: the number, or the verbal label."""
    check_value(scale, value)
    if scale.kind is ScaleKind.VERBAL:
        return scale.labels[value]
    return str(value)
