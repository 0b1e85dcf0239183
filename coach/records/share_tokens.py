"""Share-link tokens: unguessable, stored only as a hash, compared in constant time."""

import hashlib
import hmac
import re
import secrets

TOKEN_BYTES = 32
"""256 bits from `secrets`; the issue asks for at least 128."""
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    """A fresh token that does not start with "-": on a command line that would read as an option
    (`python -m coach revoke -x...`). Skipping those costs 0.02 of a bit."""
    while (token := secrets.token_urlsafe(TOKEN_BYTES)).startswith("-"):
        pass
    return token


def well_formed(token: str) -> bool:
    """Whether `token` could be one of ours (length and alphabet); anything else is never looked up."""
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def token_hash(token: str) -> str:
    """What the store keeps instead of the token (SHA-256; the token itself has 256 bits of entropy)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def matches(token: str, stored_hash: str) -> bool:
    """Whether `token` hashes to `stored_hash`, compared in constant time."""
    return well_formed(token) and hmac.compare_digest(token_hash(token), stored_hash)
