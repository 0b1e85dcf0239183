"""The coach as one object: settings, embedder and index built once, and the things it can do."""

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from coach.answer.extractive import Answer, Source, covered
from coach.answer.followup import aspect_query, follow_up_query, previous_answer, with_previous
from coach.answer.orientation import OFFER, ORIENTATION_QUERY, ask_in_a_sentence, suggested_questions, with_offer
from coach.answer.reading import (
    CONTINUATION_WORDS,
    focus,
    has_words,
    is_situational,
    is_vague,
    question_kind,
    topic_stems,
    wants_orientation,
)
from coach.answer.reading import words as words_of
from coach.answer.topics import DimensionWords
from coach.config import PROJECT_ROOT, Settings
from coach.diagnostic.dialogue import DiagnosticContext
from coach.diagnostic.summary import Summary, build_summary
from coach.errors import BadInput
from coach.knowledge.articles import Chunk, chunk_articles, load_articles
from coach.knowledge.embeddings import build_embedder
from coach.knowledge.index import KnowledgeIndex, Progress, SyncReport
from coach.knowledge.vocabulary import Vocabulary
from coach.lang.copy import texts
from coach.lang.detect import Lang, detect_language
from coach.readiness.model import LabelledSentence, ReadinessModel, load_corpus, load_model
from coach.readiness.rules import Assessment, assess_evidence
from coach.readiness.scorer import EvidenceScorer, ScoredText
from coach.retrieval.reranker import Retrieved, fuse, prepare, retrieve
from coach.session.backends import ChatModels, ModelBackend, OfflineBackend
from coach.strategy.check import StrategyCheck, build_check
from coach.strategy.classifier import Labelled, StatementClassifier, load_examples
from coach.strategy.document import prepare as prepare_document
from coach.strategy.split import Piece
from coach.text import CleanText, clean_message
from coach.turns import model_turn

log = logging.getLogger(__name__)

TRUNCATED = texts("session", "truncated")
READ_AS = texts("answer", "read_as")
CONFIRMING_ARTICLES = 2
"""A short question's own first article counts as confirmed by the previous question when the joined reading
ranks it this high (`Coach._read_with_previous`)."""
_WORDS = re.compile(r"\w{4,}")
STRATEGY_EXAMPLES = PROJECT_ROOT / "knowledge" / "training" / "strategy-examples.yaml"


@dataclass(frozen=True)
class Question:
    """A cleaned question, its language, and the notices cleaning produced."""

    text: str
    lang: Lang
    notices: list[str]


class Coach:
    """Everything below the UI: build it once per process and share it between sessions."""

    def __init__(self, settings: Settings, embedder=None, index: KnowledgeIndex | None = None):
        self.settings = settings
        self.embedder = embedder or build_embedder(settings)
        self.index = index or KnowledgeIndex.open(settings, self.embedder)
        self.model: ReadinessModel = load_model(settings.readiness_file)
        self._scorer: EvidenceScorer | None = None
        self._scorer_lock = threading.Lock()
        self._classifier: StatementClassifier | None = None
        self.models = ChatModels(settings)
        offline = OfflineBackend(self.index, self.score, self.label_offline)
        self.backend = ModelBackend(self.models, offline, settings, self.model) if settings.llm_configured else offline
        """The one place the mode is decided: everything the coach writes goes through this backend."""

    @property
    def scorer(self) -> EvidenceScorer:
        """Built on first use: embedding the example bank costs seconds, once for every process (its vectors are
        stored in the index, with a Chroma server too).

        Once per coach even when several sessions of the app ask for it at the same time.
        """
        with self._scorer_lock:
            if self._scorer is None:
                self._scorer = EvidenceScorer(self.model, self.embedder, self.index, self.scorer_corpus())
        return self._scorer

    @property
    def strategy_classifier(self) -> StatementClassifier:
        """Built on first use, once per coach: embedding the labelled statements (stored in the index)."""
        with self._scorer_lock:
            if self._classifier is None:
                self._classifier = StatementClassifier(self.embedder, load_examples(STRATEGY_EXAMPLES), self.index)
        return self._classifier

    def label_offline(self, pieces: Sequence[Piece], lang: Lang) -> list[Labelled]:
        return self.strategy_classifier.classify(pieces, lang)

    def check_strategy(self, text: str, lang: Lang | None = None) -> StrategyCheck:
        """The strategy check of a pasted or uploaded paper; BadInput when there is nothing to check.

        It speaks `lang` (the reader's choice) or, without one, the paper's language; the paper is read in its own.
        """
        document = prepare_document(text, lang)
        labelled, notices = self.backend.label_statements(document.pieces, document.speaks)
        return build_check(
            labelled, document.speaks, self.cite_article, self.mode, document.notices + notices, document.lang
        )

    def cite_article(self, text: str, article_key: str, lang: Lang) -> dict | None:
        """The article a strategy suggestion comes from, with its passage sharing most words with `text`.

        No embedding: the suggestion's article is fixed by its check, so a word overlap among that
        article's few passages is enough, and a check costs about what embedding its statements costs.
        """
        table = self.index.chunk_table()
        rows = [row for row, key in enumerate(table.keys) if key == article_key]
        rows = [row for row in rows if table.langs[row] == lang] or rows
        if not rows:
            return None
        words = set(_WORDS.findall(text.lower()))
        best = max(rows, key=lambda row: len(words & set(_WORDS.findall(table.texts[row].lower()))))
        return {"key": article_key, "title": table.titles[best], "text": table.texts[best]}

    def scorer_corpus(self) -> tuple[LabelledSentence, ...]:
        """The labelled sentences the scorer learns from; without them it still has the model's examples."""
        path = self.settings.readiness_corpus_file
        try:
            return load_corpus(path)
        except ValueError as error:
            log.warning("%s; the offline scorer uses the readiness model's examples only", error)
            return ()

    @classmethod
    def start(cls, settings: Settings, progress: Progress | None = None) -> "Coach":
        """A coach whose index is built or updated if the articles changed since the last run."""
        coach = cls(settings)
        coach.ensure_index(progress)
        return coach

    def knowledge_chunks(self) -> list[Chunk]:
        return chunk_articles(load_articles(self.settings.knowledge_dirs))

    def ensure_index(self, progress: Progress | None = None) -> SyncReport | None:
        """Sync the index when it is missing or stale; None when it was already current."""
        chunks = self.knowledge_chunks()
        damage = self.index.damage()
        if damage is None and self.index.is_current(chunks):
            return None
        if damage is not None:
            log.warning("The index at %s is damaged (%s); it is rebuilt", self.index.location, damage)
        report = self.index.sync(chunks, progress, rebuild=damage is not None)
        if damage is not None and (still := self.index.damage()) is not None:
            raise self.index.unusable(still)
        self._derive_after(report)
        log.info(
            "Index updated: %d added, %d changed, %d removed", *map(len, (report.added, report.changed, report.removed))
        )
        return report

    def ingest(self, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        report = self.index.sync(self.knowledge_chunks(), progress, rebuild=rebuild)
        self._derive_after(report)
        return report

    def _derive_after(self, report: SyncReport) -> None:
        """The reranker's tables are built and stored when the articles change, so that a start only loads them."""
        if not report.nothing_changed or report.rebuilt_because:
            prepare(self.index, rebuild=True)

    @property
    def chat_model(self):
        """The configured chat model, streaming (built on first use; only when COACH_MODEL is set)."""
        return self.models.streaming

    @property
    def plain_model(self):
        """The configured chat model without streaming, for structured output and short texts."""
        return self.models.plain

    @property
    def mode(self) -> str:
        return self.backend.mode

    def ask(
        self,
        text: str,
        default_lang: Lang = "en",
        history: Sequence[tuple[str, str]] = (),
        on_token: Callable[[str], None] | None = None,
        open_dimension: str | None = None,
    ) -> Answer:
        """A grounded answer to one question; with a model configured, written by the model.

        `history` (role, text) makes a follow-up standalone first; `on_token` receives the model's
        text as it streams. Any model failure falls back to the offline answer, with a notice.
        `open_dimension` is the dimension the diagnostic is asking about: a question that names it
        is about it (`coach.answer.topics`), retrieved with its description and never refused as off-topic.
        """
        question = prepare_question(text, self.settings.max_question_chars, default_lang)
        if not has_words(question.text):
            answer = ask_in_a_sentence(question.lang)
            answer.notices = question.notices
            return answer
        with model_turn(self.settings.llm_timeout) as budget:
            asked = self.backend.standalone(focus(question.text), history)
            words = self._dimension_words() if open_dimension else None
            topic = words.named(question.text, question.lang, open_dimension) if words else None
            # A vague question or a company's situation gets a starting point, never "not covered".
            situational, vague = is_situational(asked), is_vague(asked)
            # ... and so does a request for one that names nothing the articles' headings name ("null Ahnung,
            # wo fang ich an?"): answered on its words when the articles cover them, else with the orientation.
            starting = not (vague or situational) and wants_orientation(asked, self._topic_stems())
            orient = topic is None and (vague or situational or starting)
            kind = question_kind(question.text)
            query = follow_up_query(asked, question.text, kind, question.lang)
            if topic:
                query = f"{asked} ({topic.name(question.lang)}: {topic.description(question.lang)})"
            elif vague:
                query = ORIENTATION_QUERY[question.lang]
            query, vector = self.query(query, question.lang)
            retrieved = retrieve(self.index, vector, question.lang, self.settings.top_k, query)
            if orient and starting and not covered(self.index, retrieved):
                query, vector = self.query(ORIENTATION_QUERY[question.lang], question.lang)
                retrieved = retrieve(self.index, vector, question.lang, self.settings.top_k, query)
            if not (topic or orient) and asked == question.text and len(words_of(asked)) <= CONTINUATION_WORDS:
                asked, vector, retrieved = self._read_with_previous(question, history, kind, vector, retrieved)
            if asked != question.text and (aspect := aspect_query(question.text, kind, question.lang)):
                retrieved = fuse(
                    retrieved,
                    self.retrieve(aspect, question.lang, self.settings.top_k),
                    question.lang,
                    self.settings.top_k,
                )
            notices = list(question.notices)
            if asked.strip() != question.text.strip():
                notices.append(READ_AS[question.lang].format(question=asked))
            said = previous_answer(history) if asked.strip() != question.text.strip() else ""
            on_topic = topic is not None or orient
            answer = self.backend.answer(retrieved, asked, question.lang, on_token, on_topic, kind, said)
            # ... made once: a follow-up read with an answer that made the offer does not repeat it ("why?")
            if orient and answer.sources and OFFER[question.lang] not in said:
                with_offer(answer, suggested_questions(self.index, vector, retrieved.hits, asked), question.lang)
        told = [notice for notice in budget.notice_texts(question.lang) if notice not in answer.notices]
        answer.notices = notices + answer.notices + told
        return answer

    def _read_with_previous(
        self, question: Question, history: Sequence[tuple[str, str]], kind: str, vector, retrieved: Retrieved
    ) -> tuple[str, np.ndarray, Retrieved]:
        """A short question the articles cannot answer on its own ("wer schreibt die denn?") is read with the
        previous question when that makes it answerable; otherwise it stays as it was asked. A question that
        names its own subject ("who owns our Instagram account?" after a question on strategy) keeps it: when
        the article it ranks first is among the first the joined reading ranks, the previous question only
        confirms that the articles cover it, and the question is answered as asked."""
        joined = with_previous(question.text, history)
        if joined == question.text or covered(self.index, retrieved):
            return question.text, vector, retrieved
        query, joined_vector = self.query(follow_up_query(joined, question.text, kind, question.lang), question.lang)
        joined_retrieved = retrieve(self.index, joined_vector, question.lang, self.settings.top_k, query)
        if not covered(self.index, joined_retrieved):
            return question.text, vector, retrieved
        own = retrieved.hits[0].key if retrieved.hits else None
        if own in [hit.key for hit in joined_retrieved.hits[:CONFIRMING_ARTICLES]]:
            return question.text, vector, replace(retrieved, relevance=joined_retrieved.scores[own])
        return joined, joined_vector, joined_retrieved

    def answer_aside(self, text: str, lang: Lang, open_dimension: str | None) -> Answer:
        """A question asked during the diagnostic, while `open_dimension` is being asked about."""
        return self.ask(text, lang, open_dimension=open_dimension)

    def warm_up(self) -> None:
        """Build what the first answer and the first diagnostic answer need (seconds on a first start)."""
        prepare(self.index)
        self._dimension_words()
        self.scorer  # noqa: B018 (a property that builds the scorer once)

    def retrieve(self, query: str, lang: Lang, limit: int) -> Retrieved:
        """The `limit` best articles for a question, stages named where it counts them."""
        query, vector = self.query(query, lang)
        return retrieve(self.index, vector, lang, limit, query)

    def query(self, text: str, lang: Lang) -> tuple[str, np.ndarray]:
        """What retrieval searches with: the question with the stages it counts named, in the articles' spelling
        and with their words for its jargon (`coach.knowledge.vocabulary`), and its vector."""
        vocabulary = self.index.derived("vocabulary", lambda index: Vocabulary(index.chunk_table().texts))
        query = vocabulary.read(self.model.with_stage_names(text, lang), lang)
        return query, self.embedder.query_vector(query)

    def _topic_stems(self) -> set[str]:
        """What the articles are about: the stems of their titles' and section headings' topic words."""

        passages = self.index.passages().values()  # outside `derived`: it is derived too, under the same lock
        headings = sorted({text for hit in passages for text in (hit.title, hit.section)})
        return self.index.derived("topic stems", lambda index: topic_stems(headings))

    def _dimension_words(self) -> DimensionWords:
        return self.index.derived("dimension words", lambda index: DimensionWords(self.model, index.chunk_table()))

    def score(self, text: str, turn: int = 0, focus: str | None = None) -> ScoredText:
        """Evidence from a marketer's message (capped like a question, control characters dropped)."""
        cleaned = clean_message(text or "", self.settings.max_answer_chars)
        return self.scorer.score(cleaned.text, turn, focus)

    def assess(self, text: str) -> tuple[Assessment, Summary]:
        """The stage a free-text description shows, with its summary; BadInput when it is empty."""
        cleaned = clean_message(text or "", self.settings.max_answer_chars)
        if not cleaned.text:
            raise BadInput("the description is empty")
        lang = detect_language(cleaned.text)
        with model_turn(self.settings.llm_timeout):
            scored = self.backend.score(cleaned.text, 0, None)
            assessment = assess_evidence(scored.evidence, scored.goals)
            return assessment, self.summarize(assessment, lang)

    def summarize(self, assessment: Assessment, lang: Lang) -> Summary:
        """The structured summary; with a model configured, also the model's paragraph about it."""
        summary = build_summary(self.model, assessment, lang, self.cite)
        return self.backend.with_prose(summary)

    def cite(self, text: str, article_key: str, lang: Lang) -> Source | None:
        """The passage of an article (in the language, if it exists) that best backs a statement."""
        vector = self.embedder.query_vector(text)
        hits = self.index.search(vector, 1, where={"$and": [{"key": article_key}, {"lang": lang}]})
        hits = hits or self.index.search(vector, 1, where={"key": article_key})
        if not hits:
            return None
        return Source.from_hit(1, hits[0])

    def diagnostic_context(self) -> DiagnosticContext:
        """The diagnostic's steps; with a model, it reads the answers and words the questions."""
        return DiagnosticContext(self.model, self.backend.score, self.answer_aside, self.backend.phrase_question)


def prepare_question(text: str, max_chars: int, default_lang: Lang = "en") -> Question:
    """Clean a question; raises BadInput when nothing is left to answer."""
    cleaned = clean_message(text or "", max_chars)
    if not cleaned.text:
        raise BadInput("the question is empty")
    lang = detect_language(cleaned.text, default_lang)
    return Question(cleaned.text, lang, truncation_notices(cleaned, max_chars, lang))


def truncation_notices(cleaned: CleanText, max_chars: int, lang: Lang) -> list[str]:
    """What the user is told when their message was cut to its first `max_chars` characters."""
    if not cleaned.truncated:
        return []
    return [TRUNCATED[lang].format(length=cleaned.original_length, limit=max_chars)]
