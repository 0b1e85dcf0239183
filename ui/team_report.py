"""The team report of a closed round (`?round=ID`), for its owner: the dot chart, the largest disagreements'
quotes side by side, the report's text (`render_team_report`) and its downloads.

`TeamRounds.respondents` checks the viewer: anyone but the round's owner (or an admin) gets the same "no such
round" as for an unknown id, and an open round shows no answers.
"""

import logging
from functools import partial

import streamlit as st

from coach.diagnostic.team import Respondent, TeamReport, team_report
from coach.diagnostic.team_render import who
from coach.lang.detect import Lang
from coach.readiness.model import ReadinessModel
from coach.records.rounds import RoundInfo, TeamRoundError, TeamRounds
from coach.records.store import StoreUnavailable
from coach.records.team_export import Format, needs_embedder, report_respondents, team_export
from coach.safety import inert
from ui import resources, sharing, state, team_chart
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
    shown = report_respondents(respondents, info.show_names)
    report = team_report(respondents, show_names=info.show_names)
    st.title(ui_text.team(lang, "report_title", name=inert(info.name)), anchor=False)
    if not report.enough:
        st.info(ui_text.team(lang, "one_respondent", answered=report.answered), icon=":material/person:")
        return
    model = resources.readiness_model()
    render_chart(model, report, lang)
    render_side_by_side(model, report, lang)
    render_purposes(shown, info.show_names, lang)
    embed = shared_embedder() if needs_embedder(respondents) else None

    def export(form: Format) -> bytes:
        return team_export(
            model, info.id, info.name, respondents, form, lang, show_names=info.show_names, embed=embed, report=report
        )

    text = export("markdown").decode("utf-8")
    st.subheader(ui_text.team(lang, "full_report"), divider="gray", anchor=False)
    st.markdown(inert(text.partition("\n")[2] if text.startswith("# ") else text))  # its title is the page's
    render_downloads(info, text, export, lang)


def shared_embedder():
    """The coach's embedder's query vectors, for the recall check's similarity (the coach is built once)."""
    return resources.shared_coach().coach.embedder.query_vectors


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
                    label = who(position.name, position.role, report.names_shown)
                    st.markdown(f"**{inert(label)}** · {ui_text.team(lang, 'level', level=position.level)}")
                    st.caption(inert(position.quote) if position.quote else ui_text.team(lang, "no_quote"))


def render_purposes(respondents: list[Respondent], names_shown: bool, lang: Lang) -> None:
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
                st.markdown(f"**{inert(who(respondent.name, respondent.role, names_shown))}**")
                st.caption(inert(sentence))


def render_downloads(info: RoundInfo, text: str, export, lang: Lang) -> None:
    """Markdown, JSON and the PDF with its dot chart: the same files as `python -m coach team report`; JSON and
    PDF are made only when their button is clicked."""
    st.subheader(ui_text.team(lang, "downloads"), divider="gray", anchor=False)
    files = {"md": text, "json": partial(export, "json"), "pdf": partial(export, "pdf")}
    sharing.download_row(f"team-{info.id[:8]}", files, lang, prefix="team-")
