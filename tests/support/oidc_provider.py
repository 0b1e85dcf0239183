"""A real OpenID Connect provider on loopback for the sign-in tests: `oidc-provider-mock` in a subprocess.

Its users are registered with their claims (`add_user`); its sign-in form takes the subject and an
"Authorize" click. The issuer is the provider's own address, as a real provider's is.
"""

import contextlib
import http.server
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.e2e_support import free_port
from tests.support.processes import stop

STARTUP_TIMEOUT = 60.0


@dataclass
class Provider:
    url: str
    process: subprocess.Popen

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def add_user(self, subject: str, email: str, name: str, verified: bool = True) -> None:
        """Register a user with the claims the provider puts into their ID token."""
        claims = {"email": email, "email_verified": verified, "name": name}
        request = urllib.request.Request(
            f"{self.url}/users/{urllib.parse.quote(subject)}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status


@contextlib.contextmanager
def oidc_provider(log: Path) -> Iterator[Provider]:
    """Start the provider on a free loopback port, wait until it serves its metadata, always stop it."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    provider = Provider(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_serving(provider, log)
        yield provider
    finally:
        stop(process)


def _wait_until_serving(provider: Provider, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if provider.process.poll() is not None:
            raise RuntimeError(f"oidc-provider-mock exited with {provider.process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(provider.metadata_url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"oidc-provider-mock did not start within {STARTUP_TIMEOUT:.0f} s:\n{log.read_text()}")


@contextlib.contextmanager
def metadata_naming_another_issuer(provider: Provider, issuer: str) -> Iterator[str]:
    """A discovery document that is the provider's own except for its `issuer`: an app reading it expects ID
    tokens from `issuer`, while the provider (whose endpoints it still names) signs them as itself. Yields the
    document's URL, served on a free loopback port until the block ends."""
    with urllib.request.urlopen(provider.metadata_url, timeout=10) as response:
        document = json.loads(response.read()) | {"issuer": issuer}
    body = json.dumps(document).encode()

    class Discovery(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/.well-known/openid-configuration"
    finally:
        server.shutdown()
        server.server_close()


def auth_secrets(provider: Provider, app_url: str, cookie_secret: str, metadata_url: str | None = None) -> str:
    """The `[auth]` section of `.streamlit/secrets.toml` for an app at `app_url` signing in with `provider`
    (whose discovery document is read from `metadata_url` when given)."""
    return (
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "coach"\n'
        'client_secret = "coach-test-secret"\n'
        f'server_metadata_url = "{metadata_url or provider.metadata_url}"\n'
    )
