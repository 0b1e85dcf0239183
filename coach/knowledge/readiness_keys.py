"""The keys of the readiness model's stages and dimensions, as `knowledge/readiness.yaml` defines them.

Every module that names a stage or a dimension takes its key from here; the keys exist nowhere else.
"""

from pathlib import Path

import yaml

from coach.config import PROJECT_ROOT

MODEL_FILE = PROJECT_ROOT / "knowledge" / "readiness.yaml"


def read_keys(path: Path) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(stages, dimensions, core dimensions, the order of asking) of a readiness model file."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    stages = tuple(stage["key"] for stage in data["stages"])
    dimensions = tuple(dimension["key"] for dimension in data["dimensions"])
    core, ask_order = tuple(data["core"]), tuple(data["ask_order"])
    if not set(core) <= set(dimensions) or sorted(ask_order) != sorted(dimensions):
        raise ValueError(f"{path}: `core` and `ask_order` must name its dimensions")
    return stages, dimensions, core, ask_order


STAGE_KEYS, DIMENSION_KEYS, CORE_DIMENSIONS, ASK_ORDER = read_keys(MODEL_FILE)
