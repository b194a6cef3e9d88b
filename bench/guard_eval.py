"""Patient-data guard benchmark: precision and recall per kind over a labelled corpus.

Run from the repository root:  .venv/bin/python -m bench.guard_eval [--misses]

A finding counts as a true positive when a labelled entity of the same kind overlaps its span;
each labelled entity is matched at most once. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.coaching.guard import KINDS, Finding, scan

CORPUS = Path(__file__).parent / "data" / "guard_corpus.jsonl"


@dataclass(frozen=True)
class Example:
    """A labelled text: the entities (kind, start, end) a perfect guard would find."""

    text: str
    entities: tuple[tuple[str, int, int], ...]


def load_corpus(path: Path = CORPUS) -> list[Example]:
    """The labelled examples, each entity located by its verbatim text."""
    examples = []
    for line in filter(None, path.read_text(encoding="utf-8").splitlines()):
        item = json.loads(line)
        entities = []
        for entity in item["entities"]:
            start = item["text"].index(entity["text"])
            entities.append((entity["kind"], start, start + len(entity["text"])))
        examples.append(Example(text=item["text"], entities=tuple(entities)))
    return examples


def match(example: Example, findings: list[Finding]) -> tuple[Counter, Counter, Counter]:
    """True positives, false positives and false negatives per kind for one example."""
    tp, fp, fn = Counter(), Counter(), Counter()
    unmatched = list(example.entities)
    for finding in findings:
        hit = next(
            (
                e
                for e in unmatched
                if e[0] == finding.kind and finding.start < e[2] and e[1] < finding.end
            ),
            None,
        )
        if hit is None:
            fp[finding.kind] += 1
        else:
            tp[finding.kind] += 1
            unmatched.remove(hit)
    fn.update(kind for kind, _, _ in unmatched)
    return tp, fp, fn


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def table(tp: Counter, fp: Counter, fn: Counter) -> str:
    """The markdown table: one row per kind, then the overall (micro-averaged) row."""
    lines = [
        "| kind | labelled | found | TP | FP | FN | precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in (*KINDS, "overall"):
        t, f, n = (
            (sum(tp.values()), sum(fp.values()), sum(fn.values()))
            if kind == "overall"
            else (tp[kind], fp[kind], fn[kind])
        )
        lines.append(
            f"| {kind} | {t + n} | {t + f} | {t} | {f} | {n} | {_ratio(t, t + f)} "
            f"| {_ratio(t, t + n)} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Evaluate the guard on the corpus and print the table (and, if asked, the misses)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list false positives/negatives")
    args = parser.parse_args()
    examples = load_corpus()
    tp, fp, fn = Counter(), Counter(), Counter()
    started = time.perf_counter()
    for example in examples:
        findings = scan(example.text)
        t, f, n = match(example, findings)
        tp, fp, fn = tp + t, fp + f, fn + n
        if args.misses and (f or n):
            print(f"- {example.text!r}: FP {dict(f)} FN {dict(n)}")
    elapsed_ms = (time.perf_counter() - started) * 1000
    negatives = sum(1 for e in examples if not e.entities)
    print(
        f"\n{len(examples)} examples ({len(examples) - negatives} with patient data, "
        f"{negatives} hard negatives); {elapsed_ms / len(examples):.2f} ms per text\n"
    )
    print(table(tp, fp, fn))


if __name__ == "__main__":
    main()
