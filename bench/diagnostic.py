"""Benchmark parts for the diagnostic and the off-topic check (run through `python -m bench`)."""

import statistics
import time
from collections.abc import Sequence

import yaml

from bench.evals import EVALS, PERSONA_FILES, Persona, StageReport, load_personas, stage_report
from coach.diagnostic.dialogue import advance, start
from coach.session.coach import Coach
from coach.terminal import run_diagnostic
from coach.text import split_sentences

OFFTOPIC_FILES = tuple(sorted(EVALS.glob("offtopic/*.yaml")))
TURN_ANSWERS = (
    "Nobody really owns it; our office manager posts on Instagram when she finds the time.",
    "Wir haben ein kleines Budget für Anzeigen, aber keine Tools und keine Schulungen.",
)
TARGETS = {"exact": 0.90, "within-one": 0.98, "turn/embedding": 1.5}


SITUATIONS = {
    "en": "We're a 20-person bakery chain posting on Instagram now and then; what should we do next?",
    "de": "Wir sind eine Bäckereikette mit 20 Leuten und posten ab und zu auf Instagram. Was tun wir als Nächstes?",
}
"""A company's situation asked before each near miss: the conversation must not carry an off-topic question."""


def bench_offtopic(coach: Coach) -> None:
    """Off-topic questions must get 'not covered', never quoted articles (per file and split); the near misses
    also right after a situational question, in the same conversation."""
    for path in OFFTOPIC_FILES:
        print(f"\n== Off-topic questions: {path}")
        questions = yaml.safe_load(path.read_text(encoding="utf-8"))
        for split in dict.fromkeys(item.get("split", "all") for item in questions):
            group = [item for item in questions if item.get("split", "all") == split]
            answered = [item["id"] for item in group if coach.ask(item["question"]).grounded]
            shown = answered if split.startswith("dev") or split == "all" else ""
            print(f"{split}: {len(group)} questions, answered from the articles anyway: {len(answered)} {shown or ''}")
            near = [item for item in group if item.get("kind") == "near"]
            if near:
                after = [item["id"] for item in near if _after_situation(coach, item).grounded]
                shown = after if split.startswith("dev") or split == "all" else ""
                told = f"{len(near)} near misses after a situational question, answered: {len(after)}"
                print(f"{split}: {told} {shown or ''}")


def _after_situation(coach: Coach, item: dict):
    situation = SITUATIONS[item.get("lang", "en")]
    history = [("user", situation), ("coach", coach.ask(situation).text)]
    return coach.ask(item["question"], history=history)


def bench_personas(coach: Coach, only_splits: Sequence[str] = ()) -> None:
    """Stage inference per persona split, for `assess` and for scripted `diagnose` runs.

    The misses of held-out splits are not printed: naming them would invite tuning on them.
    """
    personas = [persona for path in PERSONA_FILES for persona in load_personas(path)]
    splits = sorted({persona.split for persona in personas} & set(only_splits or {p.split for p in personas}))
    print(f"\n== Stage inference: {len(personas)} personas, splits {', '.join(splits)}")
    print("   (the heldout splits were never used to tune the scorer)")
    taught = _splits_in_corpus(coach, personas)
    if taught:
        print(f"   (sentences of {', '.join(taught)} are in the scorer's corpus: their figures are training accuracy)")
    for split in splits:
        group = [persona for persona in personas if persona.split == split]
        assess = stage_report(group, lambda persona: coach.assess(persona.text)[0].stage)
        diagnose = stage_report(group, lambda persona: _scripted_stage(coach, persona))
        _print_report(assess, f"assess   {split}", tuning=split.startswith("dev"))
        _print_report(diagnose, f"diagnose {split}", tuning=split.startswith("dev"))


def _splits_in_corpus(coach: Coach, personas: list[Persona]) -> list[str]:
    """The persona splits whose sentences the scorer learned from."""
    taught = {sentence.description for sentence in coach.scorer_corpus()}
    return sorted({persona.split for persona in personas if persona.id in taught})


def _scripted_stage(coach: Coach, persona: Persona) -> int:
    conversation = run_diagnostic(coach, split_sentences(persona.text), show=None)
    return conversation.summary.assessment.stage


def _print_report(report: StageReport, title: str, tuning: bool) -> None:
    """Misses are named only for the tuning splits (dev*); every other split is a held-out check."""
    print("\n".join(report.lines(title, show_misses=tuning)))
    if not tuning:
        total = max(report.total, 1)
        for name, value in (("exact", report.exact / total), ("within-one", report.within_one / total)):
            met = "met" if value >= TARGETS[name] else "NOT MET"
            print(f"  {name}: {value:.2f} (target >= {TARGETS[name]}) {met}")


def bench_turn(coach: Coach, repeat: int) -> None:
    """One diagnostic turn (scoring an answer and choosing the next question) / one embedding of it."""
    print(f"\n== Diagnostic turn cost: one turn / one embedding of the answer (medians of {repeat})")
    context = coach.diagnostic_context()
    opened, _ = start(context, "en")
    for answer in TURN_ANSWERS:
        advance(context, opened, answer)  # warm up
        turns, embeddings = [], []
        for _ in range(repeat):
            turns.append(seconds(lambda a=answer: advance(context, opened, a)))
            embeddings.append(seconds(lambda a=answer: coach.embedder.query_vector(a)))
        turn, embedding = statistics.median(turns), statistics.median(embeddings)
        ratio = turn / embedding
        met = "met" if ratio <= TARGETS["turn/embedding"] else "NOT MET"
        print(f"{answer[:60]!r}: turn {turn * 1000:.1f} ms, embedding {embedding * 1000:.1f} ms")
        print(f"turn/embedding: {ratio:.3g} (target <= {TARGETS['turn/embedding']}) {met}")


def seconds(work) -> float:
    """Wall time of one call."""
    start_time = time.perf_counter()
    work()
    return time.perf_counter() - start_time
