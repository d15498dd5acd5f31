"""The advice report as data: what a committee reads about an Idols evening.

Two layers, both frozen dataclasses:

- :class:`Counted` is everything that follows from the anonymous ballot export alone: the tally under the
  chosen method, the robustness check (seeded from the export's SHA-256, so anyone can repeat it) and the
  participation visible in the cards. ``recount`` rebuilds exactly this from an export file.
- :class:`Report` adds what only the evening's records know: tickets, hidden comments, audience
  reactions, the process log, publication and the committee's decision.

Pure: standard library and ``app.domain.scoring`` only. Renderers live in ``app/exports/report_*.py``.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from app.domain.scoring import (
    Bidder,
    Card,
    Channel,
    Criterion,
    Method,
    Robustness,
    Scale,
    TenderResult,
    Verdict,
    label,
    robustness,
    tally,
)
from app.domain.scoring.robustness import DEFAULT_RESAMPLES

SMALL_GROUP = 10
"""Voter groups with fewer voters than this are shown as "< 10", so a small group's scores stay private."""


def seed_for(ballots_sha256: str) -> int:
    """The bootstrap seed: the first 64 bits of the export's SHA-256, so a recount repeats the same draws."""
    return int(ballots_sha256[:16], 16)


@dataclass(frozen=True)
class ValueCount:
    """One value of the scale in a distribution: the summed group weight of the cards that gave it, and its
    share of the judged weight (0 when nobody judged)."""

    value: int
    label: str
    weight: Fraction
    share: Fraction


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of one bidder. ``median`` is the label of the lower weighted median (the majority
    grade); ``mean`` is in points. Both are ``None`` when nobody judged."""

    key: str
    name: str
    weight: Fraction
    judged: int
    cant_judge: int
    judged_weight: Fraction
    distribution: tuple[ValueCount, ...]
    mean: Fraction | None
    median: str | None


@dataclass(frozen=True)
class BidderLine:
    """One bidder: its place under the chosen method, the three overall scores, the robustness figures,
    its cards (per channel), criteria and (visible) comments, sorted alphabetically."""

    key: str
    name: str
    position: int
    rank: int
    score: Fraction | None
    mean_score: Fraction | None
    median_score: Fraction | None
    majority_grade: str | None
    first_share: Fraction
    rank_low: int
    rank_high: int
    cards: int
    cards_by_channel: tuple[tuple[str, int], ...]
    criteria: tuple[CriterionLine, ...]
    comments: tuple[str, ...]


@dataclass(frozen=True)
class GroupLine:
    """Voters (ballots) and cards of one voter group; ``small`` groups are shown as "< 10"."""

    name: str
    weight: Fraction
    voters: int
    cards: int

    @property
    def small(self) -> bool:
        return self.voters < SMALL_GROUP


@dataclass(frozen=True)
class ChannelLine:
    """Ballots and cards that came in through one channel (phone, paper, import). A ballot that used two
    channels counts once for each."""

    channel: str
    ballots: int
    cards: int


@dataclass(frozen=True)
class Counted:
    """Every number that follows from the anonymous ballot export (see the module docstring).

    ``bidders`` is in presentation order; ``ranking`` lists bidder keys best first (ties in presentation
    order). ``other_rankings`` gives the order under the two methods that were not chosen, as a check on
    how much the choice of method matters.
    """

    method: Method
    scale: Scale
    criteria: tuple[Criterion, ...]
    bidders: tuple[BidderLine, ...]
    ranking: tuple[str, ...]
    other_rankings: tuple[tuple[Method, tuple[tuple[str, int], ...]], ...]
    ballots: int
    cards: int
    groups: tuple[GroupLine, ...]
    channels: tuple[ChannelLine, ...]
    resamples: int
    threshold: Fraction
    seed: int
    verdict: Verdict
    leader: str | None
    ballots_sha256: str

    def bidder(self, key: str) -> BidderLine:
        return next(line for line in self.bidders if line.key == key)

    @property
    def ranked(self) -> tuple[BidderLine, ...]:
        """The bidders best first."""
        return tuple(self.bidder(key) for key in self.ranking)


def count(
    scale: Scale,
    criteria: Sequence[Criterion],
    bidders: Sequence[Bidder],
    cards: Iterable[Card],
    method: Method,
    ballots_sha256: str,
    resamples: int = DEFAULT_RESAMPLES,
    checked: Robustness | None = None,
) -> Counted:
    """Tally the cards, run the robustness check and gather participation.

    :param ballots_sha256: SHA-256 of the canonical ballot export of exactly these cards; it seeds the
        bootstrap (see :func:`seed_for`) and goes into the report's integrity block.
    :param checked: a robustness result computed earlier for the same cards, method, seed and
        ``resamples`` (a cache); computed here when ``None``.
    """
    all_cards = tuple(cards)
    result = tally(scale, criteria, bidders, all_cards, method)
    seed = seed_for(ballots_sha256)
    if checked is None:
        checked = robustness(scale, criteria, bidders, all_cards, method, random.Random(seed), resamples)  # noqa: S311 - a bootstrap, not a secret
    return counted_from(result, checked, all_cards, ballots_sha256, seed)


def counted_from(
    result: TenderResult, checked: Robustness, cards: Sequence[Card], ballots_sha256: str, seed: int
) -> Counted:
    """Assemble :class:`Counted` from a tally and its robustness check (see :func:`count`)."""
    scale = result.scale
    ranking = result.ranking
    robust = {line.bidder: line for line in checked.bidders}
    channel_cards: dict[str, Counter[str]] = {bidder.key: Counter() for bidder in result.bidders}
    for (bidder, channel), amount in Counter((card.bidder, card.channel) for card in cards).items():
        channel_cards[bidder][channel.value] += amount
    lines = []
    for position, bidder_result in enumerate(result.results, start=1):
        key = bidder_result.bidder.key
        entry = next(e for e in ranking.entries if e.bidder == key)
        criterion_lines = []
        for criterion, line in zip(result.criteria, bidder_result.criteria, strict=True):
            distribution = tuple(
                ValueCount(value, label(scale, value), weight,
                           weight / line.judged_weight if line.judged_weight else Fraction(0))
                for value, weight in line.distribution
            )
            criterion_lines.append(CriterionLine(
                key=criterion.key, name=criterion.name, weight=criterion.weight, judged=line.judged,
                cant_judge=line.cant_judge, judged_weight=line.judged_weight, distribution=distribution,
                mean=line.mean, median=None if line.median is None else label(scale, line.median),
            ))
        lines.append(BidderLine(
            key=key, name=bidder_result.bidder.name, position=position, rank=entry.rank, score=entry.score,
            mean_score=bidder_result.mean_score, median_score=bidder_result.median_score,
            majority_grade=None if bidder_result.majority_grade is None
            else label(scale, bidder_result.majority_grade),
            first_share=robust[key].first_share, rank_low=robust[key].rank_low, rank_high=robust[key].rank_high,
            cards=bidder_result.cards, cards_by_channel=tuple(sorted(channel_cards[key].items())),
            criteria=tuple(criterion_lines), comments=bidder_result.comments,
        ))
    others = tuple(
        (other.method, tuple((e.bidder, e.rank) for e in other.entries))
        for other in result.rankings if other.method is not result.method
    )
    return Counted(
        method=result.method, scale=scale, criteria=result.criteria, bidders=tuple(lines),
        ranking=tuple(entry.bidder for entry in ranking.entries), other_rankings=others,
        ballots=result.ballots, cards=result.cards, groups=_groups(cards), channels=_channels(cards),
        resamples=checked.resamples, threshold=checked.threshold, seed=seed, verdict=checked.verdict,
        leader=checked.leader, ballots_sha256=ballots_sha256,
    )


def _groups(cards: Sequence[Card]) -> tuple[GroupLine, ...]:
    """Groups in order of their weight (highest first), then name.

    Keyed by the weight's numerator and denominator: hashing 20,000 fractions is what made this slow.
    """
    voters: dict[tuple[str, int, int], set[str]] = {}
    card_count: Counter[tuple[str, int, int]] = Counter()
    for card in cards:
        key = (card.group, card.group_weight.numerator, card.group_weight.denominator)
        voters.setdefault(key, set()).add(card.ballot)
        card_count[key] += 1
    lines = [GroupLine(name, Fraction(numerator, denominator), len(members), card_count[(name, numerator, denominator)])
             for (name, numerator, denominator), members in voters.items()]
    return tuple(sorted(lines, key=lambda line: (-line.weight, line.name)))


def _channels(cards: Sequence[Card]) -> tuple[ChannelLine, ...]:
    ballots: dict[Channel, set[str]] = {}
    card_count: Counter[Channel] = Counter()
    for card in cards:
        ballots.setdefault(card.channel, set()).add(card.ballot)
        card_count[card.channel] += 1
    return tuple(ChannelLine(channel.value, len(ballots[channel]), card_count[channel]) for channel in sorted(ballots))


@dataclass(frozen=True)
class BidderFacts:
    """What the evening's records add about one bidder: when its scoring opened and closed, and how many
    comments the host hid as abusive (they are in no export and no report)."""

    key: str
    scoring_opened_at: datetime | None
    scoring_closed_at: datetime | None
    comments_hidden: int


@dataclass(frozen=True)
class Reaction:
    """Audience reactions (applause, hearts …) for one bidder: reported apart, never part of a score."""

    bidder: str
    kind: str
    count: int


@dataclass(frozen=True)
class LogLine:
    """One entry of the process log: when, what (an action code the renderers translate) and details."""

    at: datetime
    action: str
    detail: str


@dataclass(frozen=True)
class Decision:
    """What the committee did with the advice: the chosen bidder (``None`` for none of them) and why."""

    bidder: str | None
    bidder_name: str | None
    reasons: str
    decided_at: datetime


@dataclass(frozen=True)
class Report:
    """The whole advice report: one object, rendered to PDF, CSV, XLSX and JSON.

    ``weights_frozen_at`` is when scale, criteria, weights and method were fixed; ``group_weights`` are the
    event's voter groups as frozen (all of them, also those nobody from voted in).
    """

    event_public_id: str
    event_title: str
    tender_title: str
    language: str
    location: str
    starts_at: datetime | None
    counted: Counted
    group_weights: tuple[tuple[str, Fraction], ...]
    weights_frozen_at: datetime | None
    tickets_issued: int
    tickets_used: int
    bidder_facts: tuple[BidderFacts, ...]
    reactions: tuple[Reaction, ...]
    process_log: tuple[LogLine, ...]
    revealed_at: datetime | None
    published_at: datetime | None
    generated_at: datetime
    manifest_sha256: str
    decision: Decision | None

    @property
    def published(self) -> bool:
        return self.published_at is not None

    def facts(self, key: str) -> BidderFacts:
        return next((facts for facts in self.bidder_facts if facts.key == key), BidderFacts(key, None, None, 0))

    @property
    def comments_hidden(self) -> int:
        return sum(facts.comments_hidden for facts in self.bidder_facts)

    def reactions_of(self, key: str) -> tuple[Reaction, ...]:
        return tuple(reaction for reaction in self.reactions if reaction.bidder == key)
