"""Private by default: `bash scripts/run` listens on loopback only; other addresses need sign-in or an explicit
COACH_ALLOW_ANONYMOUS=1 (the app refuses to serve otherwise)."""

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.support.e2e_support as e2e
from coach.config import PROJECT_ROOT
from tests.support.processes import stop

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        not (PROJECT_ROOT / ".venv" / "bin" / "streamlit").exists(),
        reason="scripts/run uses the project's .venv (scripts/test creates it)",
    ),
]
LISTEN = "0A"  # the TCP state "listening" in /proc/net/tcp
IPV4_ANY, IPV4_LOOPBACK = "00000000", "0100007F"


def listening_addresses(port: int) -> set[str]:
    """The local addresses (hex, as the kernel lists them) with a socket listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == LISTEN and int(hex_port, 16) == port:
                found.add(address)
    return found


@contextlib.contextmanager
def scripts_run(data_dir: Path, log: Path, env: dict[str, str]) -> Iterator[e2e.Server]:
    port = e2e.free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("COACH_", "OPENAI_", "CHROMA_"))},
        "COACH_DATA_DIR": str(data_dir),
        **env,
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "scripts/run", "--server.port", str(port)],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = e2e.Server(process, port, log, 0.0)
    try:
        e2e.wait_for_health(server)
        yield server
    finally:
        stop(process)


def test_scripts_run_listens_on_loopback_only_by_default(tmp_path: Path) -> None:
    with scripts_run(tmp_path / "data", tmp_path / "run.log", {}) as server:
        assert listening_addresses(server.port) == {IPV4_LOOPBACK}


def test_allowing_anonymous_visitors_listens_on_every_interface(tmp_path: Path) -> None:
    with scripts_run(tmp_path / "data", tmp_path / "run.log", {"COACH_ALLOW_ANONYMOUS": "1"}) as server:
        addresses = listening_addresses(server.port)
        assert IPV4_ANY in addresses or any(set(address) == {"0"} for address in addresses)


@pytest.mark.browser
def test_the_app_refuses_other_addresses_without_sign_in(tmp_path: Path) -> None:
    """Started by hand on every interface, without sign-in and without COACH_ALLOW_ANONYMOUS: no coach, no list.

    (The data directory is empty: the refusal comes before the coach would build its index.)"""
    from playwright.sync_api import sync_playwright

    if not e2e.CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium")
    everywhere = ["--server.address", "0.0.0.0"]
    with (
        e2e.streamlit_server(tmp_path / "data", tmp_path / "app.log", extra_args=everywhere) as server,
        sync_playwright() as playwright,
    ):
        chromium = e2e.launch_chromium(playwright)
        try:
            page = chromium.new_page()
            page.goto(server.url)
            page.get_by_text("Sign-in needed").wait_for(timeout=e2e.ANSWER_TIMEOUT_MS)
            assert page.get_by_test_id("stChatInputTextArea").count() == 0
            assert page.get_by_test_id("stSidebar").count() == 0
        finally:
            chromium.close()
