"""How a question reads before anything is retrieved: its kind, and whether it is a follow-up, vague or a
company's situation. Word patterns only (German and English), so every decision can be explained.

- kind: what the first sentence of the answer has to be (a definition, a yes/no, a who, a first step, how
  long it takes);
- follow-up: a short or pointing question that needs the previous turn ("und wer?", "why?", "an example?");
- vague: no topic of its own ("Wie fange ich an?", "help", "what should we do next?");
- situational: the marketer describes the company ("We're a 20-person bakery chain ...").
"""

import re
from typing import Literal

from coach.text import split_sentences

Kind = Literal["definition", "yes_no", "who", "first_step", "example", "why", "how_long", "other"]

_KINDS: tuple[tuple[Kind, re.Pattern], ...] = (
    (
        "how_long",
        re.compile(
            r"\b(how long|how soon|how much time|timeline|time ?frame|wie lange|wie schnell|wie viel zeit|"
            r"bis wann|zeitplan|zeitrahmen|zeitraum|zeithorizont|dauert|dauern)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "first_step",
        re.compile(
            r"\b(start|begin|get started|first step|first steps|comes first|do first|next step|next steps|do next|"
            r"what now|what next|anfangen|fange\w*|beginnen|beginne\w*|erste[nrs]? schritt\w*|zuerst|"
            r"nächste[nrs]? schritt\w*|als nächstes|was (?:jetzt|nun|tun)|was machen wir)\b",
            re.IGNORECASE,
        ),
    ),
    ("who", re.compile(r"^\W*(?:(?:and|und|but|aber|so|also)\W+)?(?:who|whom|wer|wem|wen)\b", re.IGNORECASE)),
    ("why", re.compile(r"^\W*(?:(?:and|und|but|aber|so|also)\W+)?(?:why|warum|wieso|weshalb)\b", re.IGNORECASE)),
    ("example", re.compile(r"\b(examples?|for instance|beispiel\w*|zum beispiel)\b", re.IGNORECASE)),
    (
        "definition",
        re.compile(
            r"^\W*(?:(?:and|und)\W+)?(?:what(?:'s| is| are| does .{1,60} mean)(?! the (?:most|best|main|first)\b)|"
            r"what do you mean|"
            r"was (?:ist|sind|bedeute\w*|heißt|heisst|meint|meinen|versteht man)|define|definition)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "yes_no",
        re.compile(
            r"^\W*(?:(?:and|und|but|aber|so|also)\W+)?(?:is|are|does|do|should|must|can|could|has|have|need|will|"
            r"would|may|ist|sind|muss|müssen|soll|sollen|sollte|sollten|braucht|brauchen|kann|können|hat|haben|"
            r"gibt es|lohnt|darf|dürfen|funktioniert|reicht|bringt|hilft|macht es)\b|"
            r"\b(?:is that|is this|is it|are we|ist das|ist dies|sind wir|reicht das)\b[^?]*\?",
            re.IGNORECASE,
        ),
    ),
)

_WORD = re.compile(r"[^\W\d_]{2,}")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")

# Words that carry no topic of their own: a question made only of them is vague.
_GENERIC = set(
    """
    a an the and or but so to of for in on at with about me my we us our you your i it this that what how where
    which when who should could would can do does did is are be get go going now next then first start starting
    begin help please tips tip advice ideas idea any anything something ok okay hi hello hey where's what's
    step steps thing things best way good social media doing done even really just new topic whole all am i'm im
    want wants need needs boss know don't dont no clue lost overwhelmed beginner newbie totally completely
    there here honestly bit out figure matters matter most important better improve ideas thoughts explain
    stuff kind sort
    ein eine einen der die das den dem und oder aber zu für mit auf an bei von wie wo was wer ich wir uns mir
    mich du sie ihr es dies jetzt nun nächstes nächste als erst erste erster ersten schritt schritte anfangen
    fange beginnen beginne soll sollen sollte sollten kann können tun machen mache hilfe bitte tipps tipp rat
    ratschlag ideen idee gibt geht starten start hallo hi am besten gut gute man denn eigentlich dann so ist
    sind bin bist hat habe haben neu thema ganz dem chef chefin will möchte brauche brauchen total völlig keine
    ahnung überfordert einsteiger anfänger mal überhaupt genau hier damit davon ganzen ganze alles bloß bloss
    kram hab besser verbessern erklär erkläre erklären wichtig wichtigste wichtigsten sachen zeug sollen
    """.split()
)

_SITUATION = re.compile(
    r"^\W*(?:hi|hello|hallo)?\W*(?:we(?:'re| are| have|'ve| run| sell| make| do| post)|our |i run|i'm |i am |"
    r"i work|my company|my team|as a |wir (?:sind|haben|posten|machen|verkaufen|betreiben)|unser\w* |bei uns|"
    r"ich (?:bin|leite|habe|arbeite|führe)|mein\w* (?:firma|unternehmen|team|chef)|als )",
    re.IGNORECASE,
)
SITUATION_WORDS = 7

_POINTING = re.compile(
    r"^\W*(?:and|und|also|but|aber|so|then|dann|what about|how about|and what about|und was ist mit|wie ist es mit|"
    r"was ist mit|und bei|und wie|and how|why|warum|wieso|weshalb|how so|inwiefern|an example|ein beispiel|"
    r"more|mehr|for us|bei uns)\b|\b(?:that|this|it|them|those|these|there|das|dies\w*|dafür|example|beispiel|"
    r"daran|dazu|davon|damit|darüber|dann|so was|sowas)\b",
    re.IGNORECASE,
)
FOLLOW_UP_WORDS = 8

# A message that opens as a continuation of the previous one ("und wenn es bei uns ...", "ok but who exactly?",
# "and then what do we do with it?") leans on it even when it is longer than a short follow-up.
_CONTINUES = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|hm+|ja|yes|yeah|right|gut|alles klar)\W+)?"
    r"(?:and|und|but|aber|then|dann|oder|or|what if|und wenn|and if)\b",
    re.IGNORECASE,
)
CONTINUATION_WORDS = 14


# A question that opens with a question word ("which one is it when ...?") asks for a thing, not a yes or no.
_ASKS_WHICH = re.compile(
    r"^\W*(?:(?:and|und|but|aber|so|also)\W+)?(?:which|what|who|how|why|where|when|welche\w*|was|wer|wie|warum|wo|wann)\b",
    re.IGNORECASE,
)


def question_kind(text: str) -> Kind:
    """What the first sentence of the answer has to do; the first matching pattern decides."""
    for kind, pattern in _KINDS:
        if pattern.search(text) and not (kind == "yes_no" and _ASKS_WHICH.search(text)):
            return kind
    return "other"


def words(text: str) -> list[str]:
    """The words of two letters or more, URLs left out."""
    return _WORD.findall(_URL.sub(" ", text))


def has_words(text: str) -> bool:
    """Whether there is a sentence to answer at all (not only emoji, numbers, punctuation or a URL)."""
    return bool(words(text))


def topic_words(text: str) -> list[str]:
    """The words that name a topic (everything but the generic words of a request)."""
    return [word for word in words(text) if word.lower() not in _GENERIC]


def is_vague(text: str) -> bool:
    """A request with no topic of its own: "Wie fange ich an?", "help", "what should we do next?"."""
    return has_words(text) and not topic_words(text)


# A message that asks where to begin or for the basics ("hab null ahnung, wo fang ich an?", "what actually matters
# first?", "so ganz grundsätzlich") wants an orientation when it names nothing the articles are about.
_ORIENTATION = re.compile(
    r"(?i)\b(no (?:idea|clue)|clueless|keine ahnung|null ahnung|grundsätzlich|grundsaetzlich|basics|grundlagen|"
    r"understand|verstehen|versteh|matters? (?:most|first)|wo (?:soll|sollen|fang|fange|fangen)\b.{0,30}\ban\b|"
    r"where (?:do|should|to|can) (?:i|we)\b.{0,20}\b(?:start|begin)|how do (?:i|we)\b.{0,10}\b(?:start|begin)|"
    r"wie (?:geh|gehe|gehen) (?:ich|wir) (?:da )?vor)"
)
TOPIC_STEM = 5
"""Words are compared with the articles' headings by their first letters ("Strategie", "Strategien")."""


def topic_stems(headings: list[str]) -> set[str]:
    """The stems of the topic words of the articles' titles and section headings: what the articles are about."""
    return {_stem(word) for heading in headings for word in topic_words(heading) if len(word) >= 4}


def _stem(word: str) -> str:
    return word.lower().translate(_UMLAUTS)[:TOPIC_STEM]


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def wants_orientation(text: str, stems: set[str]) -> bool:
    """A request for a starting point that names no topic of the articles' headings (`stems`): "hilfe, ich soll
    ab nächster woche social media machen und hab null ahnung. wo fang ich an??". A question that names one
    ("where do I start with a strategy?") is retrieved on its words."""
    if not (question_kind(text) == "first_step" or _ORIENTATION.search(text)):
        return False
    return not any(_stem(word) in stems for word in topic_words(text) if len(word) >= 4)


# A company's situation is about the articles only when it names social media, a channel or posting: "Ich habe
# mit dem Stricken angefangen ..." describes the asker too, and must still be declined.
_SOCIAL = re.compile(
    r"(?i)(social|soziale|media|medien|instagram|insta|facebook|linkedin|tiktok|youtube|twitter|xing|pinterest|"
    r"discord|whatsapp|post|kanal|kanäle|kanaele|channel|follower|community|accounts?|profil|online|content|"
    r"redaktion|reichweite|reach|kommentar|comment|reddit|öffentlich|public|stufe|stage|reifegrad|maturity|monitor)"
)


def is_situational(text: str) -> bool:
    """The marketer describes their company's social media and asks what to make of it (not a yes/no)."""
    if question_kind(text) in ("yes_no", "definition"):
        return False
    return bool(_SITUATION.search(text)) and len(words(text)) >= SITUATION_WORDS and bool(_SOCIAL.search(text))


def is_follow_up(text: str) -> bool:
    """A question that leans on the previous turn: a short one ("Und wer sollte das machen?", "why?", "an
    example?") or one that opens as its continuation ("und wenn es bei uns gar keine Strategie gibt?")."""
    count = len(words(text))
    if count == 0:
        return False
    if count <= FOLLOW_UP_WORDS and (count <= 3 or _POINTING.search(text)):
        return True
    return count <= CONTINUATION_WORDS and bool(_CONTINUES.search(text))


# A message longer than this that holds a question is answered on its question(s).
WALL_WORDS = 60


def focus(text: str) -> str:
    """A pasted wall of text answered on its questions (the last two); any other message as it is."""
    if len(words(text)) <= WALL_WORDS:
        return text
    questions = list(dict.fromkeys(sentence for sentence in split_sentences(text) if sentence.rstrip().endswith("?")))
    return " ".join(questions[-2:]) if questions else text
