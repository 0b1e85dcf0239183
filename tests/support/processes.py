"""Subprocess helpers shared by the tests: the CLI in a subprocess, and stopping a server."""

import os
import subprocess
import sys
from pathlib import Path

from coach.config import PROJECT_ROOT


def run_coach(
    *args: str, data_dir: Path | None = None, stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`python -m coach ARGS` from the repository root, with the test's environment."""
    env = dict(os.environ)
    if data_dir is not None:
        env["COACH_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate a server started by a test; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
