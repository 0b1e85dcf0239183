"""The quotes side by side for the team's largest disagreements: what the colleagues at the two ends said.

For each dimension the report counts as disagreement (most disagreement first), the colleague with the highest
level and the one with the lowest, each with the clearest quote behind their level, so the reader sees
"Marketing: 'every channel has a named owner' – Service: 'nobody tells us who answers complaints'". Among
colleagues at the same end, the first who joined and has a quote speaks.
"""

from dataclasses import dataclass

from coach.diagnostic.team import DimensionSpread, Position, TeamReport

PAIRS = 3
"""Disagreements shown with their quotes side by side (the largest ones)."""


@dataclass(frozen=True)
class QuotePair:
    """The two ends of one disagreement: the highest level and the lowest, each with its quote."""

    dimension: str
    high: Position
    low: Position


def quote_pairs(report: TeamReport, limit: int = PAIRS) -> list[QuotePair]:
    """The quotes at the two ends of the `limit` largest disagreements that have a quote at both ends."""
    pairs = [pair for spread in report.dimensions if spread.disagreement and (pair := _ends(spread))]
    return pairs[:limit]


def _ends(spread: DimensionSpread) -> QuotePair | None:
    quoted = [position for position in spread.known if position.quote]
    if not quoted:
        return None
    levels = [position.level for position in quoted]
    if max(levels) == min(levels):
        return None
    return QuotePair(spread.dimension, _first_at(quoted, max(levels)), _first_at(quoted, min(levels)))


def _first_at(positions: list[Position], level: int) -> Position:
    return next(position for position in positions if position.level == level)
