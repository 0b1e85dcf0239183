"""A blind review of two sets of answers to the same questions (before and after a change).

`python -m bench.blind sheet BEFORE.json AFTER.json SAMPLE.yaml --out DIR` writes `DIR/sheet.md` (each question
with its two answers as A and B, in an order drawn at random per question) and `DIR/key.json` (which side is
which; the reviewer does not open it). The reviewer writes one line per question to `DIR/verdicts.txt`:
`ID A`, `ID B` or `ID =`. `python -m bench.blind score DIR` prints the preference for "after".
The answer files are the `--dump` output of `python -m bench --only answers`.
"""

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml


def write_sheet(before: Path, after: Path, sample: Path, out: Path, seed: int) -> None:
    answers = {
        name: {row["id"]: row for row in json.loads(path.read_text())}
        for name, path in (("before", before), ("after", after))
    }
    items = yaml.safe_load(sample.read_text(encoding="utf-8"))
    draw = random.Random(seed)
    key, lines = {}, ["# Blind review: which answer answers the question better? Write `ID A`, `ID B` or `ID =`.\n"]
    for item in items:
        if item["id"] not in answers["before"] or item["id"] not in answers["after"]:
            continue
        order = ["before", "after"]
        draw.shuffle(order)
        key[item["id"]] = order[0]
        asked = f"{item['previous']} → {item['question']}" if item.get("previous") else item["question"]
        lines.append(f"## {item['id']}: {asked}\n")
        for side, name in zip("AB", order, strict=True):
            lines.append(f"**{side}**\n\n{answers[name][item['id']]['answer']}\n")
    out.mkdir(parents=True, exist_ok=True)
    (out / "sheet.md").write_text("\n".join(lines), encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")
    print(f"{len(key)} questions in {out / 'sheet.md'}; the key is in {out / 'key.json'}")


def score(out: Path) -> None:
    key = json.loads((out / "key.json").read_text())
    counts = {"after": 0, "before": 0, "tie": 0}
    for line in (out / "verdicts.txt").read_text().splitlines():
        if not line.strip():
            continue
        item, verdict = line.split()[:2]
        if verdict == "=":
            counts["tie"] += 1
        else:
            a_is = key[item]
            counts[a_is if verdict == "A" else ("after" if a_is == "before" else "before")] += 1
    total = sum(counts.values())
    print(
        f"{total} judged: after preferred {counts['after']}, before preferred {counts['before']}, ties {counts['tie']}"
    )
    if total:
        print(f"preference for after: {counts['after'] / total:.2f} (ties count as not preferred)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.blind", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    sheet = commands.add_parser("sheet")
    sheet.add_argument("before", type=Path)
    sheet.add_argument("after", type=Path)
    sheet.add_argument("sample", type=Path)
    sheet.add_argument("--out", type=Path, required=True)
    sheet.add_argument("--seed", type=int, default=17)
    scored = commands.add_parser("score")
    scored.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sheet":
        write_sheet(args.before, args.after, args.sample, args.out, args.seed)
    else:
        score(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
