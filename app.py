"""The Streamlit app: the page and the order of one run. Rendering lives in `ui/`, everything else in `coach/`.

Run: `streamlit run app.py`. One chat for questions and the diagnostic; the live stage summary and
the settings in the sidebar. Per-user state is one `Conversation` in `st.session_state`; the coach
(embedder, index, readiness model) is built once per process and shared.
"""

import streamlit as st

from coach.config import Settings
from coach.session import intake
from ui import chat, checker, identity, sharing, sidebar, state
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
    lang = talk.lang
    if message is not None:
        accepted = chat.take_message(talk, message, shared.coach.settings)
        if accepted is not None:
            state.save()  # the message is stored before the coach can fail
    else:
        accepted = intake.unanswered(talk) if writable else None
    if accepted is not None:
        chat.reply(shared, talk, accepted)
        state.save()
        if talk.lang != lang or talk.turns[-1].took_back:
            # the first message chose the language: draw the whole page in it; or the reply took back an
            # earlier message, which is drawn above with its mark
            st.rerun()
    if checker.form_open(talk):
        checker.render_form(shared, talk)
    sidebar.render_sidebar(shared, talk)


main()
