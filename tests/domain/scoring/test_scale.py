"""Scales: parsing what residents type, and how values are shown."""

from __future__ import annotations

import pytest

from app.domain.scoring import Scale, ScaleKind, ScoreError, ScoreErrorCode, label, parse_value, points

GRADE, STARS, VERBAL = Scale.grade(), Scale.stars(), Scale.verbal()


@pytest.mark.parametrize(
    ("scale", "text", "expected"),
    [
        (GRADE, "7", 7),
        (GRADE, " 10 ", 10),
        (GRADE, "1", 1),
        (GRADE, "", None),
        (GRADE, "   ", None),
        (STARS, "5", 5),
        (STARS, "1", 1),
        (VERBAL, "Goed", 3),
        (VERBAL, "goed", 3),
        (VERBAL, " UITSTEKEND ", 4),
        (VERBAL, "onvoldoende", 0),
        (VERBAL, "", None),
        (Scale.grade(-2, 2), "-2", -2),
    ],
)
def test_parse_value_accepts(scale: Scale, text: str, expected: int | None) -> None:
    assert parse_value(scale, text) == expected


@pytest.mark.parametrize(
    ("scale", "text", "code"),
    [
        (GRADE, "0", ScoreErrorCode.OUT_OF_RANGE),
        (GRADE, "11", ScoreErrorCode.OUT_OF_RANGE),
        (GRADE, "-1", ScoreErrorCode.OUT_OF_RANGE),
        (GRADE, "7.5", ScoreErrorCode.UNKNOWN_GRADE),
        (GRADE, "7,5", ScoreErrorCode.UNKNOWN_GRADE),
        (GRADE, "zeven", ScoreErrorCode.UNKNOWN_GRADE),
        (GRADE, "٣", ScoreErrorCode.UNKNOWN_GRADE),
        (STARS, "6", ScoreErrorCode.OUT_OF_RANGE),
        (STARS, "0", ScoreErrorCode.OUT_OF_RANGE),
        (VERBAL, "Prima", ScoreErrorCode.UNKNOWN_GRADE),
        (VERBAL, "2", ScoreErrorCode.UNKNOWN_GRADE),
    ],
)
def test_parse_value_refuses(scale: Scale, text: str, code: ScoreErrorCode) -> None:
    with pytest.raises(ScoreError) as caught:
        parse_value(scale, text)
    assert caught.value.code is code
    assert caught.value.value == text


@pytest.mark.parametrize(
    ("scale", "value", "shown", "counts_as"),
    [(GRADE, 7, "7", 7), (STARS, 3, "3", 3), (VERBAL, 0, "Onvoldoende", 1), (VERBAL, 4, "Uitstekend", 5)],
)
def test_label_and_points(scale: Scale, value: int, shown: str, counts_as: int) -> None:
    assert label(scale, value) == shown
    assert points(scale, value) == counts_as
    assert parse_value(scale, shown) == value


def test_label_refuses_a_value_off_the_scale() -> None:
    with pytest.raises(ScoreError) as caught:
        label(VERBAL, 5)
    assert caught.value.code is ScoreErrorCode.OUT_OF_RANGE


def test_custom_verbal_scale_and_defaults() -> None:
    custom = Scale.verbal(("Slecht", "Goed"))
    assert (custom.kind, custom.minimum, custom.maximum) == (ScaleKind.VERBAL, 0, 1)
    assert (GRADE.minimum, GRADE.maximum, STARS.maximum) == (1, 10, 5)
    assert list(VERBAL.values) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Scale.grade(5, 5),
        lambda: Scale.verbal(("Goed",)),
        lambda: Scale.verbal(("Goed", "goed")),
        lambda: Scale.verbal(("Goed", " ")),
        lambda: Scale(ScaleKind.GRADE, 1, 10, ("a",)),
        lambda: Scale(ScaleKind.VERBAL, 1, 2, ("a", "b")),
    ],
)
def test_invalid_scales_are_refused(build: object) -> None:
    with pytest.raises(ScoreError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.code is ScoreErrorCode.INVALID_SCALE
