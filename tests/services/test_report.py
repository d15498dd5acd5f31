"""The advice report built from the database matches the domain's hand-computed example, with criterion
weights (Prijs 2, Plan 1) and voter-group weights (bewoners 1, jongeren 2)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from app.domain.scoring import Method
from app.extensions import db
from app.models import Scorecard
from app.services import report
from app.services.errors import Conflict, NotFound
from tests.conftest import make_event, make_user
from tests.report_helpers import make_hand_evening


@pytest.mark.parametrize(
    ("method", "ranking", "scores"),
    [
        ("mean", ["Bravo", "Alfa"], [F(22, 3), F(125, 18)]),
        ("median", ["Alfa", "Bravo"], [F(20, 3), F(19, 3)]),
        ("majority_judgment", ["Bravo", "Alfa"], [F(7), F(7)]),
    ],
)
def test_report_matches_the_hand_computed_example(app, method: str, ranking: list[str], scores: list[F]) -> None:
    found = make_hand_evening(method=method)
    counted = report.build_report(found.event).counted
    assert counted.method is Method(method)
    assert [line.name for line in counted.ranked] == ranking
    assert [line.score for line in counted.ranked] == scores
    assert [line.rank for line in counted.ranked] == [1, 2]
    alfa = next(line for line in counted.bidders if line.name == "Alfa")
    assert (alfa.mean_score, alfa.median_score, alfa.majority_grade) == (F(125, 18), F(20, 3), "7")
    prijs, plan = alfa.criteria
    assert (prijs.weight, plan.weight) == (F(2), F(1))
    assert (prijs.judged, prijs.cant_judge, prijs.judged_weight) == (3, 0, F(4))
    assert (prijs.mean, prijs.median) == (F(27, 4), "6")
    assert (plan.judged, plan.cant_judge, plan.judged_weight, plan.mean, plan.median) == (2, 1, F(3), F(22, 3), "8")
    assert {bar.label: bar.weight for bar in prijs.distribution if bar.weight} == {"6": F(2), "7": F(1), "8": F(1)}
    assert alfa.comments == ("Goede prijs", "Sterk plan")
    assert (counted.ballots, counted.cards) == (3, 6)
    assert [(g.name, g.weight, g.voters, g.cards, g.small) for g in counted.groups] == [
        ("jongeren", F(2), 1, 2, True), ("bewoners", F(1), 2, 4, True)]
    assert [(c.channel, c.ballots, c.cards) for c in counted.channels] == [("phone", 3, 6)]
    assert counted.resamples >= 2000
    assert sum(line.first_share for line in counted.bidders) == 1


def test_report_context_from_the_evening(app) -> None:
    found = make_hand_evening(publish=True)
    card = db.session.query(Scorecard).filter(Scorecard.comment == "Sterk plan").one()
    card.comment_hidden = True
    db.session.commit()
    built = report.build_report(found.event)
    alfa = next(line for line in built.counted.bidders if line.name == "Alfa")
    assert alfa.comments == ("Goede prijs",)
    assert built.facts(alfa.key).comments_hidden == 1 and built.comments_hidden == 1
    assert built.published and built.revealed_at is not None
    assert built.group_weights == (("bewoners", F(1)), ("jongeren", F(2)))
    actions = [line.action for line in built.process_log]
    assert "results_revealed" in actions and "results_published" in actions
    assert len(built.counted.ballots_sha256) == 64 and len(built.manifest_sha256) == 64


def test_the_bootstrap_is_seeded_by_the_export(app) -> None:
    found = make_hand_evening()
    first = report.build_report(found.event).counted
    report._robustness.clear()
    report._counted.clear()
    again = report.build_report(found.event).counted
    assert first == again
    assert first.seed == int(first.ballots_sha256[:16], 16)


def test_the_count_is_cached_per_export(app) -> None:
    """A second report of the same export reuses the count; anything the export holds starts a new one."""
    found = make_hand_evening()
    first = report.build_report(found.event).counted
    assert report.build_report(found.event).counted is first
    card = db.session.query(Scorecard).filter(Scorecard.comment == "Sterk plan").one()
    card.comment_hidden = True
    db.session.commit()
    hidden = report.build_report(found.event).counted
    assert hidden is not first and hidden.ballots_sha256 != first.ballots_sha256
    assert "Sterk plan" not in next(line for line in hidden.bidders if line.name == "Alfa").comments
    bidder = next(bidder for bidder in found.tender.bidders if bidder.name == "Alfa")
    bidder.name = "Alfa & Co"
    db.session.commit()
    renamed = report.build_report(found.event).counted
    assert renamed.ballots_sha256 == hidden.ballots_sha256
    assert [line.name for line in renamed.bidders if line.name.startswith("Alfa")] == ["Alfa & Co"]


def test_refusals(app) -> None:
    with pytest.raises(NotFound) as missing:
        report.build_report(make_event())
    assert missing.value.code == "no_report"
    found = make_hand_evening(host=make_user("other@buurt.test"), reveal=False)
    with pytest.raises(Conflict):
        report.publish_report(found.event, "host@buurt.test")
