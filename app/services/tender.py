"""The tender of an Idols evening: set-up (title, bijsluiter, scale, method, criteria, bidders), freezing,
the discarding reset, and the read helpers other features use to count (``cards_for_tally``).

Scale, criteria, weights and method freeze when scoring first opens (or cards are first imported or keyed):
from then on every change to them is refused with ``tender_frozen`` until ``reset_scoring`` discards
the cards, which needs an explicit confirmation and leaves an audit entry.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa

from app.domain import scoring
from app.domain.event_file import EventFileError
from app.domain.scoring.errors import ScoreError
from app.domain.tender_file import (
    FILE_METHODS,
    BidderSpec,
    CriterionSpec,
    TenderSpec,
    parse_scale,
    parse_weight,
)
from app.extensions import db
from app.models import (
    Bidder,
    Criterion,
    Event,
    PaperCardKeying,
    Scorecard,
    ScoringState,
    Tender,
    TenderPhase,
)
from app.models.clock import utcnow
from app.services import audit, changes
from app.services.errors import Conflict, DomainError, NotFound
from app.services.events import new_public_id

METHODS = tuple(FILE_METHODS.values())
MAX_TITLE = 200
MAX_TEXT = 3000


@dataclass(frozen=True)
class TenderFields:
    """What the host sets on the tender form. ``scale_type`` is grade, stars or verbal; ``verbal_grades``
    is used for a verbal scale only (worst first)."""

    title: str
    bijsluiter: str = ""
    method: str = "mean"
    scale_type: str = "grade"
    scale_min: int = 1
    scale_max: int = 10
    verbal_grades: tuple[str, ...] = scoring.DEFAULT_VERBAL_LABELS
    slot_minutes: int = 10


# ---------------------------------------------------------------- queries


def tender_for_event(event: Event) -> Tender | None:
    """The event's tender, or ``None`` when it has none (yet)."""
    return db.session.scalar(sa.select(Tender).where(Tender.event_id == event.id))


def require_tender(event: Event) -> Tender:
    tender = tender_for_event(event)
    if tender is None:
        raise NotFound("tender_missing")
    return tender


def scale_of(tender: Tender) -> scoring.Scale:
    """The tender's scale as the domain type."""
    return scale_from(tender.scale_type, tender.scale_min, tender.scale_max, tender.scale_labels)


def scale_from(kind: str, minimum: int, maximum: int, labels: Sequence[str]) -> scoring.Scale:
    """A scale from a tender's scale columns."""
    if kind == "verbal":
        return scoring.Scale.verbal(tuple(labels))
    if kind == "stars":
        return scoring.Scale.stars(maximum)
    return scoring.Scale.grade(minimum, maximum)


def method_of(tender: Tender) -> scoring.Method:
    return scoring.Method(tender.method)


def exact_weight(weight: Decimal) -> Fraction:
    return Fraction(Decimal(weight))


def criteria_of(tender: Tender) -> list[scoring.Criterion]:
    """Criteria in order as domain types; the key is the criterion's ``public_id``."""
    return [scoring.Criterion(c.public_id, c.name, exact_weight(c.weight)) for c in tender.criteria]


def bidders_of(tender: Tender) -> list[scoring.Bidder]:
    """Bidders in presentation order as domain types; the key is the bidder's ``public_id``."""
    return [scoring.Bidder(b.public_id, b.name) for b in tender.bidders]


def cards_for_tally(tender: Tender) -> list[scoring.Card]:
    """Every card that counts (phone, agreed paper, import) as domain cards, ready for ``scoring.tally``.

    The ballot is the voter key; a hidden comment is passed on as empty, so it never reaches a report.
    """
    bidder_keys = {b.id: b.public_id for b in tender.bidders}
    rows = db.session.scalars(
        sa.select(Scorecard).where(Scorecard.tender_id == tender.id).options(sa.orm.joinedload(Scorecard.group))
    )
    return [
        scoring.Card(card.voter_key, bidder_keys[card.bidder_id], card.group.name, exact_weight(card.group.weight),
                     {key: value for key, value in card.scores.items()},
                     "" if card.comment_hidden else card.comment, scoring.Channel(card.channel))
        for card in rows
    ]


def weight_percentages(tender: Tender) -> dict[int, Decimal]:
    """Each criterion's share of the total weight, in percent with one decimal, keyed by criterion id."""
    total = sum((Decimal(c.weight) for c in tender.criteria), Decimal(0))
    if total <= 0:
        return {}
    return {c.id: (Decimal(c.weight) * 100 / total).quantize(Decimal("0.1")) for c in tender.criteria}


def bidder_of(tender: Tender, public_id: str) -> Bidder:
    for bidder in tender.bidders:
        if bidder.public_id == public_id:
            return bidder
    raise NotFound("bidder_unknown")


def criterion_of(tender: Tender, public_id: str) -> Criterion:
    for criterion in tender.criteria:
        if criterion.public_id == public_id:
            return criterion
    raise NotFound("criterion_unknown")


def card_count(tender: Tender) -> int:
    return db.session.scalar(sa.select(sa.func.count(Scorecard.id)).where(Scorecard.tender_id == tender.id)) or 0


# ---------------------------------------------------------------- set-up


def _check_fields(fields: TenderFields) -> scoring.Scale:
    if not fields.title.strip() or len(fields.title.strip()) > MAX_TITLE:
        raise DomainError("tender_title_required")
    if len(fields.bijsluiter) > MAX_TEXT:
        raise DomainError("text_too_long", maximum=MAX_TEXT)
    if fields.method not in METHODS:
        raise DomainError("method_unknown")
    if not 1 <= fields.slot_minutes <= 120:
        raise DomainError("slot_invalid")
    raw: dict[str, object] = {"type": fields.scale_type}
    if fields.scale_type == "grade":
        raw.update({"min": fields.scale_min, "max": fields.scale_max})
    elif fields.scale_type == "stars":
        raw["max"] = fields.scale_max
    else:
        raw["grades"] = [grade for grade in fields.verbal_grades if grade.strip()]
    try:
        return parse_scale(raw)
    except EventFileError:
        raise DomainError("scale_invalid") from None


def _apply_scale(tender: Tender, scale: scoring.Scale) -> None:
    tender.scale_type = scale.kind.value
    tender.scale_min = scale.minimum
    tender.scale_max = scale.maximum
    tender.scale_labels = list(scale.labels)


def _scale_changes(tender: Tender, scale: scoring.Scale, method: str) -> bool:
    return scale != scale_of(tender) or method != tender.method


def add_tender(event: Event, actor: str, fields: TenderFields) -> Tender:
    """Add a tender to the event (the caller commits); an event has at most one."""
    if tender_for_event(event) is not None:
        raise Conflict("tender_exists")
    scale = _check_fields(fields)
    tender = Tender(event_id=event.id, title=fields.title.strip(), bijsluiter=fields.bijsluiter.strip(),
                    method=fields.method, slot_seconds=fields.slot_minutes * 60, scale_labels=[])
    _apply_scale(tender, scale)
    db.session.add(tender)
    db.session.flush()
    audit.record(event, actor, "tender_created", tender.title)
    return tender


def create_tender(event: Event, actor: str, fields: TenderFields) -> Tender:
    tender = add_tender(event, actor, fields)
    db.session.commit()
    return tender


def update_tender(tender: Tender, actor: str, fields: TenderFields) -> None:
    """Title, bijsluiter and slot length change at any time; scale and method only before the freeze."""
    scale = _check_fields(fields)
    if _scale_changes(tender, scale, fields.method):
        _refuse_if_frozen(tender)
        audit.record(tender.event, actor, "tender_scale_changed", f"{scale.kind.value} {fields.method}")
        _apply_scale(tender, scale)
        tender.method = fields.method
    tender.title = fields.title.strip()
    tender.bijsluiter = fields.bijsluiter.strip()
    tender.slot_seconds = fields.slot_minutes * 60
    changes.changed(tender.event)
    db.session.commit()


def _refuse_if_frozen(tender: Tender) -> None:
    if tender.frozen_at is not None:
        raise Conflict("tender_frozen")


def freeze(tender: Tender) -> None:
    """Freeze scale, criteria, weights and method (inside the caller's transaction); idempotent."""
    if tender.frozen_at is None:
        if not tender.criteria or not tender.bidders:
            raise Conflict("tender_incomplete")
        tender.frozen_at = utcnow()
        audit.record(tender.event, "system", "tender_frozen",
                     f"{tender.scale_type} {tender.method} "
                     + "; ".join(f"{c.name} {Decimal(c.weight).normalize():f}" for c in tender.criteria))


def _check_name(name: str, limit: int = 120) -> str:
    if not name.strip() or len(name.strip()) > limit:
        raise DomainError("name_required", maximum=limit)
    return name.strip()


def _parse_weight(text: str) -> Decimal:
    try:
        return parse_weight(text, "weight")
    except EventFileError:
        raise DomainError("weight_invalid", weight=text) from None


def add_criterion(tender: Tender, actor: str, name: str, description: str, weight: str) -> Criterion:
    _refuse_if_frozen(tender)
    clean = _check_name(name)
    if any(c.name.casefold() == clean.casefold() for c in tender.criteria):
        raise Conflict("criterion_exists", name=clean)
    if len(description) > 1000:
        raise DomainError("text_too_long", maximum=1000)
    criterion = Criterion(public_id=new_public_id(), name=clean, description=description.strip(),
                          weight=_parse_weight(weight), position=len(tender.criteria))
    tender.criteria.append(criterion)
    audit.record(tender.event, actor, "criterion_added", f"{clean} {criterion.weight}")
    db.session.commit()
    return criterion


def update_criterion(tender: Tender, actor: str, criterion: Criterion, name: str, description: str,
                     weight: str) -> None:
    """The explanation may change at any time; the name and weight only before the freeze."""
    clean = _check_name(name)
    new_weight = _parse_weight(weight)
    if len(description) > 1000:
        raise DomainError("text_too_long", maximum=1000)
    if clean != criterion.name or new_weight != Decimal(criterion.weight):
        _refuse_if_frozen(tender)
        if any(c.name.casefold() == clean.casefold() and c.id != criterion.id for c in tender.criteria):
            raise Conflict("criterion_exists", name=clean)
        audit.record(tender.event, actor, "criterion_changed",
                     f"{criterion.name} {Decimal(criterion.weight).normalize()} -> {clean} {new_weight.normalize()}")
    criterion.name = clean
    criterion.weight = new_weight
    criterion.description = description.strip()
    db.session.commit()


def remove_criterion(tender: Tender, actor: str, criterion: Criterion) -> None:
    _refuse_if_frozen(tender)
    tender.criteria.remove(criterion)
    for position, each in enumerate(tender.criteria):
        each.position = position
    audit.record(tender.event, actor, "criterion_removed", criterion.name)
    db.session.commit()


def _check_website(website: str) -> str:
    clean = website.strip()
    if clean and (not clean.startswith(("https://", "http://")) or len(clean) > 300):
        raise DomainError("website_invalid")
    return clean


def add_bidder(tender: Tender, actor: str, name: str, description: str = "", website: str = "") -> Bidder:
    """Bidders can be added until the freeze; after that the evening's list is fixed."""
    _refuse_if_frozen(tender)
    clean = _check_name(name)
    if any(b.name.casefold() == clean.casefold() for b in tender.bidders):
        raise Conflict("bidder_exists", name=clean)
    if len(description) > 1000:
        raise DomainError("text_too_long", maximum=1000)
    bidder = Bidder(public_id=new_public_id(), name=clean, description=description.strip(),
                    website=_check_website(website), position=len(tender.bidders))
    tender.bidders.append(bidder)
    audit.record(tender.event, actor, "bidder_added", clean)
    changes.changed(tender.event)
    db.session.commit()
    return bidder


def update_bidder(tender: Tender, actor: str, bidder: Bidder, name: str, description: str, website: str) -> None:
    clean = _check_name(name)
    if any(b.name.casefold() == clean.casefold() and b.id != bidder.id for b in tender.bidders):
        raise Conflict("bidder_exists", name=clean)
    if len(description) > 1000:
        raise DomainError("text_too_long", maximum=1000)
    if clean != bidder.name:
        audit.record(tender.event, actor, "bidder_renamed", f"{bidder.name} -> {clean}")
    bidder.name = clean
    bidder.description = description.strip()
    bidder.website = _check_website(website)
    changes.changed(tender.event)
    db.session.commit()


def remove_bidder(tender: Tender, actor: str, bidder: Bidder) -> None:
    _refuse_if_frozen(tender)
    tender.bidders.remove(bidder)
    for position, each in enumerate(tender.bidders):
        each.position = position
    if tender.current_bidder_id == bidder.id:
        tender.current_bidder_id = None
    audit.record(tender.event, actor, "bidder_removed", bidder.name)
    changes.changed(tender.event)
    db.session.commit()


def shuffle_bidders(tender: Tender, actor: str, rng: random.Random | None = None) -> list[str]:
    """Put the bidders in a random presentation order (before the freeze), recording order and time.

    ``rng`` is for tests; by default the operating system's random source decides, so nobody can predict it.
    """
    _refuse_if_frozen(tender)
    if tender.phase not in (TenderPhase.DRAFT, TenderPhase.DOORS_OPEN) or tender.current_bidder_id is not None:
        raise Conflict("shuffle_too_late")
    order = list(tender.bidders)
    (rng or secrets.SystemRandom()).shuffle(order)
    for position, bidder in enumerate(order):
        bidder.position = position
    tender.bidders.sort(key=lambda b: b.position)
    tender.shuffled_at = utcnow()
    names = [bidder.name for bidder in order]
    tender.shuffle_order = "\n".join(names)
    audit.record(tender.event, actor, "bidders_shuffled", " | ".join(names))
    changes.changed(tender.event)
    db.session.commit()
    return names


def move_bidder(tender: Tender, actor: str, bidder: Bidder, offset: int) -> None:
    """Move a bidder one place up (-1) or down (+1) in the presentation order, before the freeze."""
    _refuse_if_frozen(tender)
    order = list(tender.bidders)
    index = order.index(bidder)
    target = index + offset
    if not 0 <= target < len(order):
        return
    order[index], order[target] = order[target], order[index]
    for position, each in enumerate(order):
        each.position = position
    tender.bidders.sort(key=lambda b: b.position)
    audit.record(tender.event, actor, "bidder_moved", f"{bidder.name} -> {target + 1}")
    changes.changed(tender.event)
    db.session.commit()


def reset_scoring(tender: Tender, actor: str, confirmed: bool) -> int:
    """Discard every card and paper keying, unfreeze and put the evening back to 'doors open' (or draft).

    Refused without ``confirmed`` and after publication. Returns how many cards were discarded; the audit
    entry records that number.
    """
    if not confirmed:
        raise DomainError("reset_needs_confirmation")
    if tender.phase is TenderPhase.PUBLISHED:
        raise Conflict("already_published")
    discarded = card_count(tender)
    db.session.execute(sa.delete(Scorecard).where(Scorecard.tender_id == tender.id))
    db.session.execute(sa.delete(PaperCardKeying).where(PaperCardKeying.tender_id == tender.id))
    for bidder in tender.bidders:
        bidder.scoring_state = ScoringState.WAITING
        bidder.scoring_opened_at = bidder.scoring_closed_at = bidder.presented_at = None
        bidder.timer_started_at = None
        bidder.timer_elapsed = 0
    tender.frozen_at = None
    tender.current_bidder_id = None
    tender.results_revealed_at = None
    tender.phase = TenderPhase.DOORS_OPEN if tender.doors_opened_at else TenderPhase.DRAFT
    audit.record(tender.event, actor, "tender_reset", f"{discarded} cards discarded")
    changes.changed(tender.event)
    db.session.commit()
    return discarded


def add_from_spec(event: Event, actor: str, spec: TenderSpec) -> Tender:
    """Create a tender with its criteria and bidders from an event file (the caller commits)."""
    scale = spec.scale
    fields = TenderFields(title=spec.title, bijsluiter=spec.bijsluiter, method=spec.method,
                          scale_type=scale.kind.value, scale_min=scale.minimum, scale_max=scale.maximum,
                          verbal_grades=scale.labels or scoring.DEFAULT_VERBAL_LABELS)
    tender = add_tender(event, actor, fields)
    for position, criterion in enumerate(spec.criteria):
        tender.criteria.append(Criterion(public_id=new_public_id(), name=criterion.name, weight=criterion.weight,
                                         description=criterion.description, position=position))
    for position, bidder in enumerate(spec.bidders):
        tender.bidders.append(Bidder(public_id=new_public_id(), name=bidder.name, description=bidder.description,
                                     website=bidder.website, position=position))
    db.session.flush()
    return tender


def spec_of(tender: Tender) -> TenderSpec:
    return TenderSpec(
        title=tender.title, bijsluiter=tender.bijsluiter, method=tender.method, scale=scale_of(tender),
        criteria=tuple(CriterionSpec(c.name, Decimal(c.weight).normalize(), c.description) for c in tender.criteria),
        bidders=tuple(BidderSpec(b.name, b.description, b.website) for b in tender.bidders),
    )


def check_domain(tender: Tender) -> None:
    """Raise ``tender_incomplete`` if the domain would refuse this set-up (no criteria or bidders)."""
    try:
        scoring.cards.check_setup(criteria_of(tender), bidders_of(tender))
    except ScoreError:
        raise Conflict("tender_incomplete") from None


def ordered(items: Sequence[Bidder]) -> list[Bidder]:
    return sorted(items, key=lambda b: b.position)
