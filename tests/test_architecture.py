"""The shape of the code: layers that import only downward, a runtime that carries no lab, and one door
through which a typed message enters, in the app and in the terminal alike (ARCHITECTURE.md)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from coach.config import PROJECT_ROOT
from coach.session import intake
from coach.terminal import run_diagnostic

LAYERS = (
    "base",
    "knowledge",
    "readiness",
    "retrieval",
    "answer",
    "strategy",
    "diagnostic",
    "records",
    "session",
    "edge",
    "ui",
)
"""Lowest first: a module may import from its own layer and those before it, never from a later one."""
EDGE = {"cli", "terminal", "__main__"}
BASE_FOLDERS = {"lang"}
"""Folders of the base layer: what every layer may use."""
LAB = ("bench", "evals", "tests")


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "ui" or module == "app":
        return "ui"
    if parts[0] != "coach":
        return None
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "edge" if len(parts) > 1 and parts[1] in EDGE else "base"


def runtime_modules() -> list[tuple[str, Path]]:
    paths = [*(PROJECT_ROOT / "coach").rglob("*.py"), *(PROJECT_ROOT / "ui").rglob("*.py"), PROJECT_ROOT / "app.py"]
    return [(".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts), path) for path in paths]


def imported_names(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_every_layer_imports_only_from_itself_and_the_layers_below():
    upward = []
    for module, path in runtime_modules():
        here = LAYERS.index(layer_of(module))
        for name in imported_names(path):
            there = layer_of(name)
            if there is not None and LAYERS.index(there) > here:
                upward.append(f"{module} ({LAYERS[here]}) imports {name} ({there})")
    assert upward == []


def test_the_runtime_imports_nothing_from_the_benchmark_the_eval_sets_or_the_tests():
    lab = [
        f"{module} imports {name}"
        for module, path in runtime_modules()
        for name in imported_names(path)
        if name.split(".")[0] in LAB
    ]
    assert lab == []
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, coach.cli, coach.session.coach, ui.sidebar; print(*sorted(sys.modules))"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert [name for name in loaded if name.split(".")[0] in LAB] == []


def test_the_layers_of_this_test_cover_every_runtime_folder():
    folders = {path.name for path in (PROJECT_ROOT / "coach").iterdir() if (path / "__init__.py").exists()}
    assert folders <= set(LAYERS) | BASE_FOLDERS


@pytest.fixture
def door(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message that goes through `intake.accept`, the one place a typed message is cleaned and stored."""
    seen: list[str] = []
    accept = intake.accept

    def counting(conversation, message, settings):
        seen.append(message)
        return accept(conversation, message, settings)

    monkeypatch.setattr(intake, "accept", counting)
    return seen


def test_the_terminal_takes_every_answer_through_the_door(door: list[str], knowledge_coach) -> None:
    run_diagnostic(knowledge_coach, ["We post on LinkedIn now and then.", "Nobody owns it."], show=None)
    assert door[:2] == ["We post on LinkedIn now and then.", "Nobody owns it."]


def test_the_app_takes_a_typed_message_through_the_same_door(
    door: list[str], app_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_resource.clear()
    monkeypatch.setenv("COACH_DATA_DIR", str(app_data_dir))
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'conversations.db'}")
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    app.chat_input[0].set_value("Is posting three times a week a strategy?").run()
    assert door == ["Is posting three times a week a strategy?"]
    assert [turn.role for turn in app.session_state["keeper"].conversation.turns] == ["user", "coach"]
