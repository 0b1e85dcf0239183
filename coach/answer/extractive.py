"""Grounded answers: the answer types, the relevance gate, and the offline answer (built by `coach.answer.compose`)."""

from dataclasses import dataclass, field

from coach.answer.compose import compose_pieces, render, shared_words
from coach.answer.reading import Kind
from coach.answer.verdict import verdict, with_verdict
from coach.knowledge.index import Hit, KnowledgeIndex
from coach.lang.copy import texts
from coach.retrieval.fit import ranking_fit
from coach.retrieval.reranker import FEATURES, Retrieved


@dataclass(frozen=True)
class Source:
    """An article an answer cites, numbered as in the answer's `[n]` markers."""

    number: int
    id: str
    key: str
    title: str
    lang: str
    section: str
    text: str
    score: float

    @classmethod
    def from_hit(cls, number: int, hit: Hit) -> "Source":
        return cls(number, hit.article_id, hit.key, hit.title, hit.lang, hit.section, hit.text, hit.score)


@dataclass
class Answer:
    """What the coach says to a question, and where it comes from."""

    text: str
    sources: list[Source]
    lang: str
    mode: str = "offline"
    notices: list[str] = field(default_factory=list)

    @property
    def grounded(self) -> bool:
        return bool(self.sources)

    def to_json(self) -> dict:
        """The stable `ask --json` shape of DESIGN.md (plus notices)."""
        sources = [
            {"id": s.id, "title": s.title, "lang": s.lang, "text": s.text, "score": round(s.score, 4)}
            for s in self.sources
        ]
        return {"answer": self.text, "sources": sources, "mode": self.mode, "lang": self.lang, "notices": self.notices}


NOTHING_FOUND = texts("answer", "nothing_found")


def covered(index: KnowledgeIndex, retrieved: Retrieved) -> bool:
    """Whether the knowledge base has anything on the question at all: the best article passes the
    relevance gate, fitted with the weights (`coach/retrieval/ranking_fit.json`) on the scale of the embedder."""
    gate = ranking_fit(FEATURES).gate(index.embedder.name)
    return bool(retrieved.hits) and retrieved.relevance >= gate


def nothing_found(lang: str) -> Answer:
    return Answer(text=NOTHING_FOUND[lang], sources=[], lang=lang)


def compose_offline(
    index: KnowledgeIndex,
    retrieved: Retrieved,
    lang: str,
    on_topic: bool = False,
    question: str = "",
    kind: Kind = "other",
    said: str = "",
) -> Answer:
    """An answer composed on the structure of the best articles (`coach.answer.compose`), with its `[n]`s.

    `on_topic`: the question is known to be about the knowledge base, so the relevance gate is not asked.
    `kind`: what the opening sentence has to do (`coach.answer.reading.question_kind`); a yes/no question's
    answer opens with its verdict (`coach.answer.verdict`). `said`: the previous answer, when the question is
    a follow-up to it; its sentences are not quoted again.
    """
    if not (on_topic or covered(index, retrieved)):
        return nothing_found(lang)
    pieces = compose_pieces(index, retrieved, question, kind, said)
    if not pieces:
        return nothing_found(lang)
    text, cited = render(pieces)
    if kind == "yes_no":
        following = tuple(piece.text for piece in pieces[1:])
        text = with_verdict(text, verdict(pieces[0].text, shared_words(question, pieces[0].text), following), lang)
    sources = [Source.from_hit(number, hit) for number, hit in enumerate(cited, start=1)]
    return Answer(text=text, sources=sources, lang=lang)
