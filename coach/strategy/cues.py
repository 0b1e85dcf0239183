"""The wording the strategy articles name for each kind of statement, German and English.

A cue is a pattern and the words it matched; the classifier adds them to what the labelled examples
say, and the reason it gives quotes the matched words. Section cues read a heading ("Ziele",
"Tactics") as a hint for the statements below it.
"""

import re
from dataclasses import dataclass

from coach.strategy.labels import Label

_CHANNELS = (
    r"instagram|facebook|tiktok|linkedin|youtube|twitter|pinterest|whatsapp|threads|xing|snapchat|"
    r"newsletter|podcast|blog|reddit|mastodon|bluesky|x\.com|google[- ]?(?:profil|business|unternehmensprofil)\w*|"
    r"meta[- ]ads|stories|story|reels?|shorts|"
)
_FREQUENCY = (
    r"\d+\s*(?:x|×|mal)\s*(?:pro|per|a|in der|im|die|je)?\s*(?:woche|week|monat|month|tag|day|quartal|quarter)|"
    r"(?:pro|per|a|je|jede[nm]?|every|each)\s+(?:woche|week|monat|month|tag|day|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|monday|tuesday|wednesday|thursday|friday)|"
    r"täglich|daily|wöchentlich|weekly|monatlich|monthly|regelmäßig|regularly"
)
_FORMATS = (
    r"posts?\b|beitr[aä]g\w*|videos?|clips?|gewinnspiel\w*|giveaway\w*|kampagne\w*|campaign\w*|hashtag\w*|"
    r"influencer\w*|anzeigen|ads\b|werbeanzeige\w*|livestream\w*|live\b|webinar\w*|karussell\w*|carousel\w*|"
    r"canva|later\b|metricool|hootsuite|buffer\b|redaktionsplan|content calendar|umfrage\w*|polls?\b|takeover"
)
CUES: dict[Label, re.Pattern[str]] = {
    "tactic": re.compile(rf"\b(?:{_CHANNELS}{_FREQUENCY}|{_FORMATS})", re.IGNORECASE),
    "measure": re.compile(
        r"\b(?:kpis?|kennzahl\w*|messen|gemessen|messung|measure[ds]?|measuring|reporting|reports?\b|bericht\w*|"
        r"dashboard\w*|auswert\w*|tracking|track(?:s|ed)?\b|analytics|conversion\w*|klickrate|rate\b|quote\b|"
        r"zählen|count(?:s|ed)?\b|compare[ds]?\b|vergleichen|anteil|share of|cost per|kosten pro)",
        re.IGNORECASE,
    ),
    "organisation": re.compile(
        r"\b(?:verantwort\w*|zuständig\w*|owns?\b|owner|responsib\w*|freigabe\w*|freigegeben|gibt .* frei|approv\w*|"
        r"signs? off|budget\w*|stunden|hours|std\.|stelle\w*|fte|vollzeit|teilzeit|full[- ]time|part[- ]time|"
        r"redaktionssitzung|meeting\w*|sitzung|agentur|agency|schulung\w*|training|leitfaden|guideline\w*|"
        r"prozess\w*|process\w*|weitergeleitet|leitet .* weiter|forwarded|routed|hand(?:s|ed)? over|betreut|"
        r"runs? (?:the|all|our)|erstellt|schreibt|writes|übernimmt|takes over|vertretung|deputy)",
        re.IGNORECASE,
    ),
    "goal": re.compile(
        r"(?:\bziel\w*|\bgoals?\b|\bobjectives?\b|\btargets?\b|\baims?\b|\bsteiger\w*|\bincrease\w*|\bgrow\w*|"
        r"\bverdoppel\w*|\bdouble\b|\bsenken|\bsinken|\breduce\w*|\bcut\b|"
        r"\bbis (?:ende|20\d\d)|\bby (?:the end|20\d\d)|"
        r"\d+\s*%\s*(?:mehr|more|weniger|fewer|less)|\bmehr (?:bekanntheit|reichweite|kunden|umsatz|follower)|"
        r"\bwahrgenommen\b|\bseen as\b|\bknown (?:as|for)\b)",
        re.IGNORECASE,
    ),
    "strategy": re.compile(
        r"\b(?:verzicht\w*|bewusst\w*|statt|anstatt|instead|rather than|nicht .{1,60} sondern|not .{1,60} but|"
        r"stay out|leave .{1,40} to|überlassen|konzentrier\w*|concentrat\w*|focus(?:es|ed)? on|fokus\w*|"
        r"schwerpunkt\w*|positionier\w*|position (?:ourselves|us)|zielgruppe\w*|audience\w*|unlike|anders als|"
        r"im gegensatz|vorteil\w*|advantage\w*|edge\b|stärke\w*|strength\w*|differenzier\w*|wettbewerb\w*|"
        r"competitor\w*|social media (?:soll|should|serves|dient)|unser ansatz|our approach|deshalb|therefore|"
        r"so that|damit)",
        re.IGNORECASE,
    ),
}
SECTIONS: dict[Label, re.Pattern[str]] = {
    "goal": re.compile(r"\b(?:ziele?|goals?|objectives?|targets?|was wir erreichen wollen)\b", re.IGNORECASE),
    "tactic": re.compile(
        r"\b(?:kanäle|kanal|channels?|maßnahmen|aktionen|activities|activity plan|tactics?|taktik\w*|content|"
        r"inhalte|formate?|formats?|redaktionsplan|plan|themen|umsetzung|actions)\b",
        re.IGNORECASE,
    ),
    "organisation": re.compile(
        r"\b(?:zuständigkeit\w*|team|organisation|organization|ressourcen|resources|rollen|roles|prozess\w*|"
        r"process\w*|abläufe|budget|governance|verantwortlich\w*)\b",
        re.IGNORECASE,
    ),
    "measure": re.compile(
        r"\b(?:messung|erfolgsmessung|kpis?|kennzahlen|measures?|measurement|metrics|reporting|controlling)\b",
        re.IGNORECASE,
    ),
    "strategy": re.compile(
        r"\b(?:strategie|strategy|ansatz|approach|positionierung|positioning|where we win|wo wir gewinnen|"
        r"stoßrichtung|leitlinien?|how social media helps|zielgruppen?|audiences?|target groups?|"
        r"was wir nicht tun|what we (?:do not|don't) do)\b",
        re.IGNORECASE,
    ),
    "other": re.compile(
        r"\b(?:ausgangslage|background|situation|hintergrund|context|kontext|über uns|about us)\b", re.I
    ),
}


CONTEXT = re.compile(
    r"^(?:die |the |many |viele |unsere? |our |most |meist\w* )?(?:\w+[- ])?(?:kund\w*|customers?|clients?|buyers?|"
    r"patient\w*|gäste|guests?|people|leute|menschen|eltern|parents|competitors?|wettbewerber\w*|konkurrent\w*|"
    r"\w*anbieter|\w*händler)\b",
    re.IGNORECASE,
)
"""A statement about customers or competitors in the third person is context ("Kunden fragen zuerst auf Facebook")."""
FIRST_PERSON = re.compile(r"\b(?:wir|we|uns|us)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    """The words of a statement that point at a label."""

    label: Label
    words: str


COUNTED = re.compile(
    r"\b(?:anzahl|number of|gebucht\w*|booked|bookings?|buchungen|anfragen|enquiries|inquiries|leads?|bewerbungen|"
    r"applications|\w*termine?n?|appointments?|sign-?ups?|anmeldungen|bestellungen|orders?|downloads?|besuche\w*|"
    r"visits?)\b(?=[^.;:]{0,60}\b(?:pro|per|je|a|each) (?:monat|month|woche|week|quartal|quarter|jahr|year)\b)",
    re.IGNORECASE,
)
"""A count per period ("Gebuchte Termine … pro Monat", "enquiries per month from LinkedIn"): a measure, whose
"per month" is not a posting frequency and whose channel is where the count comes from."""


def cues_in(text: str) -> list[Cue]:
    """Every label whose wording the statement uses, with the first words that matched; a count per period is a
    measure's wording, never a tactic's."""
    counted = COUNTED.search(text)
    found = [Cue("measure", counted.group().strip())] if counted else []
    found += [
        Cue(label, match.group().strip())
        for label, pattern in CUES.items()
        if not (counted and label in ("tactic", "measure")) and (match := pattern.search(text))
    ]
    if (match := CONTEXT.search(text)) and not FIRST_PERSON.search(text):
        found.append(Cue("other", match.group().strip()))
    return found


INLINE_HEADING = re.compile(r"^\s*([^:|]{2,40}?)\s*[:|]")
"""The words before a statement's first colon or cell border ("Ziel: …", "Audience | …"): its own heading."""
INLINE_WORDS = 4
"""An inline heading is a few words; a longer lead-in is a clause of the statement itself."""


def inline_section(text: str) -> tuple[str, Label] | None:
    """The label a statement's own heading announces ("Ziel: mehr Buchungen" announces a goal), with that heading."""
    match = INLINE_HEADING.match(text)
    if not match or len(match.group(1).split()) > INLINE_WORDS:
        return None
    label = section_of(match.group(1))
    return (match.group(1), label) if label else None


def section_of(heading: str) -> Label | None:
    """The label a heading announces for the statements under it, if any."""
    for label, pattern in SECTIONS.items():
        if pattern.search(heading):
            return label
    return None
