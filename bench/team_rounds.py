"""Synthetic team rounds for `python -m bench --only team`, built from the project's labelled sentences.

`python -m bench.team_rounds tuning|heldout` writes `evals/team/<split>.yaml` (once: the files are committed
and never regenerated after they were scored). Each round is one company told by 3-8 colleagues: every
colleague says part of one labelled description (their own subset of its sentences). A planted disagreement
on a dimension replaces what the colleagues say about it: one side says a sentence labelled with a high level,
the other a sentence labelled at least two levels lower (r_wg < 0.7 on the true levels, for any team size); an
aligned round plants nothing. The two splits differ in source and construction:

- tuning (seed 11): companies and planted sentences from `evals/sentences/cc.yaml`; each colleague keeps a
  random 60-90 % of the description's sentences; both sides of a planted disagreement speak pool sentences,
  the smaller side is one role group.
- heldout (seed 2027): companies and planted sentences from `evals/sentences/dev4.yaml` and
  `evals/descriptions/tuning.yaml` (other writers, other companies); each labelled sentence goes to every
  colleague with probability 0.7, small talk to half of them; the majority keeps the description's own
  sentences where their level is far enough from the dissent, and the dissent is one colleague or a role group.

Every round is checked against its true levels (the stage rules on the labels, confidence 1): a planted
dimension must be a disagreement there and no other dimension may be; the team's true stage is the stage rules
applied to everyone's labels together.
"""

import argparse
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.evals import EVALS
from bench.team import TeamRound, TeamSentence, load_rounds, true_disagreements, true_stage
from coach.knowledge.readiness_keys import DIMENSION_KEYS

LOW_ZERO = ("presence", "resources")
"""The only dimensions whose level 0 the model defines; a label 0 elsewhere reads as 1 (cc.yaml's note)."""
ROLES = {
    "en": ["Marketing", "Service", "HR", "Management", "Sales", "IT"],
    "de": ["Marketing", "Kundenservice", "Personal", "Geschäftsführung", "Vertrieb", "IT"],
}
NAMES = {
    "en": ["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Chris", "Robin"],
    "de": ["Anna", "Jonas", "Lea", "Felix", "Mia", "Paul", "Sophie", "Lukas", "Emma", "Ben"],
}
PAIRS = ((3, 1), (3, 0), (2, 0))
"""(high, low) levels of the two sides of a planted disagreement."""


@dataclass(frozen=True)
class Source:
    id: str
    lang: str
    sentences: list[TeamSentence]


def _labels(evidence: list[dict] | None) -> dict[str, int]:
    labels: dict[str, int] = {}
    for item in evidence or []:
        level = item["level"]
        if level == 0 and item["dimension"] not in LOW_ZERO:
            level = 1
        labels.setdefault(item["dimension"], level)
    return labels


def cc_sources() -> list[Source]:
    rows = yaml.safe_load((EVALS / "sentences" / "cc.yaml").read_text(encoding="utf-8"))
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["id"].split(".")[0]].append(row)
    return [
        Source(key, rows[0]["lang"], [TeamSentence(r["text"], _labels(r["evidence"]), r["id"]) for r in rows])
        for key, rows in grouped.items()
    ]


def heldout_sources() -> list[Source]:
    sources = []
    for path in (EVALS / "sentences" / "dev4.yaml", EVALS / "descriptions" / "tuning.yaml"):
        for row in yaml.safe_load(path.read_text(encoding="utf-8")):
            sentences = [
                TeamSentence(s["text"], _labels(s.get("evidence")), f"{row['id']}.{n}")
                for n, s in enumerate(row["sentences"], 1)
            ]
            sources.append(Source(row["id"], row["lang"], sentences))
    return sources


def pool(sources: list[Source]) -> dict[tuple[str, int], list[tuple[str, TeamSentence]]]:
    """Sentences that speak to exactly one dimension, by (dimension, level), with their language."""
    found: dict[tuple[str, int], list[tuple[str, TeamSentence]]] = defaultdict(list)
    for source in sources:
        for sentence in source.sentences:
            if len(sentence.labels) == 1:
                ((key, level),) = sentence.labels.items()
                found[(key, level)].append((source.lang, sentence))
    return found


def _plantable(found, key: str) -> list[tuple[int, int]]:
    """The level pairs with sentences on both sides; "no accounts at all" is no plausible dissent about a
    company whose colleagues describe its accounts, so presence 0 is never planted."""
    pairs = [(high, low) for high, low in PAIRS if low > 0 or key != "presence"]
    return [(high, low) for high, low in pairs if found.get((key, high)) and found.get((key, low))]


def _pick(found, key: str, level: int, lang: str, rng: random.Random, avoid: set[str]) -> TeamSentence:
    options = [s for language, s in found[(key, level)] if s.source not in avoid]
    own = [s for language, s in found[(key, level)] if language == lang and s.source not in avoid]
    chosen = rng.choice(own or options or [s for _, s in found[(key, level)]])
    avoid.add(chosen.source)
    return chosen


def _team(lang: str, size: int, rng: random.Random) -> list[tuple[str, str]]:
    names = rng.sample(NAMES[lang], size)
    return [(name, rng.choice(ROLES[lang])) for name in names]


def _labelled_dimensions(source: Source) -> set[str]:
    return {key for sentence in source.sentences for key in sentence.labels}


def tuning_round(number: int, sources: list[Source], found, rng: random.Random) -> TeamRound | None:
    lang = "de" if number % 2 else "en"
    planted_count = number % 3  # 0 aligned, 1 or 2 planted
    candidates = [s for s in sources if s.lang == lang and len(_labelled_dimensions(s)) >= 3]
    source = rng.choice(candidates)
    team = _team(lang, rng.randint(3, 8), rng)
    plantable = [key for key in DIMENSION_KEYS if _plantable(found, key)]
    planted = rng.sample(plantable, planted_count)
    said = []
    for _ in team:
        rate = rng.uniform(0.6, 0.9)
        kept = [s for s in source.sentences if rng.random() < rate]
        said.append([s for s in kept if not set(s.labels) & set(planted)])
    for key in planted:
        high, low = rng.choice(_plantable(found, key))
        dissent_role = rng.choice([role for _, role in team])
        dissent = {i for i, (_, role) in enumerate(team) if role == dissent_role}
        if len(dissent) > len(team) // 2:
            dissent = set(rng.sample(sorted(dissent), max(1, len(team) // 2)))
        majority_level, dissent_level = (high, low) if rng.random() < 0.5 else (low, high)
        used: set[str] = set()
        for index in range(len(team)):
            level = dissent_level if index in dissent else majority_level
            said[index].append(_pick(found, key, level, lang, rng, used))
    return _round(f"tt-{number:02d}", "team-tuning", lang, source.id, planted, team, said, rng)


def heldout_round(number: int, sources: list[Source], found, rng: random.Random) -> TeamRound | None:
    lang = "en" if number % 2 else "de"
    planted_count = (number // 2) % 3
    candidates = [s for s in sources if s.lang == lang and len(_labelled_dimensions(s)) >= 3]
    source = rng.choice(candidates)
    team = _team(lang, rng.choice([3, 4, 5, 6, 7, 8]), rng)
    levels = {key: level for s in source.sentences for key, level in s.labels.items()}
    planted = rng.sample([key for key in DIMENSION_KEYS if _plantable(found, key)], planted_count)
    said = []
    for _ in team:
        said.append([s for s in source.sentences if rng.random() < (0.7 if s.labels else 0.5)])
    for key in planted:
        high, low = rng.choice(_plantable(found, key))
        alone = rng.random() < 0.5
        if alone:
            dissent = {rng.randrange(len(team))}
        else:
            role = rng.choice([role for _, role in team])
            dissent = {i for i, (_, r) in enumerate(team) if r == role}
            if len(dissent) > len(team) // 2:
                dissent = {min(dissent)}
        own = levels.get(key)
        keep_own = own is not None and (own >= high or own <= low)
        majority_level = own if keep_own else high
        dissent_level = low if majority_level >= high else high
        used: set[str] = set()
        for index in range(len(team)):
            without = [s for s in said[index] if key not in s.labels]
            if index not in dissent and keep_own:
                mine = [s for s in source.sentences if s.labels.get(key) is not None and set(s.labels) == {key}]
                said[index] = without + (mine[:1] or [_pick(found, key, majority_level, lang, rng, used)])
            else:
                level = dissent_level if index in dissent else majority_level
                said[index] = [*without, _pick(found, key, level, lang, rng, used)]
    return _round(f"th-{number:02d}", "team-heldout", lang, source.id, planted, team, said, rng)


def _round(round_id, split, lang, source_id, planted, team, said, rng) -> TeamRound | None:
    respondents = []
    for (name, role), sentences in zip(team, said, strict=True):
        rng.shuffle(sentences)
        respondents.append({"name": name, "role": role, "sentences": sentences})
    candidate = TeamRound(round_id, split, lang, source_id, sorted(planted), 0, respondents)
    if not all(any(s.labels for s in r["sentences"]) for r in respondents):
        return None
    if set(true_disagreements(candidate)) != set(planted):
        return None
    return TeamRound(round_id, split, lang, source_id, sorted(planted), true_stage(candidate), respondents)


def build(split: str, count: int) -> list[TeamRound]:
    if split == "tuning":
        sources, make, rng = cc_sources(), tuning_round, random.Random(11)
    else:
        sources, make, rng = heldout_sources(), heldout_round, random.Random(2027)
    found = pool(sources)
    rounds = []
    number = 0
    while len(rounds) < count:
        made = make(len(rounds) + 1, sources, found, rng)
        number += 1
        if number > count * 200:
            raise RuntimeError("could not build enough valid rounds")
        if made is not None:
            rounds.append(made)
    return rounds


HEADER = {
    "tuning": (
        "# Synthetic team rounds, split team-tuning (issue 21): written by bench/team_rounds.py (seed 11) from\n"
        "# evals/sentences/cc.yaml. Decisions about the team report may look at it. See evals/README.md.\n"
    ),
    "heldout": (
        "# Synthetic team rounds, split team-heldout (issue 21): written by bench/team_rounds.py (seed 2027) from\n"
        "# evals/sentences/dev4.yaml and evals/descriptions/tuning.yaml, by another construction than the tuning\n"
        "# split; committed before it was scored; scored once. See evals/README.md.\n"
    ),
}


def dump(rounds: list[TeamRound]) -> str:
    rows = [
        {
            "id": r.id,
            "split": r.split,
            "lang": r.lang,
            "company": r.company,
            "planted": r.planted,
            "stage": r.stage,
            "respondents": [
                {
                    "name": p["name"],
                    "role": p["role"],
                    "sentences": [
                        {
                            "text": s.text,
                            "evidence": [{"dimension": k, "level": v} for k, v in s.labels.items()],
                            "from": s.source,
                        }
                        for s in p["sentences"]
                    ],
                }
                for p in r.respondents
            ],
        }
        for r in rounds
    ]
    return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=200)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.team_rounds", description=__doc__.splitlines()[0])
    parser.add_argument("split", choices=["tuning", "heldout"])
    parser.add_argument("--count", type=int, default=36)
    parser.add_argument("--output", type=Path, help="default: evals/team/<split>.yaml")
    args = parser.parse_args(argv)
    path = args.output or EVALS / "team" / f"{args.split}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER[args.split] + dump(build(args.split, args.count)), encoding="utf-8")
    print(f"wrote {path} ({len(load_rounds(path))} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
