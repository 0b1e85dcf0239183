"""An article passage as the composer sees it: paragraphs of sentences and lists of items, in order.

A passage is one section of an article (`## ` heading). Its lines are grouped into blocks: consecutive
bullet or numbered lines are one list (a worked example, a checklist, the layers of a strategy), the other
lines are paragraphs. A list keeps the line just before it as its lead-in when that line introduces it.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from coach.text import split_sentences

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")

# A sentence that opens by pointing at something said before it ("Compare: ...", "Die anderen ...",
# "This means ...", "Once the chain is clear, ...") means little without its predecessor.
POINTS_BACK = re.compile(
    r"^\W*(?:but|however|this|that|these|those|it|its|they|their|them|also|so|then|yet|and|such|here|there|"
    r"thus|hence|therefore|instead|otherwise|likewise|similarly|compare|once|the other|the others|the same|"
    r"finally|lastly|second|secondly|third|thirdly|moreover|furthermore|besides|in addition|additionally|"
    r"schließlich|zuletzt|zweitens|drittens|außerdem|zudem|ferner|darüber hinaus|anschließend|weiterhin|"
    r"the rest|both|either|neither|in that case|in this case|at that point|after that|for that|"
    r"doch|aber|das|dies\w*|es|sie|ihr|ihre|auch|dann|deshalb|daher|dabei|damit|dafür|darum|dort|hier|und|"
    r"solche\w*|so|somit|also|trotzdem|stattdessen|vergleichen sie|vergleiche|sobald|die anderen|der andere|"
    r"das andere|beide|beides|ebenso|genauso|danach|"
    r"(?:of|for|with|from|by|in|at|to|like) (?:them|these|those|this|that|it)|"
    r"(?:von|mit|bei|zu|für|aus|nach|an|in|auf|unter|wie) (?:ihnen|ihm|ihr|diese[nmrs]?|denen|dem|solche\w*))\b",
    re.IGNORECASE,
)


# A sentence that names a list or test it does not hold ("... fails every question", "alle Fragen") needs it.
REFERS_TO_LIST = re.compile(
    r"\b(?:every|each|all|these|those|the above|the following|the four|the five|the seven)\s+"
    r"(?:questions?|tests?|steps?|layers?|points?|items?|criteria)\b|"
    r"\b(?:jede|jeden|jeder|alle|allen|diese|diesen|obigen|folgenden|vier|fünf|sieben)\s+"
    r"(?:Fragen?|Tests?|Schritte?|Schritten|Ebenen?|Punkte?|Kriterien)\b",
    re.IGNORECASE,
)


# A sentence that sends the reader to another article ("see the article on ...") is a pointer, not an answer.
REFERS_TO_ARTICLE = re.compile(r"\b(?:see the article|the article on|der Artikel (?:über|zur|zum))\b", re.IGNORECASE)


def points_back(sentence: str) -> bool:
    """Whether the sentence opens by pointing at text before it, names a list it does not hold, or sends the
    reader to another article."""
    return bool(POINTS_BACK.match(sentence) or REFERS_TO_LIST.search(sentence) or REFERS_TO_ARTICLE.search(sentence))


def clean(sentence: str) -> str:
    """A sentence as quoted: emphasis markers dropped, spacing collapsed."""
    return " ".join(sentence.replace("**", "").replace("__", "").split())


@dataclass(frozen=True)
class Block:
    """A paragraph (its sentences) or a list (its items, each whole, and the lead-in line if any)."""

    kind: str
    """"paragraph" or "list"."""
    sentences: tuple[str, ...]
    """A paragraph's sentences, or a list's items (an item may hold several sentences)."""
    lead_in: str | None = None
    """The line that introduces a list ("Anderson's own example is a small pet-sitting service.")."""

    def words(self) -> int:
        return sum(len(text.split()) for text in (*self.sentences, self.lead_in or ""))

    def contains(self, sentence: str) -> bool:
        return any(sentence in text for text in self.sentences) or bool(self.lead_in and sentence in self.lead_in)


def blocks(passage: str) -> list[Block]:
    """The passage's paragraphs and lists, in order; a list takes the paragraph line before it as lead-in."""
    groups: list[tuple[str, list[str]]] = []
    for line in passage.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or line.lstrip().startswith("|"):
            groups.append(("gap", []))
            continue
        kind = "list" if _BULLET.match(line) else "paragraph"
        text = clean(_BULLET.sub("", line))
        if groups and groups[-1][0] == kind and kind == "list":
            groups[-1][1].append(text)
        else:
            groups.append((kind, [text]))
    result: list[Block] = []
    for number, (kind, lines) in enumerate(groups):
        if kind == "paragraph":
            result.append(Block("paragraph", tuple(split_sentences(" ".join(lines)))))
        elif kind == "list":
            lead_in = None
            right_after_text = number > 0 and groups[number - 1][0] == "paragraph"
            if right_after_text and result and result[-1].kind == "paragraph" and result[-1].sentences:
                lead_in = result[-1].sentences[-1]
                rest = result[-1].sentences[:-1]
                result[-1:] = [Block("paragraph", rest)] if rest else []
            result.append(Block("list", tuple(lines), lead_in))
    return [block for block in result if block.sentences]


def first_sentence(item: str) -> str:
    """The first sentence of a list item (an item shortened to fit keeps its label and its point)."""
    sentences = split_sentences(item)
    return sentences[0] if sentences else item


# What a sentence names only because the text before it introduced it: a definite noun that an earlier sentence
# brought in with an indefinite article ("a furniture retailer ..." -> "the retailer", "eines Möbelhändlers ..."
# -> "der Händler"; generic nouns only with a modifier, `_GENERIC_NOUNS`) unless the noun says of what or whom
# ("the agency of an insurer", "die Agentur eines Versicherers"); a pronoun in its first words ("Nobody decided on
# it", "Ignoring them", "Wer sie pflegt"); a relational noun that does not say of what ("The consequences are
# ..."); a count of things named before ("the two").
_DEFINITE_EN = re.compile(r"\b[Tt]he ([a-z]{4,})\b(?!-)(?! of\b)")
_DEFINITE_DE = re.compile(
    r"(?<!, )\b(?:[Dd]er|[Dd]ie|[Dd]as|[Dd]en|[Dd]em|[Dd]es) ([A-ZÄÖÜ][a-zäöüß]{3,})\b(?!-)(?! (?:eines|einer|des)\b)"
)
_EARLY_PRONOUN = re.compile(
    r"^\W*(?:\S+\s+){0,3}?(?:on|about|with|for|of|to|from|into|without|behind|against)\s+(?:it|them)\b|"
    r"^\W*(?:\S+\s+){0,3}?(?:it|they|them)\b",
    re.IGNORECASE,
)
# A relational noun opening the sentence without saying of what ("The consequences are predictable", "Die Folgen
# sind absehbar", "The reason is simple") is about the sentence before it.
_RELATIONAL_OPENING = re.compile(
    r"^\W*(?:the|die|das|der) (?:consequences?|results?|reasons?|effects?|outcomes?|upshot|downside|upside|"
    r"advantages?|disadvantages?|difference|folgen?|ergebnis(?:se)?|gr[üu]nde?|wirkung|effekt|vorteile?|nachteile?|"
    r"unterschied)\b(?! (?:of|for|von|für|des|der|dieses|einer?s?)\b)",
    re.IGNORECASE,
)
# A count of things named before ("Telling the two apart", "die beiden Ebenen").
_COUNTED_BEFORE = re.compile(
    r"\b(?:the|these|those) (?:two|three|four)\b(?!-)|\b(?:die|diese) (?:beiden|zwei|drei|vier)\b"
)
_EARLY_PRONOUN_DE = re.compile(r"^\W*(?:\S+\s+){1,3}?(?:ihn|ihm|ihnen|sie)\b")


def leans_on(sentence: str, before: str) -> bool:
    """Whether the sentence refers to something that only `before` (the text ahead of it) names."""
    openings = (_EARLY_PRONOUN, _EARLY_PRONOUN_DE, _RELATIONAL_OPENING)
    if any(pattern.match(sentence) for pattern in openings) or _COUNTED_BEFORE.search(sentence):
        return True
    english = any(
        re.search(rf"\b(?:a|an|one)\s+(?:[\w-]+\s+){{{_modifiers(noun)},2}}{noun}\b", before, re.IGNORECASE)
        for noun in _DEFINITE_EN.findall(sentence)
    )
    return english or any(
        re.search(
            rf"\b[Ee]in(?:e|en|em|er|es)?\s+(?:(?:[\w-]+\s+){{{_modifiers(noun)},2}}{noun}|\w+{noun.lower()})"
            r"\w{0,2}\b",
            before,
        )
        for noun in _DEFINITE_DE.findall(sentence)
    )


# Nouns that read as generic after "the": "a company ... the company" stays clear when quoted alone, so they
# lean only when an earlier sentence singled them out with a modifier ("a mid-sized company").
_GENERIC_NOUNS = {
    *("company", "business", "organisation", "organization", "strategy", "goal"),
    *("unternehmen", "firma", "strategie", "ziel"),
}


def _modifiers(noun: str) -> int:
    """How many words must stand between the indefinite article and `noun` for it to single something out."""
    return 1 if noun.lower() in _GENERIC_NOUNS else 0


def preceding(passage: str, sentence: str) -> list[str]:
    """The sentences, items and lead-ins of the passage before `sentence`, in order ([] when it opens the passage
    or is not in it)."""
    flat = _pieces(passage)
    return next((list(flat[:position]) for position, piece in enumerate(flat) if sentence in piece), [])


@lru_cache(maxsize=256)
def _pieces(passage: str) -> tuple[str, ...]:
    """The passage's lead-ins, sentences and items in reading order (parsed once: every sentence of an answer's
    articles asks about its passage)."""
    flat: list[str] = []
    for block in blocks(passage):
        flat += [block.lead_in] if block.lead_in else []
        flat += list(block.sentences)
    return tuple(flat)


def needs_context(sentence: str, passage: str) -> bool:
    """Whether the sentence means little without the passage text right before it: it points back, or it leans
    on something its passage introduced before it."""
    return points_back(sentence) or leans_on(sentence, " ".join(preceding(passage, sentence)))
