"""Who is using the app, decided once per run before anything else is drawn.

- Sign-in configured (`[auth]` in `.streamlit/secrets.toml`, Streamlit's OpenID Connect login): nothing
  but the sign-in page until the user has signed in, then a "not allowed here" page unless they are in the
  team (`COACH_TEAM_DOMAINS`, `COACH_TEAM_MEMBERS`, `COACH_ADMINS`).
- No sign-in, `COACH_ALLOW_ANONYMOUS=1`: an anonymous visitor, who holds only the conversations this
  session created or was given the id of.
- Neither: the machine's owner, on loopback only; on any other address the app refuses to serve.
"""

import logging
import urllib.error
import urllib.request
from typing import Any

import streamlit as st

from coach.config import Settings
from coach.records.access import MACHINE_OWNER, Viewer, in_team, subject_of
from coach.safety import inert
from ui import text as ui_text

log = logging.getLogger("coach.app")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ANYONE = Viewer("anonymous")
"""Whoever opens a public share link: no sign-in is asked for a capability URL."""
PROVIDER_TIMEOUT = 5.0
"""Seconds to wait for the identity provider's metadata before saying it cannot be reached."""


def auth_section() -> dict[str, Any]:
    """The `[auth]` section of the secrets (empty when there is none, or no secrets file)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: Streamlit raises rather than returning nothing
        return {}
    return section.to_dict() if hasattr(section, "to_dict") else dict(section or {})


def sign_in_configured() -> bool:
    return bool(auth_section())


def _provider() -> tuple[str | None, dict[str, Any]]:
    """The provider to sign in with: `[auth]` itself, or its one named sub-section (`[auth.NAME]`)."""
    section = auth_section()
    if "client_id" in section:
        return None, section
    named = [(name, value) for name, value in section.items() if isinstance(value, dict)]
    return named[0] if named else (None, section)


def _claims() -> dict[str, Any]:
    """The signed-in user's ID-token claims; empty before sign-in (and when sign-in is not configured)."""
    claims = st.user.to_dict()
    return claims if claims.get("is_logged_in") else {}


def viewer(settings: Settings) -> Viewer:
    """This run's viewer; draws the sign-in, "not allowed here" or "sign-in needed" page and stops instead."""
    lang = ui_text.browser_lang(st.context.locale)
    if sign_in_configured():
        return _member(settings, lang)
    if settings.allow_anonymous:
        return Viewer("anonymous", holds=frozenset(st.session_state.get("holds", ())))
    address = st.get_option("server.address")
    if address not in LOOPBACK:
        _refuse_unprotected(address, lang)
    return MACHINE_OWNER


def hold(conversation_id: str) -> None:
    """An anonymous session holds the conversations it created or opened by id (kept for this session)."""
    st.session_state.holds = {*st.session_state.get("holds", ()), conversation_id}


def _member(settings: Settings, lang) -> Viewer:
    claims = _claims()
    if not claims:
        _sign_in_page(lang)
    email = str(claims.get("email") or "").strip().lower() or None
    verified = claims.get("email_verified", True) is not False  # providers that omit it verify addresses
    if not in_team(email, verified, settings.team_domains, settings.team_members, settings.admins):
        log.info("A signed-in user outside the team was refused")
        _not_allowed_page(email, lang)
    role = "admin" if email in settings.admins else "member"
    subject = subject_of(str(claims.get("iss", "")), str(claims.get("sub", "")))
    return Viewer(role, subject, email, str(claims.get("name") or email))


def _sign_in_page(lang) -> None:
    st.title(ui_text.t(lang, "title"), anchor=False)
    st.subheader(ui_text.t(lang, "signin_title"), anchor=False)
    st.write(ui_text.t(lang, "signin_text"))
    if st.button(ui_text.t(lang, "signin_button"), key="sign-in", type="primary", icon=":material/login:"):
        name, provider = _provider()
        if _reachable(provider.get("server_metadata_url")):
            if name:
                st.login(name)
            else:
                st.login()
        else:
            st.error(ui_text.t(lang, "signin_unreachable"), icon=":material/cloud_off:")
    st.stop()


def _reachable(metadata_url: str | None) -> bool:
    """Whether the provider answers; Streamlit itself would show a bare "Authentication error" page."""
    if not metadata_url:
        return True  # a provider configured without discovery: Streamlit reports what is missing
    try:
        with urllib.request.urlopen(metadata_url, timeout=PROVIDER_TIMEOUT) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError) as error:
        log.warning("The identity provider cannot be reached: %s", error)
        return False


def _not_allowed_page(email: str | None, lang) -> None:
    st.title(ui_text.t(lang, "not_allowed_title"), anchor=False)
    st.write(ui_text.t(lang, "not_allowed", email=inert(email or "?")))
    if st.button(ui_text.t(lang, "sign_out"), key="sign-out", icon=":material/logout:"):
        st.logout()
    st.stop()


def _refuse_unprotected(address: str | None, lang) -> None:
    log.error("The app listens on %s without sign-in; set COACH_ALLOW_ANONYMOUS=1 or configure sign-in", address)
    st.title(ui_text.t(lang, "unprotected_title"), anchor=False)
    st.write(ui_text.t(lang, "unprotected", address=inert(address or "0.0.0.0")))
    st.stop()


def render_account(current: Viewer, lang) -> None:
    """In the sidebar: who is signed in (with a sign-out button), or that anyone may use this app."""
    if current.role == "anonymous":
        st.info(ui_text.t(lang, "anonymous_notice"), icon=":material/public:")
        return
    if not current.signed_in:
        return
    with st.container(horizontal=True, vertical_alignment="center", key="account"):
        label = ui_text.t(lang, "signed_in_as", name=inert(current.name or ""), email=inert(current.email or ""))
        st.caption(label + (f" · {ui_text.t(lang, 'admin_badge')}" if current.admin else ""))
        if st.button(ui_text.t(lang, "sign_out"), key="sign-out", icon=":material/logout:", type="tertiary"):
            st.logout()
