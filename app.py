"""The Streamlit app: the page and the order of one run. Rendering lives in `ui/`, everything else in `coach/`.

Run: `streamlit run app.py`. One chat for questions and the diagnostic; the live stage summary and
the settings in the sidebar. Per-user state is one `Conversation` in `st.session_state`; the coach
(embedder, index, readiness model) is built once per process and shared.
"""

import streamlit as st

from coach.config import Settings
from ui import chat, checker, identity, sharing, sidebar, state, team_invite, team_report
from ui import text as ui_text

st.set_page_config(page_title=ui_text.PAGE_TITLE, page_icon=ui_text.PAGE_ICON, layout="centered")


def main() -> None:
    settings = Settings()
    token = st.query_params.get("share")
    if token is not None and settings.share_links == "public":
        sharing.render_shared(token, identity.ANYONE)  # a capability: no sign-in needed
        return
    state.set_viewer(identity.viewer(settings))  # the sign-in page first when configured; stops the refused
    if token is not None:
        sharing.render_shared(token, state.viewer())
        return
    if (invitation := st.query_params.get("team")) is not None:
        team_invite.render_invitation(invitation)  # a colleague answering a team round: nothing else here
        return
    if (round_id := st.query_params.get("round")) is not None:
        team_report.render_report_page(round_id)
        return
    talk = state.conversation()
    state.render_notice()
    shared = chat.start_coach(talk.lang)
    if shared is None:
        st.stop()
    writable = state.keeper().writable  # False: a colleague's conversation, shared with the team to read
    message = None
    if writable:
        message = st.chat_input(ui_text.t(talk.lang, "placeholder")) or st.session_state.pop("queued", None)
    st.title(ui_text.t(talk.lang, "title"), anchor=False)
    st.caption(ui_text.t(talk.lang, "tagline"))
    if not writable:
        sharing.render_read_only_note(talk)
    if writable:
        chat.render_welcome(talk.lang, offer_suggestions=not talk.turns and message is None)
    chat.render_history(talk, offer_replies=writable and message is None)
    chat.converse(shared, talk, message, writable)
    if checker.form_open(talk):
        checker.render_form(shared, talk)
    sidebar.render_sidebar(shared, talk)


main()
