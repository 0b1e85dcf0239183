"""The strategy check in the app: the paste-or-upload form and a checked paper as the chat shows it."""

import logging

import streamlit as st

from coach.errors import BadInput, CoachError
from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.records.check_export import check_of
from coach.records.conversation import Conversation, Turn
from coach.safety import inert
from coach.session import intake, papers
from coach.strategy.check import label_word, verdict_word
from coach.strategy.document import READABLE, read_upload
from ui import state

log = logging.getLogger("coach.app")

COPY = section("strategy")
COLOURS = {
    "goal": "blue", "strategy": "green", "tactic": "orange", "measure": "violet", "organisation": "red",
    "other": "gray",
}  # fmt: skip
"""Each label's badge colour; the badge always carries the label's word too."""


def form_open(talk: Conversation) -> bool:
    """The form shows after the coach offered it, until a paper has been checked."""
    return bool(talk.turns) and talk.turns[-1].kind == "strategy_offer"


def render_form(shared: intake.SharedCoach, talk: Conversation) -> None:
    """Paste or upload a paper; a paper that cannot be checked gets a message and nothing is stored."""
    copy = COPY[talk.lang]
    with st.form("strategy-check", border=True):
        pasted = st.text_area(copy["paste_label"], placeholder=copy["paste_placeholder"], height=220)
        upload = st.file_uploader(copy["upload_label"], type=[suffix.lstrip(".") for suffix in READABLE])
        submitted = st.form_submit_button(copy["submit"], type="primary", icon=":material/fact_check:")
    if not submitted:
        return
    try:
        name = upload.name if upload is not None else None
        text = read_upload(upload.name, upload.getvalue(), talk.lang) if upload is not None else pasted
        with st.spinner(copy["heading"]):
            papers.check_paper(shared.coach, talk, text, name)
    except BadInput as error:
        st.error(inert(str(error)), icon=":material/error:")
        return
    except CoachError as error:
        log.warning("The strategy check failed: %s", error)
        st.error(inert(str(error)), icon=":material/error:")
        return
    state.save()
    st.rerun()


def render_check_turn(turn: Turn, lang: Lang) -> bool:
    """Draw a strategy check turn (verdict, checks, labelled statements, suggestions); False if it is none."""
    check = check_of(turn)
    if check is None:
        return False
    copy = COPY[check.lang]
    st.markdown(f"**{copy['heading']}: {verdict_word(check.verdict, check.lang)}**")
    st.markdown(inert(check.why))
    for item in check.checks:
        icon = ":material/check_circle:" if item.passed else ":material/cancel:"
        st.markdown(f"{icon} {copy['check_' + item.name]} — _{copy['passed' if item.passed else 'failed']}_")
    st.markdown(f"**{copy['statements_heading']}**")
    st.caption(copy["legend"])
    for statement in check.statements:  # badge and text in one paragraph, so a long statement wraps beside it
        badge = f":{COLOURS[statement.label]}-badge[{label_word(statement.label, check.lang)}]"
        st.markdown(f"{badge} {inert(statement.text)}")
    with st.expander(copy["reasons"], icon=":material/help:"):
        for number, statement in enumerate(check.statements):
            label = label_word(statement.label, check.lang)
            st.markdown(f"{number}. **{label}**: {inert(statement.text)} — {inert(statement.reason)}")
    st.markdown(f"**{copy['suggestions_heading']}**")
    for suggestion in check.suggestions:
        title = suggestion.source.get("title", suggestion.source.get("key", ""))
        st.markdown(f"- {inert(suggestion.text)}  \n  :gray[{inert(title)}]")
    return True
