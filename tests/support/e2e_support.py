"""Run the app with `streamlit run` on a free loopback port and drive it with Debian's Chromium.

Used by tests/test_e2e.py and by tests/e2e_figures.py (the app's startup time and memory).
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import stop

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEALTH_TIMEOUT = 90.0
ANSWER_TIMEOUT_MS = 60_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run app.py`."""

    process: subprocess.Popen
    port: int
    log: Path
    started_at: float

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_mb(self) -> float:
        """Resident memory of the server process, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("VmRSS not found")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def streamlit_server(
    data_dir: Path,
    log: Path,
    extra_env: dict[str, str] | None = None,
    extra_args: list[str] | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """Start the app, wait (bounded) until /_stcore/health answers, and always stop it afterwards."""
    port = port or free_port()
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("COACH_", "OPENAI_", "CHROMA_"))},
        "COACH_DATA_DIR": str(data_dir),
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += extra_args or []
    started_at = time.perf_counter()
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(process, port, log, started_at)
    try:
        wait_for_health(server)
        yield server
    finally:
        stop(process)


def wait_for_health(server: Server, timeout: float = HEALTH_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"streamlit did not get healthy within {timeout:.0f} s:\n{server.log_tail()}")


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def local_only(page, server: Server, seen: list[str]) -> None:
    """Record every request the page makes; anything not to the app's own server is aborted."""

    def route(request_route, request) -> None:
        seen.append(request.url)
        if request.url.startswith((server.url, "data:", "blob:")):
            request_route.continue_()
        else:
            request_route.abort()

    page.route("**/*", route)


# -- driving the chat -------------------------------------------------------------------------------


def messages(page):
    return page.get_by_test_id("stChatMessage")


_IDLE = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return app?.getAttribute('data-test-script-state') === 'notRunning' && !document.querySelector('[data-stale=true]');
}"""


def wait_idle(page, timeout_ms: int = ANSWER_TIMEOUT_MS) -> None:
    """Until the app's script run is over and nothing on the page is stale, twice in a row.

    Twice, because a script that calls st.rerun() is briefly "not running" between its two runs.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.wait_for_function(_IDLE, timeout=max(1, (deadline - time.monotonic()) * 1000))
        page.wait_for_timeout(300)
        if page.evaluate(_IDLE):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not settle")


def open_app(page, server: Server) -> None:
    page.goto(server.url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=ANSWER_TIMEOUT_MS)
    wait_idle(page)


def send(page, text: str) -> None:
    """Type a message and wait for the coach's reply (two more chat messages)."""
    before = messages(page).count()
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")
    wait_for_messages(page, before + 2)


def click_and_wait(page, button) -> None:
    before = messages(page).count()
    button.click()
    wait_for_messages(page, before + 2)


def wait_for_messages(page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stChatMessage]').length >= n",
        arg=count,
        timeout=ANSWER_TIMEOUT_MS,
    )
    wait_idle(page)


def new_conversation(page) -> None:
    page.locator(".st-key-new").get_by_role("button").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stChatMessage]').length === 1")
    wait_idle(page)


def quick_replies(page):
    return page.locator(".st-key-quick-replies").last.get_by_role("button")


def run_diagnostic(page, pick: int = 1, max_steps: int = 14) -> int:
    """Start the diagnostic from the welcome and click quick reply `pick` until the summary; returns clicks."""
    click_and_wait(page, page.locator(".st-key-start").get_by_role("button"))
    for step in range(max_steps):
        replies = quick_replies(page)
        if page.locator(".st-key-quick-replies").count() == 0 or replies.count() == 0:
            return step
        click_and_wait(page, replies.nth(min(pick, replies.count() - 1)))
    raise AssertionError(f"no summary after {max_steps} quick replies")


def screenshot(page, name: str) -> Path:
    folder = ROOT / "artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path
