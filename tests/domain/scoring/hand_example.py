"""The hand-computed example shared by the tally, export and robustness tests."""

from __future__ import annotations

from app.domain.scoring import Criterion, Scale

from .factories import BEWONERS, JONGEREN, bidders, card

SCALE = Scale.grade()
CRITERIA = (Criterion("prijs", "Prijs", 2), Criterion("plan", "Plan", 1))
BIDDERS = bidders("alfa", "bravo")

# Three attendees; ballot 2 could not judge Alfa's plan.
#
#   ballot  group (weight)   Alfa prijs/plan   Bravo prijs/plan
#   1       bewoners (1)     8 / 6             6 / 9
#   2       bewoners (1)     7 / –             7 / 7
#   3       jongeren (2)     6 / 8             9 / 5
#
# Alfa  prijs: 8·1 + 7·1 + 6·2 = 27 over weight 4 → mean 27/4; lower median: weight of 6 is 2 ≥ 4/2 → 6
#       plan:  6·1 + 8·2 = 22 over weight 3 (one can't-judge, left out) → mean 22/3;
#              median: weight of 6 is 1 < 3/2, of 6..8 is 3 → 8
#       mean score   (2·27/4 + 1·22/3) / 3 = (81/6 + 44/6) / 3 = 125/18 ≈ 6.94
#       median score (2·6 + 1·8) / 3 = 20/3 ≈ 6.67
#       merged for majority judgment (prijs carries 2/3, plan 1/3):
#              6: 2/3·2/4 + 1/3·1/3 = 4/9,  7: 2/3·1/4 = 1/6,  8: 2/3·1/4 + 1/3·2/3 = 7/18
#              cumulative 8/18 < 1/2, then 11/18 → majority grade 7
# Bravo prijs: 6 + 7 + 9·2 = 31 over 4 → 31/4; median: weight of 6..7 is 2 ≥ 2 → 7
#       plan:  9 + 7 + 5·2 = 26 over 4 → 13/2; median: weight of 5 is 2 ≥ 2 → 5
#       mean score   (2·31/4 + 13/2) / 3 = 22/3 ≈ 7.33
#       median score (2·7 + 5) / 3 = 19/3 ≈ 6.33
#       merged: 5: 1/3·2/4 = 1/6, 6: 2/3·1/4 = 1/6, 7: 2/3·1/4 + 1/3·1/4 = 1/4, 9: 2/3·2/4 + 1/3·1/4 = 5/12
#              cumulative 2/12, 4/12, 7/12 → majority grade 7
# Majority judgment tie-break, in 36ths (middle at 18): Alfa 6 on [0,16), 7 on [16,22), 8 on [22,36);
# Bravo 5 [0,6), 6 [6,12), 7 [12,21), 9 [21,36). Walking down from the middle Alfa leaves 7 at depth 2,
# Bravo only at depth 6; so at depth 2 Alfa's lower side is 6 and Bravo's still 7: Bravo ranks first.
# Rankings: mean Bravo, Alfa; median Alfa, Bravo; majority judgment Bravo, Alfa.
HAND_CARDS = (
    card("1", "alfa", {"prijs": 8, "plan": 6}, BEWONERS, comment="Sterk plan"),
    card("1", "bravo", {"prijs": 6, "plan": 9}, BEWONERS),
    card("2", "alfa", {"prijs": 7, "plan": None}, BEWONERS, comment="Goede prijs"),
    card("2", "bravo", {"prijs": 7, "plan": 7}, BEWONERS),
    card("3", "alfa", {"prijs": 6, "plan": 8}, JONGEREN),
    card("3", "bravo", {"prijs": 9, "plan": 5}, JONGEREN, comment="=te duur"),
)
