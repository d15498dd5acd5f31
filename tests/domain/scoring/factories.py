"""Small factories with defaults, and a hypothesis strategy for whole tenders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

from app.domain.scoring import Bidder, Card, Channel, Criterion, Method, Scale

BEWONERS = ("bewoners", Fraction(1))
JONGEREN = ("jongeren", Fraction(2))


def card(
    ballot: str,
    bidder: str,
    scores: Mapping[str, int | None],
    group: tuple[str, Fraction] = BEWONERS,
    comment: str = "",
    channel: Channel = Channel.PHONE,
) -> Card:
    return Card(ballot, bidder, group[0], group[1], scores, comment, channel)


def bidders(*keys: str) -> tuple[Bidder, ...]:
    return tuple(Bidder(key, key.title()) for key in keys)


@dataclass(frozen=True)
class Tender:
    scale: Scale
    criteria: tuple[Criterion, ...]
    bidders: tuple[Bidder, ...]
    cards: tuple[Card, ...]
    method: Method

    @property
    def args(self) -> tuple[Scale, tuple[Criterion, ...], tuple[Bidder, ...], tuple[Card, ...], Method]:
        return (self.scale, self.criteria, self.bidders, self.cards, self.method)


SCALES = (
    Scale.grade(),
    Scale.stars(),
    Scale.verbal(),
    Scale.grade(-2, 2),
)
GROUPS = (BEWONERS, JONGEREN, ("gasten", Fraction(1, 2)))
COMMENTS = ("", "", "", "Goed plan", "=1+1", "-- te duur", "'quote", "regel\nnog een", "🙂 prima")


@st.composite
def tenders(draw: st.DrawFn, max_ballots: int = 8) -> Tender:
    """Random valid tenders: every ballot scores a subset of the bidders, can't-judge included."""
    scale = draw(st.sampled_from(SCALES))
    weights = draw(
        st.lists(st.sampled_from([Fraction(1), Fraction(2), Fraction(3), Fraction(1, 2)]), min_size=1, max_size=3)
    )
    criteria = tuple(Criterion(f"c{i}", f"Criterium {i}", w) for i, w in enumerate(weights))
    bidder_count = draw(st.integers(1, 4))
    tender_bidders = tuple(Bidder(f"b{i}", f"Bieder {i}") for i in range(bidder_count))
    values = st.one_of(st.none(), st.sampled_from(list(scale.values)))
    cards: list[Card] = []
    for ballot in range(draw(st.integers(0, max_ballots))):
        group = draw(st.sampled_from(GROUPS))
        scored = draw(st.lists(st.sampled_from(tender_bidders), min_size=1, unique=True))
        for bidder in scored:
            scores = {c.key: draw(values) for c in criteria}
            comment = draw(st.sampled_from(COMMENTS))
            channel = draw(st.sampled_from(list(Channel)))
            cards.append(card(f"t{ballot}", bidder.key, scores, group, comment, channel))
    method = draw(st.sampled_from(list(Method)))
    return Tender(scale, criteria, tender_bidders, tuple(cards), method)
