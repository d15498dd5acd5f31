"""What the counting rules see of a budget round: money, project costs and weighted ballots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.budget.pabulib import POINTS_VOTE_TYPES, Election, no_cyclic_gc


@dataclass(frozen=True)
class Instance:
    """A budget round reduced to numbers.

    ``costs`` maps each project id to its cost in whole currency units (iteration order is only used for
    display). Each ballot maps the projects a voter supports to a positive integer weight: 1 for approval,
    choose-1 and ordinal ballots (every named project counts as approved; rank is ignored), the points for
    cumulative and scoring ballots. A project a ballot does not name has weight 0.
    """

    budget: int
    costs: Mapping[str, int]
    ballots: tuple[Mapping[str, int], ...]

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError("budget must not be negative")
        for project_id, cost in self.costs.items():
            if cost < 0:
                raise ValueError(f"project {project_id!r} has a negative cost")
        for ballot in self.ballots:
            for project_id, weight in ballot.items():
                if project_id not in self.costs:
                    raise ValueError(f"a ballot names unknown project {project_id!r}")
                if weight <= 0:
                    raise ValueError(f"a ballot gives project {project_id!r} weight {weight}; weights are > 0")

    def support(self) -> dict[str, int]:
        """Total weight per project (approvals, or total points), 0 for projects nobody chose."""
        totals = dict.fromkeys(self.costs, 0)
        for ballot in self.ballots:
            for project_id, weight in ballot.items():
                totals[project_id] += weight
        return totals


def instance_from_election(election: Election) -> Instance:
    """Build the counting view of a parsed ``.pb`` election.

    Points ballots (cumulative, scoring) weigh each project by its points; a 0 point entry is dropped.
    Every other vote type (approval, choose-1, ordinal) gives each named project weight 1.
    """
    use_points = election.vote_type in POINTS_VOTE_TYPES
    ballots: list[Mapping[str, int]] = []
    with no_cyclic_gc():
        for vote in election.votes:
            if use_points and vote.points is not None:
                ballots.append({p: w for p, w in zip(vote.projects, vote.points, strict=True) if w > 0})
            else:
                ballots.append(dict.fromkeys(vote.projects, 1))
        costs = {project.id: project.cost for project in election.projects.values()}
        return Instance(budget=election.budget, costs=costs, ballots=tuple(ballots))
