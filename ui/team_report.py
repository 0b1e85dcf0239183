"""The team report of a closed round (`?round=ID`), for its owner: the dot chart, the largest disagreements'
quotes side by side, the report's text (`render_team_report`) and its downloads.

`TeamRounds.respondents` checks the viewer: anyone but the round's owner (or an admin) gets the same "no such
round" as for an unknown id, and an open round shows no answers.
"""

import json
import logging
from dataclasses import replace

import streamlit as st

from coach.diagnostic.team import Respondent, TeamReport, team_report
from coach.diagnostic.team_render import render_team_report, team_report_json
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.rounds import RoundInfo, TeamRoundError, TeamRounds
from coach.records.store import StoreUnavailable
from coach.safety import inert
from ui import resources, state, team_chart
from ui import text as ui_text

log = logging.getLogger("coach.app")
SIDE_BY_SIDE = 3
"""Dimensions whose quotes are set side by side: the largest disagreements."""
COLUMNS = 4
"""Colleagues per row of quotes."""
REFUSALS = {"unknown_round": "report_unknown", "still_open": "report_open"}
"""The store's refusals as this page words them (the store's own texts name the command line)."""


def report_lang() -> Lang:
    """The language chosen on this page; else the session's conversation's; else the browser's."""
    chosen = st.session_state.get("report_lang")
    if chosen in ui_text.LANGS:
        return chosen
    keeper = st.session_state.get("keeper")
    return keeper.conversation.lang if keeper else ui_text.browser_lang(st.context.locale)


def close_report() -> None:
    st.query_params.pop("round", None)


def as_shown(info: RoundInfo, respondents: list[Respondent], lang: Lang) -> list[Respondent]:
    """With "show roles instead of names": each colleague under their role (numbered when a role repeats)."""
    if info.show_names:
        return respondents
    labels = [respondent.role or ui_text.team(lang, "who") for respondent in respondents]
    repeated = {label for label in labels if labels.count(label) > 1}
    seen: dict[str, int] = {}
    shown = []
    for respondent, label in zip(respondents, labels, strict=True):
        if label in repeated:
            seen[label] = seen.get(label, 0) + 1
            label = f"{label} {seen[label]}"
        shown.append(replace(respondent, name=label, role=None))
    return shown


def render_report_page(round_id: str) -> None:
    lang = report_lang()
    with st.container(horizontal=True, vertical_alignment="bottom", key="report-bar"):
        st.segmented_control(
            ui_text.t(lang, "language"),
            ui_text.LANGS,
            format_func=ui_text.LANG_NAMES.get,
            key="report_lang",
            default=lang,
            required=True,
        )
        st.button(ui_text.team(lang, "back"), key="report-back", icon=":material/arrow_back:", on_click=close_report)
    try:
        info, respondents = TeamRounds(resources.shared_store()).respondents(round_id, viewer=state.viewer())
    except TeamRoundError as error:
        log.info("A team report was refused: %s", error.key)
        st.error(ui_text.team(lang, REFUSALS[error.key]) if error.key in REFUSALS else inert(error.text(lang)))
        return
    except StoreUnavailable as error:
        st.error(ui_text.team(lang, "store_down", reason=inert(str(error))))
        return
    respondents = as_shown(info, respondents, lang)
    report = team_report(respondents)
    st.title(ui_text.team(lang, "report_title", name=inert(info.name)), anchor=False)
    if not report.enough:
        st.info(ui_text.team(lang, "one_respondent", answered=report.answered), icon=":material/person:")
        return
    model = resources.readiness_model()
    render_chart(model, report, lang)
    render_side_by_side(model, report, lang)
    render_purposes(respondents, lang)
    text = render_team_report(model, report, info.name, lang)
    st.subheader(ui_text.team(lang, "full_report"), divider="gray", anchor=False)
    st.markdown(inert(text.partition("\n")[2] if text.startswith("# ") else text))  # its title is the page's
    render_downloads(info, report, text, lang)


def render_chart(model: ReadinessModel, report: TeamReport, lang: Lang) -> None:
    st.subheader(ui_text.team(lang, "chart_title"), divider="gray", anchor=False)
    if not team_chart.dot_rows(model, report, lang):
        st.caption(ui_text.team(lang, "chart_none"))
        return
    st.altair_chart(
        team_chart.dot_chart(model, report, lang),
        width="stretch",
        alt=team_chart.chart_description(model, report, lang),
    )


def render_side_by_side(model: ReadinessModel, report: TeamReport, lang: Lang) -> None:
    """For the largest disagreements: each colleague's level and clearest quote, next to each other."""
    disagreements = [spread for spread in report.dimensions if spread.disagreement][:SIDE_BY_SIDE]
    if not disagreements:
        return
    st.subheader(ui_text.team(lang, "side_by_side"), divider="gray", anchor=False)
    for spread in disagreements:
        st.markdown(f"**{inert(model.dimension(spread.dimension).name(lang))}**")
        known = spread.known
        for start in range(0, len(known), COLUMNS):
            row = known[start : start + COLUMNS]
            for column, position in zip(st.columns(COLUMNS), row, strict=False):
                with column.container(border=True, key=f"quote-{spread.dimension}-{start}-{row.index(position)}"):
                    label = ui_text.respondent_label(position.name, position.role)
                    st.markdown(f"**{inert(label)}** · {ui_text.team(lang, 'level', level=position.level)}")
                    st.caption(inert(position.quote) if position.quote else ui_text.team(lang, "no_quote"))


def render_purposes(respondents: list[Respondent], lang: Lang) -> None:
    """The recall check's sentences, side by side."""
    sentences = [(respondent, respondent.purpose) for respondent in respondents if respondent.purpose]
    if not sentences:
        return
    st.subheader(ui_text.team(lang, "purposes"), divider="gray", anchor=False)
    for start in range(0, len(sentences), COLUMNS):
        for column, (respondent, sentence) in zip(
            st.columns(COLUMNS), sentences[start : start + COLUMNS], strict=False
        ):
            with column.container(border=True):
                st.markdown(f"**{inert(ui_text.respondent_label(respondent.name, respondent.role))}**")
                st.caption(inert(sentence))


def render_downloads(info: RoundInfo, report: TeamReport, text: str, lang: Lang) -> None:
    st.subheader(ui_text.team(lang, "downloads"), divider="gray", anchor=False)
    stem = f"team-{info.id[:8]}"
    data = json.dumps(team_report_json(report, info.id, info.name), ensure_ascii=False, indent=2)
    with st.container(horizontal=True, key="team-downloads"):
        st.download_button(
            ui_text.t(lang, "download_md"),
            data=text,
            file_name=f"{stem}.md",
            mime="text/markdown",
            key="team-download-md",
            on_click="ignore",
        )
        st.download_button(
            ui_text.t(lang, "download_json"),
            data=data,
            file_name=f"{stem}.json",
            mime="application/json",
            key="team-download-json",
            on_click="ignore",
        )
