"""The anonymous ballot export: deterministic, guarded, and a recount gives the same tally."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.scoring import (
    Card,
    Channel,
    Method,
    ScoreError,
    ScoreErrorCode,
    export_ballots,
    parse_export,
    recount,
    sha256_of_export,
    tally,
)
from app.domain.scoring.export import BOM, COLUMNS

from .factories import Tender, tenders
from .hand_example import BIDDERS, CRITERIA, HAND_CARDS, SCALE


def hand_export(method: Method = Method.MEAN) -> tuple[str, str]:
    exported = export_ballots(SCALE, CRITERIA, BIDDERS, HAND_CARDS, method)
    return exported.ballots_csv, exported.manifest_json


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def test_hand_example_export_rows() -> None:
    ballots_csv, _ = hand_export()
    assert ballots_csv.startswith(BOM)
    table = rows(ballots_csv)
    assert tuple(table[0]) == COLUMNS
    assert len(table) == 1 + 3 * 2 * 2
    # ballots renumbered by content: the jongeren ballot (weight 2) sorts by Alfa's prijs 6 first
    assert table[1] == ["1", "phone", "jongeren", "2", "alfa", "prijs", "6", ""]
    assert table[2] == ["1", "phone", "jongeren", "2", "alfa", "plan", "8", ""]
    assert table[4] == ["1", "phone", "jongeren", "2", "bravo", "plan", "5", ""]
    assert table[3] == ["1", "phone", "jongeren", "2", "bravo", "prijs", "9", "'=te duur"]
    can_t_judge = [row for row in table if row[4:6] == ["alfa", "plan"] and row[6] == ""]
    assert len(can_t_judge) == 1 and can_t_judge[0][7] == ""


def test_hand_example_manifest() -> None:
    ballots_csv, manifest_json = hand_export(Method.MAJORITY)
    manifest = json.loads(manifest_json)
    assert manifest["csv_sha256"] == sha256_of_export(ballots_csv)
    assert manifest["method"] == "majority_judgment"
    assert manifest["criteria"] == [
        {"key": "prijs", "name": "Prijs", "weight": "2"},
        {"key": "plan", "name": "Plan", "weight": "1"},
    ]
    assert manifest["scale"] == {"kind": "grade", "labels": [], "maximum": 10, "minimum": 1}
    assert (manifest["ballots"], manifest["cards"], manifest["rows"]) == (3, 6, 12)


@pytest.mark.parametrize("method", list(Method))
def test_hand_example_recount_equals_tally(method: Method) -> None:
    assert recount(*hand_export(method)) == tally(SCALE, CRITERIA, BIDDERS, HAND_CARDS, method)


def test_export_is_the_same_whatever_the_order_and_ballot_ids() -> None:
    shuffled = list(HAND_CARDS)
    random.Random(3).shuffle(shuffled)
    renamed = [replace(c, ballot=f"token-{c.ballot}-secret") for c in shuffled]
    assert export_ballots(SCALE, CRITERIA, BIDDERS, renamed, Method.MEAN) == export_ballots(
        SCALE, CRITERIA, BIDDERS, HAND_CARDS, Method.MEAN
    )
    assert "token" not in export_ballots(SCALE, CRITERIA, BIDDERS, renamed, Method.MEAN).ballots_csv


def test_a_changed_export_is_refused() -> None:
    ballots_csv, manifest_json = hand_export()
    with pytest.raises(ScoreError) as caught:
        parse_export(ballots_csv.replace(",8,", ",9,", 1), manifest_json)
    assert caught.value.code is ScoreErrorCode.EXPORT_HASH_MISMATCH


def _rehashed(ballots_csv: str, manifest_json: str) -> tuple[str, str]:
    manifest = json.loads(manifest_json)
    manifest["csv_sha256"] = sha256_of_export(ballots_csv)
    return ballots_csv, json.dumps(manifest)


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        (lambda text: text.replace("ballot,channel", "stembiljet,channel"), ScoreErrorCode.BAD_EXPORT),
        (lambda text: text.replace(",phone,", ",fax,"), ScoreErrorCode.BAD_EXPORT),
        (lambda text: text.replace(",prijs,6,", ",prijs,11,"), ScoreErrorCode.OUT_OF_RANGE),
        (lambda text: text.replace(",plan,8,", ",sfeer,8,"), ScoreErrorCode.MISSING_CRITERION),
        (lambda text: text + "1,phone,jongeren,2,alfa\n", ScoreErrorCode.BAD_EXPORT),
        (lambda text: text.replace(",bravo,", ",zulu,"), ScoreErrorCode.UNKNOWN_BIDDER),
    ],
)
def test_malformed_exports_are_refused(edit: object, code: ScoreErrorCode) -> None:
    ballots_csv, manifest_json = hand_export()
    with pytest.raises(ScoreError) as caught:
        parse_export(*_rehashed(edit(ballots_csv), manifest_json))  # type: ignore[operator]
    assert caught.value.code is code


def test_manifest_of_another_format_is_refused() -> None:
    ballots_csv, manifest_json = hand_export()
    manifest = json.loads(manifest_json)
    manifest["version"] = 99
    with pytest.raises(ScoreError) as caught:
        parse_export(ballots_csv, json.dumps(manifest))
    assert caught.value.code is ScoreErrorCode.BAD_EXPORT
    for broken in ("{not json", "[]", '{"format": "buurtstem-tender-ballots", "version": 1}'):
        with pytest.raises(ScoreError) as caught:
            parse_export(ballots_csv, broken)
        assert caught.value.code is ScoreErrorCode.BAD_EXPORT


@settings(max_examples=150)
@given(tenders())
def test_recount_from_the_export_reproduces_the_tally(tender: Tender) -> None:
    exported = export_ballots(*tender.args)
    read = parse_export(exported.ballots_csv, exported.manifest_json)
    assert recount(exported.ballots_csv, exported.manifest_json) == tally(*tender.args)
    assert Counter(map(_content, read.cards)) == Counter(map(_content, tender.cards))
    again = export_ballots(read.scale, read.criteria, read.bidders, read.cards, read.method)
    assert again == exported


def _content(card: Card) -> tuple[object, ...]:
    """A card without its ballot id (the export renumbers ballots)."""
    return (card.bidder, card.group, card.group_weight, card.channel, card.comment, tuple(card.scores.items()))


@given(st.text(max_size=20))
def test_any_comment_survives_the_guard(comment: str) -> None:
    cards = [replace(HAND_CARDS[0], comment=comment, channel=Channel.PAPER), *HAND_CARDS[1:]]
    exported = export_ballots(SCALE, CRITERIA, BIDDERS, cards, Method.MEAN)
    read = parse_export(exported.ballots_csv, exported.manifest_json)
    assert comment in [c.comment for c in read.cards]
    for row in rows(exported.ballots_csv)[1:]:
        assert not row[7].startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.text(max_size=20), st.text(min_size=1, max_size=12))
def test_the_export_is_what_csv_writer_writes(comment: str, group: str) -> None:
    """The export is joined as text (faster); it must stay byte for byte what ``csv.writer`` writes."""
    cards = [replace(HAND_CARDS[0], comment=comment, group=group), *HAND_CARDS[1:]]
    ballots_csv = export_ballots(SCALE, CRITERIA, BIDDERS, cards, Method.MEAN).ballots_csv
    written = io.StringIO()
    csv.writer(written, lineterminator="\r\n").writerows(rows(ballots_csv))
    assert BOM + written.getvalue() == ballots_csv
