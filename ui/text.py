"""The app's strings (`coach/lang/copy.yaml`, section `app`) and the small formatting helpers around them."""

from coach.config import Settings
from coach.knowledge.index import IndexStats, SyncReport
from coach.lang.copy import section
from coach.lang.detect import Lang
from coach.records.transcript import readable_time

LANGS: tuple[Lang, ...] = ("en", "de")
LANG_NAMES = {"en": "English", "de": "Deutsch"}
PAGE_TITLE = "Social media strategy coach"
PAGE_ICON = "🧭"  # an emoji favicon is inlined; a :material/ one would be fetched from the internet
COACH_AVATAR = ":material/explore:"
USER_AVATAR = ":material/person:"

EXAMPLES: dict[Lang, list[str]] = section("examples")

TEXT: dict[Lang, dict[str, str]] = section("app")
TEAM: dict[Lang, dict] = section("team_app")
"""The team rounds' pages: the owner's section, the invitation, the report."""


def t(lang: Lang, key: str, **values: object) -> str:
    """The UI string `key` in `lang`, with `values` filled in."""
    text = TEXT[lang][key]
    return text.format(**values) if values else text


def team(lang: Lang, key: str, **values: object) -> str:
    """The team rounds' string `key` in `lang`, with `values` filled in."""
    text = TEAM[lang][key]
    return text.format(**values) if values else text


def browser_lang(locale: str | None) -> Lang:
    """German for a German browser, English otherwise."""
    return "de" if (locale or "").lower().startswith("de") else "en"


def lang_name(code: str, lang: Lang) -> str:
    """The name of a content language (an article's `de`/`en`) in the UI language."""
    return TEXT[lang].get(f"lang_{code}", code)


def mode_label(settings: Settings, lang: Lang) -> str:
    """Which coach answers: the model's name at most, never a key or an endpoint."""
    if settings.llm_configured:
        return t(lang, "mode_model", model=settings.model)
    return t(lang, "mode_offline")


def index_lines(stats: IndexStats, lang: Lang) -> list[str]:
    when = readable_time(stats.updated_at) if stats.updated_at else t(lang, "never")
    return [t(lang, "index_stats", articles=stats.articles, chunks=stats.chunks), t(lang, "index_updated", when=when)]


def describe_sync(report: SyncReport, lang: Lang) -> str:
    if report.nothing_changed:
        return t(lang, "reindex_nothing")
    counts = {"added": len(report.added), "changed": len(report.changed), "removed": len(report.removed)}
    return t(lang, "reindex_done", **counts)
