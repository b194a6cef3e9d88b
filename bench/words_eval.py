"""Reading people's words: sentence accuracy, persona rankings, quotes and distress signposts.

Run from the repository root:  .venv/bin/python -m bench.words_eval [--misses]

Measures the sentence reader (bot/coaching/reading.py) and the ranking built on it against the
old word-list signal (bench/words_baseline.py), and plain VADER, in the same run, on the
labelled sets in bench/data/ (need_strength.jsonl, personas.jsonl, distress.jsonl; see
bench/data/README.md).
Every third sentence (line numbers 3, 6, 9...) is held out: the rules were tuned on the others
only, and the held-out figure is the one to trust. Prints markdown.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bench import words_baseline
from bot.coaching import distress, reading
from bot.coaching.models import Answer, Person, Reflection
from bot.coaching.priorities import ranked_attribute_ids
from bot.content import load_framework

DATA = Path(__file__).parent / "data"
LABELS = ("need", "strength", "neutral")
TOP = 3


def _lines(name: str) -> list[dict[str, Any]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def held_out(index: int) -> bool:
    """Whether the sentence at this 0-based line index was kept out of tuning."""
    return index % 3 == 2


def vader_label(analyzer: SentimentIntensityAnalyzer, sentence: str) -> str:
    """Plain VADER, lexicon untouched: its compound score read with its own thresholds."""
    value = analyzer.polarity_scores(sentence)["compound"]
    return "need" if value <= -0.05 else "strength" if value >= 0.05 else "neutral"


def baseline_label(sentence: str) -> str:
    """The old signal read as a label: need words minus strength words."""
    signal = words_baseline.need_signal(sentence)
    return "need" if signal > 0 else "strength" if signal < 0 else "neutral"


def sentence_table(rows: list[dict[str, Any]], misses: bool) -> str:
    """Accuracy of the reader and the baseline: held out, tuned on, all, and per form."""
    groups: dict[str, list[int]] = {
        "held out (every 3rd)": [i for i in range(len(rows)) if held_out(i)],
        "tuned on": [i for i in range(len(rows)) if not held_out(i)],
        "all": list(range(len(rows))),
    }
    for form in sorted({row["form"] for row in rows}):
        groups[f"form: {form}"] = [i for i, row in enumerate(rows) if row["form"] == form]
    ours = [reading.label(row["text"]) for row in rows]
    old = [baseline_label(row["text"]) for row in rows]
    plain = SentimentIntensityAnalyzer()
    vader = [vader_label(plain, row["text"]) for row in rows]
    lines = [
        "| sentences | n | reader | baseline | ratio | VADER alone |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, indexes in groups.items():
        right = sum(ours[i] == rows[i]["label"] for i in indexes) / len(indexes)
        was = sum(old[i] == rows[i]["label"] for i in indexes) / len(indexes)
        alone = sum(vader[i] == rows[i]["label"] for i in indexes) / len(indexes)
        ratio = f"{right / was:.2f}" if was else "n/a"
        lines.append(
            f"| {name} | {len(indexes)} | {right:.3f} | {was:.3f} | {ratio} | {alone:.3f} |"
        )
    if misses:
        for i, row in enumerate(rows):
            if ours[i] != row["label"] and not held_out(i):
                lines.append(
                    f"\nmiss: {row['label']} read as {ours[i]} "
                    f"({reading.score(row['text']):+.2f}, {row['form']}): {row['text']}"
                )
    return "\n".join(lines)


def confusion(rows: list[dict[str, Any]]) -> str:
    """Labelled (rows) against read (columns), all sentences."""
    counts = Counter((row["label"], reading.label(row["text"])) for row in rows)
    lines = ["| labelled \\ read | " + " | ".join(LABELS) + " |", "| --- |" + " ---: |" * 3]
    for wanted in LABELS:
        lines.append(f"| {wanted} | " + " | ".join(str(counts[wanted, g]) for g in LABELS) + " |")
    return "\n".join(lines)


def _reflection(persona: dict[str, Any]) -> Reflection:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    answers = {
        item["attribute_id"]: Answer(
            attribute_id=item["attribute_id"],
            rating=item["rating"],
            text=item["text"],
            updated_at=now,
        )
        for item in persona["answers"]
    }
    return Reflection(
        id=persona["name"],
        person=Person(workspace_id="T", user_id="U"),
        scope=persona["scope"],
        framework_version="bench",
        attribute_ids=list(answers),
        answers=answers,
        cursor=len(answers),
        started_at=now,
        updated_at=now,
    )


def baseline_ranking(reflection: Reflection, order: dict[str, int]) -> list[str]:
    """The old ranking: rating and word signal added together."""
    scored = [
        (value, attribute_id)
        for attribute_id, answer in reflection.answers.items()
        if (value := words_baseline.score(answer)) is not None
    ]
    scored.sort(key=lambda item: (-item[0], order[item[1]]))
    return [attribute_id for _, attribute_id in scored]


def persona_table(personas: list[dict[str, Any]], misses: bool) -> str:
    """Whether each persona's expected attributes are all in its top 3, and the quotes."""
    framework = load_framework()
    order = {a.id: n for n, a in enumerate(framework.attributes())}
    rankers: dict[str, Callable[[Reflection], list[str]]] = {
        "reader": lambda r: ranked_attribute_ids(r, framework),
        "baseline": lambda r: baseline_ranking(r, order),
    }
    quoters: dict[str, Callable[[str], str | None]] = {
        "reader": reading.most_in_need,
        "baseline": words_baseline.best_quote,
    }
    lines = ["| persona | expected in top 3 | reader top 3 | baseline top 3 |", "|" + " --- |" * 4]
    passed = Counter[str]()
    quotes_right, quotes = Counter[str](), 0
    for persona in personas:
        reflection = _reflection(persona)
        tops = {name: rank(reflection)[:TOP] for name, rank in rankers.items()}
        for name, top in tops.items():
            passed[name] += set(persona["expected"]) <= set(top)
        lines.append(
            f"| {persona['name']} | {', '.join(persona['expected'])} | "
            f"{', '.join(tops['reader'])} | {', '.join(tops['baseline'])} |"
        )
        for attribute_id, wanted in persona["quotes"].items():
            quotes += 1
            text = reflection.answers[attribute_id].text
            for name, quote in quoters.items():
                quotes_right[name] += quote(text) == wanted
                if misses and name == "reader" and quote(text) != wanted:
                    lines.append(f"\nquote miss {attribute_id}: {quote(text)!r}")
    count = len(personas)
    lines.append(
        f"\nPersonas with every expected attribute in the top {TOP}: reader "
        f"{passed['reader']}/{count}, baseline {passed['baseline']}/{count}. Quotes chosen as "
        f"labelled: reader {quotes_right['reader']}/{quotes}, baseline "
        f"{quotes_right['baseline']}/{quotes}."
    )
    return "\n".join(lines)


def distress_table(rows: list[dict[str, Any]], misses: bool) -> str:
    """Precision and recall of the signpost on the signpost/none lines; maybe lines apart."""
    counts = Counter((row["label"], distress.shows_distress(row["text"])) for row in rows)
    tp, fn = counts["signpost", True], counts["signpost", False]
    fp, tn = counts["none", True], counts["none", False]
    maybe_on, maybe = counts["maybe", True], counts["maybe", True] + counts["maybe", False]
    lines = [
        "| signpost | labelled | shown | TP | FP | FN | precision | recall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| distress | {tp + fn} | {tp + fp} | {tp} | {fp} | {fn} | "
        f"{tp / max(tp + fp, 1):.3f} | {tp / max(tp + fn, 1):.3f} |",
        f'\n{tn + fp} texts that should not signpost ({fp} did); {maybe} "maybe" texts, '
        f"{maybe_on} signposted.",
    ]
    if misses:
        for row in rows:
            shown = distress.shows_distress(row["text"])
            if row["label"] != "maybe" and shown != (row["label"] == "signpost"):
                lines.append(f"\nmiss ({row['label']}, shown={shown}): {row['text']}")
    return "\n".join(lines)


def main() -> None:
    """Evaluate the reader, the ranking and the distress check; print markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the errors (tuned-on lines)")
    args = parser.parse_args()
    sentences = _lines("need_strength.jsonl")
    started = time.perf_counter()
    reading.label(sentences[0]["text"])  # builds the analyzer once, outside the timing below
    built = time.perf_counter()
    for row in sentences:
        reading.label(row["text"])
    per_sentence = (time.perf_counter() - built) / len(sentences) * 1000
    print(
        f"{len(sentences)} sentences; analyzer built in {(built - started) * 1000:.0f} ms, "
        f"then {per_sentence:.2f} ms per sentence\n"
    )
    print(sentence_table(sentences, args.misses), "\n")
    print(confusion(sentences), "\n")
    print(persona_table(_lines("personas.jsonl"), args.misses), "\n")
    print(distress_table(_lines("distress.jsonl"), args.misses))


if __name__ == "__main__":
    main()
