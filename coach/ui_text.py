"""Every string the app shows, in English and German, and the small formatting helpers around them."""

from coach.config import Settings
from coach.index import IndexStats, SyncReport
from coach.text import Lang
from coach.transcript import readable_time

LANGS: tuple[Lang, ...] = ("en", "de")
LANG_NAMES = {"en": "English", "de": "Deutsch"}
PAGE_TITLE = "Social media strategy coach"
PAGE_ICON = "🧭"  # an emoji favicon is inlined; a :material/ one would be fetched from the internet
COACH_AVATAR = ":material/explore:"
USER_AVATAR = ":material/person:"

EXAMPLES: dict[Lang, list[str]] = {
    "en": [
        "Is posting three times a week a strategy?",
        "What is the difference between a strategy and an action plan?",
        "Who should be responsible for social media?",
        "Does every company need to reach stage 3?",
    ],
    "de": [
        "Wir posten dreimal pro Woche auf Instagram – ist das eine Strategie?",
        "Was ist der Unterschied zwischen Strategie und Maßnahmenplan?",
        "Wer sollte für Social Media verantwortlich sein?",
        "Muss jedes Unternehmen Stufe 3 erreichen?",
    ],
}

TEXT: dict[Lang, dict[str, str]] = {
    "en": {
        "title": "Social media strategy coach",
        "tagline": "Grounded answers from a small library of articles, and a diagnostic of your readiness stage.",
        "welcome": (
            "Hello! I answer questions about social media strategy from my articles, always with the "
            "sources I used, and I can run a short diagnostic (6-10 questions) that shows where your "
            "company stands and which three steps come next. Try one of these, or type your own:"
        ),
        "start": "Start the diagnostic",
        "summary_now": "Show the result now",
        "summary_word": "Summary",
        "placeholder": "Your question or answer…",
        "empty": "That message was empty: type a question or an answer first.",
        "thinking": "Thinking…",
        "sources": "Sources ({count})",
        "lang_en": "English",
        "lang_de": "German",
        "coach_error": "Sorry, I could not answer that. {reason} Your conversation is kept: please try again.",
        "unexpected": (
            "Sorry, something went wrong on my side while answering. Your conversation is kept: please "
            "try again in a moment, or start a new conversation if it keeps happening."
        ),
        "start_failed": "The coach could not start. {reason}",
        "start_failed_unexpected": (
            "The coach could not start because of an unexpected error; the server log has the details."
        ),
        "building": "Building the knowledge index (only after the articles changed)… {done}/{total}",
        "preparing": "Preparing the coach…",
        "panel": "Your readiness stage",
        "panel_empty": (
            "Nothing to show yet. Start the diagnostic and your stage, the eight dimensions and your next "
            "steps appear here as you answer."
        ),
        "panel_waiting": "No evidence yet: answer the first question and your stage appears here.",
        "stage": "Stage {number} of 3 · {name}",
        "confidence": "Confidence {value:.0%}",
        "dimensions": "Dimensions (level 0-3)",
        "unknown": "unknown",
        "dimension": "Dimension",
        "level": "Level",
        "certainty": "Confidence",
        "chart_alt": "The eight dimensions and their levels: {levels}.",
        "next_steps": "Next steps",
        "settings": "Settings and status",
        "language": "Language",
        "new": "New conversation",
        "mode": "Mode",
        "mode_offline": "Offline coach (no model configured)",
        "mode_model": "Model: {model}",
        "index": "Knowledge index",
        "index_stats": "{articles} articles · {chunks} passages",
        "index_updated": "Last update: {when}",
        "never": "never",
        "reindex": "Re-index the articles",
        "reindexing": "Re-indexing… {done}/{total}",
        "reindex_nothing": "The index is up to date: nothing changed.",
        "reindex_done": "Index updated: {added} added, {changed} changed, {removed} removed passages.",
        "reindex_failed": "Re-indexing failed. {reason}",
        "conversations": "Your conversations",
        "conversations_empty": "Saved conversations appear here.",
        "current": "open now",
        "delete": "Delete",
        "delete_confirm": "Delete this conversation and its share links for good?",
        "deleted": "The conversation and its share links are deleted.",
        "stage_short": "stage {number}",
        "share_export": "Share and export",
        "download_md": "Markdown",
        "download_json": "JSON",
        "download_pdf": "PDF",
        "share": "Create a read-only link",
        "link_valid": "The link stays valid",
        "link_forever": "until revoked",
        "link_days": "for {days} day(s)",
        "share_hint": "Anyone with this link sees the conversation as it is now (no chat). Copy it:",
        "share_failed": "The link could not be created: {reason}",
        "links": "Active links",
        "link_created": "created {when}",
        "link_expires": "expires {when}",
        "revoke": "Revoke",
        "revoked": "The link is revoked.",
        "store_down": (
            "Your conversation cannot be saved right now ({reason}). It stays in this tab and is saved "
            "as soon as the store is back."
        ),
        "store_down_short": "The conversation store is unavailable right now: {reason}",
        "forked": "This conversation was continued in another tab; what you wrote here is saved as a new conversation.",
        "not_found": "That conversation is not stored (perhaps it was deleted): this is a new one.",
        "link_invalid_title": "This link is not valid",
        "link_invalid": (
            "The link may have been revoked, may have expired, or may be mistyped. Ask the person who "
            "shared it for a new one."
        ),
        "shared_caption": "A read-only copy of a conversation, shared {when}.",
        "shared_summary": "Summary",
        "shared_transcript": "Conversation",
        "shared_no_summary": "This conversation has no diagnostic summary.",
        "open_app": "Open the coach",
    },
    "de": {
        "title": "Social-Media-Strategie-Coach",
        "tagline": "Fundierte Antworten aus einer kleinen Artikelsammlung und eine Diagnose Ihrer Reifestufe.",
        "welcome": (
            "Hallo! Ich beantworte Fragen zur Social-Media-Strategie aus meinen Artikeln, immer mit den "
            "Quellen, die ich verwendet habe, und ich kann eine kurze Diagnose (6-10 Fragen) durchführen, "
            "die zeigt, wo Ihr Unternehmen steht und welche drei Schritte als Nächstes kommen. Probieren "
            "Sie eine dieser Fragen oder schreiben Sie Ihre eigene:"
        ),
        "start": "Diagnose starten",
        "summary_now": "Ergebnis jetzt anzeigen",
        "summary_word": "Zusammenfassung",
        "placeholder": "Ihre Frage oder Antwort …",
        "empty": "Die Nachricht war leer: Schreiben Sie zuerst eine Frage oder eine Antwort.",
        "thinking": "Einen Moment …",
        "sources": "Quellen ({count})",
        "lang_en": "Englisch",
        "lang_de": "Deutsch",
        "coach_error": (
            "Das konnte ich leider nicht beantworten. {reason} Ihr Gespräch bleibt erhalten: Bitte "
            "versuchen Sie es noch einmal."
        ),
        "unexpected": (
            "Leider ist beim Antworten auf meiner Seite etwas schiefgegangen. Ihr Gespräch bleibt erhalten: "
            "Bitte versuchen Sie es gleich noch einmal oder beginnen Sie ein neues Gespräch, wenn es wieder "
            "passiert."
        ),
        "start_failed": "Der Coach konnte nicht starten. {reason}",
        "start_failed_unexpected": (
            "Der Coach konnte wegen eines unerwarteten Fehlers nicht starten; Details stehen im Server-Log."
        ),
        "building": "Der Wissensindex wird aufgebaut (nur wenn sich Artikel geändert haben) … {done}/{total}",
        "preparing": "Der Coach wird vorbereitet …",
        "panel": "Ihre Reifestufe",
        "panel_empty": (
            "Noch nichts zu sehen. Starten Sie die Diagnose, dann erscheinen hier während Ihrer Antworten "
            "Ihre Stufe, die acht Dimensionen und Ihre nächsten Schritte."
        ),
        "panel_waiting": "Noch keine Hinweise: Beantworten Sie die erste Frage, dann erscheint hier Ihre Stufe.",
        "stage": "Stufe {number} von 3 · {name}",
        "confidence": "Sicherheit {value:.0%}",
        "dimensions": "Dimensionen (Stufe 0-3)",
        "unknown": "unbekannt",
        "dimension": "Dimension",
        "level": "Stufe",
        "certainty": "Sicherheit",
        "chart_alt": "Die acht Dimensionen und ihre Stufen: {levels}.",
        "next_steps": "Nächste Schritte",
        "settings": "Einstellungen und Status",
        "language": "Sprache",
        "new": "Neues Gespräch",
        "mode": "Modus",
        "mode_offline": "Offline-Coach (kein Modell konfiguriert)",
        "mode_model": "Modell: {model}",
        "index": "Wissensindex",
        "index_stats": "{articles} Artikel · {chunks} Abschnitte",
        "index_updated": "Letzte Aktualisierung: {when}",
        "never": "nie",
        "reindex": "Artikel neu indexieren",
        "reindexing": "Neu indexieren … {done}/{total}",
        "reindex_nothing": "Der Index ist aktuell: Nichts hat sich geändert.",
        "reindex_done": "Index aktualisiert: {added} neu, {changed} geändert, {removed} entfernte Abschnitte.",
        "reindex_failed": "Das Neu-Indexieren ist fehlgeschlagen. {reason}",
        "conversations": "Ihre Gespräche",
        "conversations_empty": "Gespeicherte Gespräche erscheinen hier.",
        "current": "gerade geöffnet",
        "delete": "Löschen",
        "delete_confirm": "Dieses Gespräch und seine Links endgültig löschen?",
        "deleted": "Das Gespräch und seine Links sind gelöscht.",
        "stage_short": "Stufe {number}",
        "share_export": "Teilen und exportieren",
        "download_md": "Markdown",
        "download_json": "JSON",
        "download_pdf": "PDF",
        "share": "Link zum Lesen erstellen",
        "link_valid": "Der Link gilt",
        "link_forever": "bis zum Widerruf",
        "link_days": "{days} Tag(e)",
        "share_hint": "Wer diesen Link hat, sieht das Gespräch im jetzigen Stand (ohne Chat). Kopieren Sie ihn:",
        "share_failed": "Der Link konnte nicht erstellt werden: {reason}",
        "links": "Aktive Links",
        "link_created": "erstellt {when}",
        "link_expires": "läuft ab {when}",
        "revoke": "Widerrufen",
        "revoked": "Der Link ist widerrufen.",
        "store_down": (
            "Ihr Gespräch kann gerade nicht gespeichert werden ({reason}). Es bleibt in diesem Tab erhalten "
            "und wird gespeichert, sobald der Speicher wieder verfügbar ist."
        ),
        "store_down_short": "Der Gesprächsspeicher ist gerade nicht verfügbar: {reason}",
        "forked": (
            "Dieses Gespräch wurde in einem anderen Tab fortgesetzt; was Sie hier geschrieben haben, ist als "
            "neues Gespräch gespeichert."
        ),
        "not_found": "Dieses Gespräch ist nicht gespeichert (vielleicht wurde es gelöscht): Dies ist ein neues.",
        "link_invalid_title": "Dieser Link ist nicht gültig",
        "link_invalid": (
            "Der Link wurde vielleicht widerrufen, ist abgelaufen oder falsch abgeschrieben. Bitten Sie die "
            "Person, die ihn geteilt hat, um einen neuen."
        ),
        "shared_caption": "Eine schreibgeschützte Kopie eines Gesprächs, geteilt am {when}.",
        "shared_summary": "Zusammenfassung",
        "shared_transcript": "Gespräch",
        "shared_no_summary": "Dieses Gespräch hat keine Diagnose-Zusammenfassung.",
        "open_app": "Den Coach öffnen",
    },
}


def t(lang: Lang, key: str, **values: object) -> str:
    """The UI string `key` in `lang`, with `values` filled in."""
    text = TEXT[lang][key]
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
