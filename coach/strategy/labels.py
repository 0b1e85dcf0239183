"""The six labels of a statement and the three verdicts of a document."""

from typing import Literal, get_args

Label = Literal["goal", "strategy", "tactic", "measure", "organisation", "other"]
LABELS: tuple[Label, ...] = get_args(Label)
Verdict = Literal["action_plan", "strategy_with_gaps", "strategy"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
