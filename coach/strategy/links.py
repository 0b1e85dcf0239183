"""Whether a strategy statement is particular to the company, and which tactics follow from it.

Two questions of the quick test in the strategy-vs-action-plan article, answered from the wording:
- "Could the same sentence appear unchanged in a competitor's document?" A statement is generic when it
  speaks in the words any company uses about itself (to be authentic, modern, reliable; value instead of
  advertising; reaching everyone, on every platform) and gives no reason of its own (a customer's
  behaviour, a competitor, a strength).
- "A posting schedule can be derived from it rather than the other way round": a tactic follows from a
  strategy statement when both speak of the same thing (the audience, the offer, the channel, the topic),
  compared as Snowball stems of the content words; a generic statement derives nothing.
"""

import re
from collections.abc import Sequence

from coach.answer.topics import stems
from coach.lang.detect import Lang

GENERIC = re.compile(
    r"\b(?:authenti\w*|mehrwert\w*|added value|value instead|nahbar\w*|approachable|sympathisch\w*|"
    r"modern\w*|verlässlich\w*|reliable|zuverlässig\w*|innovativ\w*|innovative|nachhaltig\w*|sustainable|"
    r"hochwertig\w*|high[- ]quality|qualität|quality|engag\w*|spannend\w*|exciting|inspir\w*|emotional\w*|"
    r"fun\b|relaxing|freundlich\w*|friendly|attraktivst\w*|most attractive|beste[nr]?\b|best\b|führend\w*|"
    r"leading|nummer (?:1|eins)|number one|no\. ?1|mehrwert statt werbung|"
    r"(?:für |to |of |with )?(?:alle|everyone|everybody|all (?:of )?(?:our|the|major)|jede[nrm]?|any)\b|"
    r"gleichermaßen|equally|so viele|as many|möglichst viele|ganze[nr]? region|whole (?:local )?community|"
    r"all ages|worldwide|weltweit|überall|everywhere|präsent|present on)",
    re.IGNORECASE,
)
"""Words any company uses about itself: self-praise, values, and 'everyone, everywhere'."""
CONTRAST = re.compile(
    r"\b(?:instead of|rather than|statt|anstatt|nicht .{1,60}\bsondern|not .{1,60}\bbut\b)", re.IGNORECASE
)
"""A choice set against what it replaces: "X statt Y", "not X but Y"."""
STOCK_CONTRAST = re.compile(r"\b(?:mehrwert|value|inhalte?|content) (?:statt|instead of|rather than)", re.IGNORECASE)
"""The contrast every paper makes ("Mehrwert statt Werbung"): no choice of its own."""
COMPOUND_PART = 5
"""Letters a stem needs to count inside a compound ("kund" is in too many words, "handwerk" is not)."""
# Words of three letters or more that say nothing about what a statement is about.
_EMPTY = set(
    "und der die das den dem des ein eine einen einem einer wir uns unser unsere unseren unserem unserer "
    "mit auf für von zum zur bei aus nach über durch als auch noch nur mehr sehr wie was wer wird werden "
    "wollen soll sollen sind ist sein haben hat dass damit dort hier jeder jede alle allen diese dieser "
    "dieses oder aber nicht kein keine social media inhalt inhalte content kanal kanäle beitrag beiträge "
    "post posts pro woche monat zeigen the and our ours we us with for from that this these those will "
    "would should can are is be been being have has their they them what which who how into onto about "
    "more most very also only not no all each every social media content channel channels post posts per "
    "week month show shows want use using make through than then".split()
)


def content_stems(text: str, lang: Lang) -> set[str]:
    """The stems of the words that say what the statement is about."""
    words = " ".join(word for word in re.findall(r"\w{3,}", text.lower()) if word not in _EMPTY)
    return {stem for stem in stems(words, lang) if len(stem) >= 3}


def is_generic(text: str, grounded: bool) -> bool:
    """A statement any competitor could sign: generic wording, no reason of its own and no contrast.

    A statement that names what it chooses against ("nicht über den Preis, sondern über Verlässlichkeit vor
    Ort", "the crews rather than the logo") is a choice of its own even in words others use.
    """
    contrast = CONTRAST.search(text) and not STOCK_CONTRAST.search(text)
    return bool(GENERIC.search(text)) and not grounded and not contrast


def following(tactics: Sequence[int], sources: Sequence[int], texts: Sequence[str], lang: Lang) -> dict[int, int]:
    """Each tactic that speaks of what a source statement speaks of, with the first such source."""
    source_stems = [(index, content_stems(texts[index], lang)) for index in sources]
    links = {}
    for tactic in tactics:
        words = content_stems(texts[tactic], lang)
        source = next((index for index, theirs in source_stems if _shared(words, theirs)), None)
        if source is not None:
            links[tactic] = source
    return links


def _shared(ours: set[str], theirs: set[str]) -> bool:
    """A stem in both, or one long stem inside a word of the other (German compounds: "Praxismanagerinnen")."""
    return bool(ours & theirs) or any(
        (len(a) >= COMPOUND_PART and a in b) or (len(b) >= COMPOUND_PART and b in a) for a in ours for b in theirs
    )
