"""The yes, no or "it depends" that opens the answer to a yes/no question, read off the opening sentence.

"Is posting three times a week a strategy?" is answered by a sentence such as "Posting three times a week
is a tactic, not a strategy." The verdict is that sentence's stance (or, when it only sets the scene, the stance
of the next sentences of the answer, up to STANCE_SENTENCES in all), so it can be explained:
- it hedges ("depends", "not always", "only if", "rarely", "kommt darauf an", "nicht unbedingt"): it depends;
- it negates ("not", "no", "never", "nicht", "kein"): no;
- it affirms what was asked, using every topic word of the question: yes;
- anything else: it depends, rather than a yes the sentence does not say.
"""

import re
from typing import Literal

from coach.fitted import ANSWER
from coach.lang.copy import texts

Verdict = Literal["yes", "no", "depends"]

_HEDGE = re.compile(
    r"\b(depends?|depending|not always|not necessarily|not every|only if|only when|unless|rarely|seldom|"
    r"some companies|many companies|kommt (?:es )?darauf an|hängt (?:\w+ )*ab|nicht unbedingt|nicht immer|"
    r"not all|nicht jede[snrm]?|nicht alle|nur wenn|nur dann|es sei denn|selten|manche\w*|einige\w* unternehmen)\b",
    re.IGNORECASE,
)
# "not only X but Y", "nicht nur, was verboten ist" add to what was said; they do not say no.
_NOT_ONLY = re.compile(r"\b(?:not (?:only|just)|nicht nur|nicht bloß)\b", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(not|no|never|nothing|none|neither|nor|isn't|aren't|doesn't|don't|won't|cannot|can't|"
    r"nicht|kein\w*|nie|niemals|nichts|weder)\b",
    re.IGNORECASE,
)
# The share of the question's topic words the sentence must use to count as saying yes to it: a sentence that
# neither negates nor hedges but talks about something near ("A typical strategy deck reads: Instagram three
# times a week ...") is no yes. Fitted: the value and where it comes from are in `coach/answer/thresholds.json`.
AFFIRMS = ANSWER.value("AFFIRMS")
VERDICTS = {verdict: texts("answer", f"verdict_{verdict}") for verdict in ("yes", "no", "depends")}


# How many of the answer's first sentences are read for a stance: an opening that sets the scene ("A typical
# strategy deck reads: Instagram three times a week ...") is often followed by the point ("Nothing explains why").
STANCE_SENTENCES = 3


def verdict(sentence: str, shared: float, following: tuple[str, ...] = ()) -> Verdict:
    """The stance of the opening sentence, or of the first of the `following` ones that takes one; `shared` is
    the share of the question's topic words the opening sentence uses."""
    for text in (sentence, *following[: STANCE_SENTENCES - 1]):
        if _HEDGE.search(text):
            return "depends"
        if _NEGATION.search(_NOT_ONLY.sub(" ", text)):
            return "no"
    return "yes" if shared >= AFFIRMS else "depends"


def without_verdict(text: str) -> str:
    """The answer's text without the verdict that opens it (what is quoted from the articles)."""
    for verdicts in VERDICTS.values():
        for said in verdicts.values():
            if text.startswith(f"{said} "):
                return text[len(said) + 1 :]
    return text


def with_verdict(text: str, stance: Verdict, lang: str) -> str:
    """The answer's text opened by its verdict ("No: Posting three times a week ...")."""
    return f"{VERDICTS[stance][lang]} {text}"
