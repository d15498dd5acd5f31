"""Criteria, bidders and score cards, and the one validation every channel (phone, paper, import) uses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from operator import itemgetter
from types import MappingProxyType

from app.domain.scoring.errors import CardError, Problem, ScoreError, ScoreErrorCode
from app.domain.scoring.scale import Scale, parse_value


def positive_fraction(weight: Fraction | int) -> Fraction:
    """A weight as an exact ``Fraction``; weights must be greater than zero (floats are refused)."""
    if isinstance(weight, bool) or not isinstance(weight, Fraction | int):
        raise ScoreError(ScoreErrorCode.INVALID_WEIGHT, weight)
    exact = Fraction(weight)
    if exact <= 0:
        raise ScoreError(ScoreErrorCode.INVALID_WEIGHT, weight)
    return exact


@dataclass(frozen=True, init=False)
class Criterion:
    """A weighted criterion; ``weight`` is relative (2 counts twice as much as 1), stored as a Fraction."""

    key: str
    name: str
    weight: Fraction

    def __init__(self, key: str, name: str, weight: Fraction | int = 1) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "weight", positive_fraction(weight))


@dataclass(frozen=True)
class Bidder:
    """A bidding organisation, in presentation order when listed."""

    key: str
    name: str


class Channel(StrEnum):
    PHONE = "phone"
    PAPER = "paper"
    IMPORT = "import"


@dataclass(frozen=True, init=False)
class Card:
    """One attendee's scores for one bidder.

    ``ballot`` groups all cards of one attendee; ``scores`` maps every criterion key to a scale value or
    ``None`` (can't judge), kept read-only. ``group_weight`` is the weight of the attendee's voter group,
    stored as a Fraction.
    """

    ballot: str
    bidder: str
    group: str
    group_weight: Fraction
    scores: Mapping[str, int | None] = field(hash=False)
    comment: str = ""
    channel: Channel = Channel.PHONE

    def __init__(
        self,
        ballot: str,
        bidder: str,
        group: str,
        group_weight: Fraction | int,
        scores: Mapping[str, int | None],
        comment: str = "",
        channel: Channel = Channel.PHONE,
    ) -> None:
        for name, value in (("ballot", ballot), ("bidder", bidder), ("group", group), ("comment", comment)):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "group_weight", positive_fraction(group_weight))
        object.__setattr__(self, "scores", MappingProxyType(dict(scores)))
        object.__setattr__(self, "channel", Channel(channel))


def card_problems(
    scale: Scale,
    criteria: Sequence[Criterion],
    bidder_keys: Iterable[str],
    bidder: str,
    scores: Mapping[str, int | str | None],
) -> tuple[Problem, ...]:
    """Everything wrong with one card, in a stable order (bidder, then criteria in their order, then
    unknown keys sorted); empty when the card is valid.

    A value may be an int (already parsed), a string (as typed; see :func:`parse_value`) or ``None``.
    Can't-judge (``None`` or an empty string) is a valid answer; a missing criterion is not.
    """
    problems: list[Problem] = []
    if bidder not in (bidder_keys if isinstance(bidder_keys, set | frozenset) else set(bidder_keys)):
        problems.append(Problem(ScoreErrorCode.UNKNOWN_BIDDER, bidder))
    known = {criterion.key for criterion in criteria}
    for criterion in criteria:
        if criterion.key not in scores:
            problems.append(Problem(ScoreErrorCode.MISSING_CRITERION, criterion.key, criterion.key))
            continue
        try:
            _score_value(scale, scores[criterion.key])
        except ScoreError as error:
            problems.append(Problem(error.code, str(error.value), criterion.key))
    for key in sorted(set(scores) - known):
        problems.append(Problem(ScoreErrorCode.UNKNOWN_CRITERION, key, key))
    return tuple(problems)


def validate_card(
    scale: Scale,
    criteria: Sequence[Criterion],
    bidder_keys: Iterable[str],
    bidder: str,
    scores: Mapping[str, int | str | None],
) -> dict[str, int | None]:
    """The card's scores as scale values (``None`` = can't judge), keyed in criterion order.

    :raises CardError: listing every problem found by :func:`card_problems`.
    """
    problems = card_problems(scale, criteria, bidder_keys, bidder, scores)
    if problems:
        raise CardError(problems)
    return {criterion.key: _score_value(scale, scores[criterion.key]) for criterion in criteria}


def _score_value(scale: Scale, raw: int | str | None) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return parse_value(scale, raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ScoreError(ScoreErrorCode.UNKNOWN_GRADE, raw)
    if not scale.contains(raw):
        raise ScoreError(ScoreErrorCode.OUT_OF_RANGE, raw)
    return raw


def check_setup(criteria: Sequence[Criterion], bidders: Sequence[Bidder]) -> None:
    """Refuse a tender without criteria or bidders, or with a key used twice."""
    if not criteria or not bidders:
        raise ScoreError(ScoreErrorCode.INVALID_SETUP, "no criteria or no bidders")
    for keys in ([c.key for c in criteria], [b.key for b in bidders]):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ScoreError(ScoreErrorCode.DUPLICATE_KEY, duplicates[0])


def check_cards(scale: Scale, criteria: Sequence[Criterion], bidders: Sequence[Bidder], cards: Iterable[Card]) -> None:
    """Validate every card as :func:`validate_card` does, and refuse two cards of one ballot for one
    bidder (``duplicate_card``).

    A card that is plainly valid (known bidder, exactly the criteria, each value ``None`` or an ``int`` on
    the scale) is passed without building its problem list; any other card goes through
    :func:`card_problems`, so the errors raised are the same. The report checks 20,000 cards three times
    (export, tally, bootstrap), which is why the short way exists.
    """
    bidder_keys = {bidder.key for bidder in bidders}
    keys = [criterion.key for criterion in criteria]
    on_scale = frozenset(scale.values)
    seen: set[tuple[str, str]] = set()
    for card in cards:
        if not _plainly_valid(card, keys, on_scale, bidder_keys):
            problems = card_problems(scale, criteria, bidder_keys, card.bidder, card.scores)
            if problems:
                raise CardError(problems)
        if (card.ballot, card.bidder) in seen:
            raise ScoreError(ScoreErrorCode.DUPLICATE_CARD, (card.ballot, card.bidder))
        seen.add((card.ballot, card.bidder))


def _plainly_valid(card: Card, keys: Sequence[str], on_scale: frozenset[int], bidder_keys: set[str]) -> bool:
    """True only for a card :func:`card_problems` would find nothing wrong with (``False`` may be valid too:
    answers given as text, for one). ``type(...) is int`` keeps ``True`` (equal to 1) off the short way."""
    scores = card.scores
    if card.bidder not in bidder_keys or len(scores) != len(keys):
        return False
    for key in keys:
        value = scores.get(key, "")  # a missing key reads as text: the long way reports it
        if value is not None and (type(value) is not int or value not in on_scale):
            return False
    return True


def ballots_in_canonical_order(
    cards: Iterable[Card], criteria: Sequence[Criterion], bidders: Sequence[Bidder]
) -> list[tuple[Card, ...]]:
    """All cards grouped by ballot, each ballot's cards in bidder order, ballots sorted by their content.

    Ordering by content (never by ballot id or arrival) makes the export and the bootstrap independent of
    the order cards came in and of the ids they had, and lets the export renumber ballots 1, 2, 3 … without
    leaking who voted when.
    """
    bidder_index = {bidder.key: index for index, bidder in enumerate(bidders)}
    keys = [criterion.key for criterion in criteria]

    def card_key(card: Card) -> tuple[object, ...]:
        scores = tuple([-1 if (value := card.scores[key]) is None else value for key in keys])
        return (bidder_index[card.bidder], scores, card.group, card.group_weight, card.channel, card.comment)

    # each card's key once (sorting a ballot and then the ballots would otherwise build it twice)
    by_ballot: dict[str, list[tuple[tuple[object, ...], Card]]] = {}
    for card in cards:
        by_ballot.setdefault(card.ballot, []).append((card_key(card), card))
    keyed = []
    for group in by_ballot.values():
        group.sort(key=itemgetter(0))
        keyed.append(([key for key, _ in group], tuple(card for _, card in group)))
    keyed.sort(key=itemgetter(0))
    return [ballot for _, ballot in keyed]
