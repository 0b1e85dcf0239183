"""The owner's side of team rounds, in the sidebar: start a round, its invitation link (shown once), the rounds
with who has answered (never what), and closing, revoking the link, removing one colleague's answers.

Every action goes through `TeamRounds` with this run's viewer; the store refuses a round that is not theirs, so
a crafted click on someone else's round changes nothing.
"""

import logging
from datetime import UTC, datetime

import streamlit as st

from coach.config import Settings
from coach.diagnostic.team_render import who
from coach.lang.detect import Lang
from coach.records.access import may_create_links
from coach.records.rounds import RoundInfo, TeamRoundError, TeamRounds
from coach.records.store import StoreUnavailable
from coach.records.transcript import readable_time
from coach.safety import inert
from ui import resources, sharing, state
from ui import text as ui_text

log = logging.getLogger("coach.app")


def rounds() -> TeamRounds:
    return TeamRounds(resources.shared_store())


def invitation_url(token: str) -> str:
    """The link a colleague opens: this app's own address with `?team=TOKEN`."""
    return f"{sharing.app_url()}/?team={token}"


def _notice(kind: str, text: str) -> None:
    st.session_state.notice = (kind, text)


def _act(action, lang: Lang):
    """Run a store action for the owner; a refusal or an unavailable store becomes a notice."""
    try:
        return action(rounds())
    except TeamRoundError as error:
        _notice("warning", error.text(lang))
    except StoreUnavailable as error:
        _notice("warning", ui_text.team(lang, "store_down", reason=str(error)))
    return None


def create_round(lang: Lang) -> None:
    """The form's round: created for this viewer, its token kept in this session to be shown once."""
    form = st.session_state
    closes_on = form.get("team-closes")
    created = _act(
        lambda store: store.create(
            form.get("team-name", ""),
            list(form.get("team-roles") or []),
            viewer=state.viewer(),
            links=Settings().share_links,
            closes_at=closes_on.isoformat() if closes_on else None,  # the end of that day, UTC
            show_names=not form.get("team-show-roles", False),
        ),
        lang,
    )
    if created is None:
        return
    info, token = created
    state.hold_round(info.id)
    st.session_state.team_links = {**st.session_state.get("team_links", {}), info.id: token}
    _notice("success", ui_text.team(lang, "created", name=info.name))


def close_round(round_id: str, lang: Lang) -> None:
    if _act(lambda store: store.close(round_id, viewer=state.viewer()), lang) is not None:
        _notice("success", ui_text.team(lang, "closed_done"))


def revoke_invitation(round_id: str, lang: Lang) -> None:
    if _act(lambda store: store.revoke_invitation(round_id, viewer=state.viewer()), lang):
        _notice("success", ui_text.team(lang, "revoked"))


def remove_response(round_id: str, conversation_id: str, lang: Lang) -> None:
    removed = _act(lambda store: store.remove_response(round_id, conversation_id, viewer=state.viewer()), lang)
    if removed is not None:
        _notice("success" if removed else "warning", ui_text.team(lang, "removed" if removed else "not_removed"))


def open_report(round_id: str) -> None:
    st.query_params["round"] = round_id


def render_team_rounds(lang: Lang) -> None:
    """The sidebar section "Team diagnostic"."""
    st.subheader(ui_text.team(lang, "section"), divider="gray")
    mode = Settings().share_links
    if not may_create_links(state.viewer(), mode):
        st.caption(ui_text.team(lang, "links_off" if mode == "off" else "links_team_only"))
        return
    st.caption(ui_text.team(lang, "intro"))
    render_create_form(lang)
    try:
        mine = rounds().visible(viewer=state.viewer())
    except StoreUnavailable as error:
        st.caption(ui_text.team(lang, "store_down", reason=inert(str(error))))
        return
    if not mine:
        st.caption(ui_text.team(lang, "rounds_empty"))
    for info in mine:
        render_round(info, lang)


def render_create_form(lang: Lang) -> None:
    expander = st.expander(ui_text.team(lang, "start_round"), icon=":material/groups:")
    with expander, st.form("team-create", border=False, clear_on_submit=True):
        st.text_input(
            ui_text.team(lang, "round_name"), key="team-name", placeholder=ui_text.team(lang, "round_name_help")
        )
        st.multiselect(
            ui_text.team(lang, "roles"),
            ui_text.TEAM[lang]["role_options"],
            key="team-roles",
            accept_new_options=True,
            help=ui_text.team(lang, "roles_help"),
        )
        st.date_input(
            ui_text.team(lang, "closes_on"), value=None, min_value=datetime.now(UTC).date(), key="team-closes"
        )
        st.checkbox(ui_text.team(lang, "show_roles"), key="team-show-roles")
        st.form_submit_button(ui_text.team(lang, "create"), on_click=create_round, args=(lang,), type="primary")


def _round_label(info: RoundInfo, lang: Lang) -> str:
    status = ui_text.team(lang, "round_closed" if info.closed else "round_open")
    return ui_text.team(lang, "round_label", name=inert(info.name), state=status, count=info.responses)


def render_round(info: RoundInfo, lang: Lang) -> None:
    """One round: its fresh link (once), who has answered, and what the owner can do with it."""
    fresh = st.session_state.get("team_links", {}).get(info.id)
    with st.expander(_round_label(info, lang), expanded=fresh is not None, key=f"round-{info.id}"):
        if fresh is not None and info.invitation_active and not info.closed:
            st.caption(ui_text.team(lang, "invite_hint"))
            st.code(invitation_url(fresh), language=None, wrap_lines=True)
        elif info.invitation_active and not info.closed:
            st.caption(ui_text.team(lang, "invite_once"))
        notes = [ui_text.team(lang, "link_revoked")] if not info.invitation_active else []
        if info.closes_at and not info.closed:
            notes.append(ui_text.team(lang, "closes_at", when=readable_time(info.closes_at)))
        if notes:
            st.caption(" · ".join(notes))
        if info.closed:
            st.button(
                ui_text.team(lang, "report"),
                key=f"report-{info.id}",
                icon=":material/groups:",
                type="primary",
                on_click=open_report,
                args=(info.id,),
            )
        render_responses(info, lang)
        if not info.closed:
            render_round_actions(info, lang)


def render_responses(info: RoundInfo, lang: Lang) -> None:
    """Name, role and when each colleague joined: never what they answered."""
    try:
        answered = rounds().responses(info.id, viewer=state.viewer())
    except (TeamRoundError, StoreUnavailable) as error:
        log.warning("The responses of round %s cannot be shown: %s", info.id, error)
        return
    if not answered:
        st.caption(ui_text.team(lang, "nobody_yet"))
    for response in answered:
        label = who(response.name, response.role)
        with st.container(horizontal=True, vertical_alignment="center", key=f"answered-{response.conversation_id}"):
            st.caption(inert(ui_text.team(lang, "answered_line", who=label, when=readable_time(response.joined_at))))
            with st.popover("", icon=":material/person_remove:", help=ui_text.team(lang, "remove")):
                st.caption(inert(ui_text.team(lang, "remove_confirm", who=label)))
                st.button(
                    ui_text.team(lang, "remove"),
                    key=f"remove-{info.id}-{response.conversation_id}",
                    on_click=remove_response,
                    args=(info.id, response.conversation_id, lang),
                    type="primary",
                )


def render_round_actions(info: RoundInfo, lang: Lang) -> None:
    with st.container(horizontal=True, key=f"round-actions-{info.id}"):
        with st.popover(ui_text.team(lang, "close"), icon=":material/lock:"):
            st.caption(ui_text.team(lang, "close_confirm"))
            st.button(
                ui_text.team(lang, "close"),
                key=f"close-{info.id}",
                on_click=close_round,
                args=(info.id, lang),
                type="primary",
            )
        if info.invitation_active:
            st.button(
                ui_text.team(lang, "revoke"),
                key=f"revoke-round-{info.id}",
                icon=":material/link_off:",
                on_click=revoke_invitation,
                args=(info.id, lang),
            )
