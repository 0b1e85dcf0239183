"""`python -m bench --only answers`: what the marketer reads, measured on answer-quality samples.

Per sample (`evals/answers/*.yaml` in the sample format: `kind` single|yesno|vague|situational|followup|
offtopic_near, a follow-up asked after its `previous` question; the unseen answers3 only with
`--unseen-answers`):
- the share whose first sentence cites an expected article (questions the articles answer);
- the share of near-topic questions the articles cannot answer that get "not covered" (target 1);
- the share with a sentence that points back ("This ...", "Die anderen ...") or leans on a noun or pronoun of
  the sentences before it ("the retailer", "Nobody decided on it") without the sentence it follows in the
  article right before it (target 0);
- the share of vague and situational questions refused with "not covered" (target 0);
- the share of follow-ups whose answer cites an expected article first (target >= 0.9);
- the share of yes/no questions whose answer opens with yes, no or "it depends";
- the share of answers of MIN_WORDS to MAX_WORDS words (the quoted part, markers left out).
And retrieval hit@3 / MRR on the retrieval-format sets of `evals/answers/` (situations, wording).
"""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.evals import EVALS
from coach.answer.compose import MAX_WORDS, MIN_WORDS, section_so_far
from coach.answer.extractive import Answer
from coach.answer.reading import question_kind
from coach.answer.structure import clean, needs_context, preceding
from coach.answer.verdict import without_verdict
from coach.session.coach import Coach, prepare_question

ANSWER_SAMPLES = tuple(EVALS / "answers" / name for name in ("tuning.yaml", "sample.yaml", "sample2.yaml"))
UNSEEN_SAMPLES = (EVALS / "answers" / "sample3.yaml",)
UNSEEN_ANSWER_SPLITS = ("answers3",)
"""Answer-quality splits no decision has used yet: scored only when asked (`--unseen-answers`), once."""
KINDS = ("single", "yesno", "vague", "situational", "followup")
"""The kinds of question the articles answer; `offtopic_near` items (expected: []) should get "not covered"."""
ANSWER_RETRIEVAL = (EVALS / "answers" / "situations.yaml", EVALS / "answers" / "wording.yaml")
TARGETS = {"pointing back": 0.0, "refused": 0.0, "follow-ups right": 0.9, "near misses declined": 1.0}
_MARKER = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class Answered:
    """One sample item with the coach's answer to it."""

    item: dict
    answer: Answer

    @property
    def quoted(self) -> list[tuple[str, int]]:
        """The quoted sentences and items with their source numbers (the offer and suggestions left out)."""
        body = without_verdict(self.answer.text.split("\n\n- ")[0])
        parts = _MARKER.split(body)
        return [(clean(parts[i].strip().lstrip("- ")), int(parts[i + 1])) for i in range(0, len(parts) - 1, 2)]

    def first_key(self) -> str | None:
        quoted = self.quoted
        if not quoted or quoted[0][1] > len(self.answer.sources):
            return None
        return self.answer.sources[quoted[0][1] - 1].key

    def words(self) -> int:
        return sum(len(text.split()) for text, _ in self.quoted)

    def opens_with_verdict(self) -> bool:
        """Whether the answer opens with its yes, no or "it depends"."""
        return without_verdict(self.answer.text) != self.answer.text


def answer_item(coach: Coach, item: dict) -> Answer:
    """The answer to a sample item; a follow-up is asked after its previous question, in one conversation."""
    history: list[tuple[str, str]] = []
    if item.get("previous"):
        first = coach.ask(item["previous"])
        history = [("user", item["previous"]), ("coach", first.text)]
    return coach.ask(item["question"], history=history)


def missing_referent(coach: Coach, answered: Answered) -> list[str]:
    """The sentences of the answer that need the text before them (they point back, or lean on a noun or
    pronoun it introduced: `needs_context`) while the sentence before them in the article is not right before
    them in the answer."""
    passages = coach.index.passages()
    quoted = answered.quoted
    missing = []
    for position, (sentence, number) in enumerate(quoted):
        if number > len(answered.answer.sources):
            continue
        source = answered.answer.sources[number - 1]
        article = [passage for passage in passages.values() if passage.article_id == source.id]
        holding = next((hit for hit in article if preceding(hit.text, sentence) or sentence in hit.text), None)
        passage = section_so_far(holding, article) if holding else ""
        if not needs_context(sentence, passage):
            continue
        before = quoted[position - 1][0] if position else ""
        earlier = preceding(passage, sentence)
        if not (earlier and before and _same(before, earlier[-1])):
            missing.append(sentence)
    return missing


def _same(before: str, predecessor: str) -> bool:
    """Whether the answer's previous sentence is the one the article has before this one."""
    predecessor = clean(predecessor)
    return before in predecessor or predecessor in before


def bench_answer_quality(
    coach: Coach, paths: Sequence[Path] = ANSWER_SAMPLES, dump: Path | None = None, unseen: bool = False
) -> None:
    """The figures per split; an unseen split (UNSEEN_ANSWER_SPLITS) only when `unseen` asks for it."""
    print(f"\n== Answer quality: {', '.join(str(path) for path in paths)}")
    dumped = []
    for path in paths:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        skipped = {item["split"] for item in items if item["split"] in UNSEEN_ANSWER_SPLITS} if not unseen else set()
        if skipped:
            print(f"{path}: {', '.join(sorted(skipped))} is unseen, not scored (--unseen-answers scores it)")
            items = [item for item in items if item["split"] not in skipped]
        answered = [Answered(item, answer_item(coach, item)) for item in items]
        dumped += [
            {"id": a.item["id"], "answer": a.answer.text, "sources": [s.key for s in a.answer.sources]}
            for a in answered
        ]
        for split in dict.fromkeys(item["split"] for item in items):
            _report(coach, split, [a for a in answered if a.item["split"] == split])
    if dump:
        dump.write_text(json.dumps(dumped, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"answers written to {dump}")


def _report(coach: Coach, split: str, answered: list[Answered]) -> None:
    from bench.main import metrics

    def share(group: list[Answered], test) -> str:
        return f"{sum(map(test, group)) / len(group):.3f} ({sum(map(test, group))}/{len(group)})" if group else "-"

    open_ended = [a for a in answered if a.item["kind"] in ("vague", "situational")]
    follow_ups = [a for a in answered if a.item["kind"] == "followup"]
    near_misses = [a for a in answered if a.item["kind"] == "offtopic_near"]
    answerable = [a for a in answered if a.item["kind"] in KINDS]
    print(f"{split}: {len(answered)} items")
    print(
        f"  first sentence from an expected article: {share(answerable, lambda a: a.first_key() in a.item['expected'])}"
    )
    for kind in KINDS:
        group = [a for a in answered if a.item["kind"] == kind]
        if group:
            print(f"    {kind:12} {share(group, lambda a: a.first_key() in a.item['expected'])}")
    yes_no = [a for a in answered if a.item["kind"] == "yesno" or question_kind(a.item["question"]) == "yes_no"]
    print(f"  yes/no questions opening with yes, no or it depends: {share(yes_no, Answered.opens_with_verdict)}")
    if near_misses:
        print(
            f"  near-topic questions the articles do not cover, declined: "
            f"{share(near_misses, lambda a: not a.answer.sources)} (target {TARGETS['near misses declined']:g})"
        )
    pointing = [a for a in answered if missing_referent(coach, a)]
    print(f"  pointing back without referent: {share(answered, lambda a: a in pointing)} (target 0)")
    for a in pointing:
        if a.item["split"].startswith("dev"):
            print(f"    {a.item['id']}: {missing_referent(coach, a)[0][:90]!r}")
    print(f"  vague/situational refused: {share(open_ended, lambda a: not a.answer.sources)} (target 0)")
    print(
        f"  follow-ups from an expected article: {share(follow_ups, lambda a: a.first_key() in a.item['expected'])}"
        f" (target >= {TARGETS['follow-ups right']})"
    )
    asked_alone = [a for a in answered if a.item["kind"] in ("single", "yesno", "situational")]
    if asked_alone:
        values = metrics([_rank(coach, a.item) for a in asked_alone])
        print(
            f"  retrieval of single, yes/no and situational questions ({len(asked_alone)}): "
            f"hit@1 {values['hit@1']:.3f}, hit@3 {values['hit@3']:.3f}, MRR {values['MRR']:.3f}"
        )
    grounded = [a for a in answered if a.answer.sources]
    print(
        f"  answers of {MIN_WORDS}-{MAX_WORDS} words: {share(grounded, lambda a: MIN_WORDS <= a.words() <= MAX_WORDS)}"
    )


def _rank(coach: Coach, item: dict) -> int | None:
    """Where retrieval puts the first expected article for the question as asked (None: not in RANK_DEPTH)."""
    from bench.main import RANK_DEPTH

    question = prepare_question(item["question"], coach.settings.max_question_chars)
    keys = [hit.key for hit in coach.retrieve(question.text, question.lang, RANK_DEPTH).hits]
    return next((n for n, key in enumerate(keys, 1) if key in item["expected"]), None)


def bench_answer_retrieval(coach: Coach, paths: Sequence[Path] = ANSWER_RETRIEVAL) -> None:
    from bench.main import RANK_DEPTH, load_questions, metrics

    print(f"\n== Retrieval on marketers' wording: {', '.join(str(path) for path in paths)}")
    print(f"{'set':10}{'n':>5}{'hit@1':>8}{'hit@3':>8}{'MRR':>8}")
    for path in paths:
        questions = load_questions(path)
        ranks = []
        for item in questions:
            question = prepare_question(item.question, coach.settings.max_question_chars)
            keys = [hit.key for hit in coach.retrieve(question.text, question.lang, RANK_DEPTH).hits]
            ranks.append(next((n for n, key in enumerate(keys, 1) if key in item.expected), None))
        values = metrics(ranks)
        split = questions[0].split if questions else path.stem
        print(f"{split:10}{len(ranks):>5}{values['hit@1']:>8.3f}{values['hit@3']:>8.3f}{values['MRR']:>8.3f}")
