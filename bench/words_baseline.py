"""The word-list signal the coach used before bench/words_eval.py existed: the baseline.

Kept here, unchanged, so every run of the benchmark measures the sentence reader against it.
"""

from __future__ import annotations

import re

from bot.coaching.models import Answer

_NEED = re.compile(
    r"\b(struggl\w*|difficult\w*|hard|not confident|unsure|uncertain|avoid\w*|never|rarely|"
    r"don'?t|can'?t|haven'?t|lack\w*|need to|want to (?:get|be|learn|improve)\w*|"
    r"should|wish|stuck|overwhelm\w*|frustrat\w*|worr\w*|anxious|nervous|gap)\b",
    re.IGNORECASE,
)
_STRENGTH = re.compile(
    r"\b(confident|good at|strength|comfortable|always|enjoy\w*|proud|well)\b", re.IGNORECASE
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def need_signal(text: str) -> float:
    """Positive for need words, negative for strength words (the old rule)."""
    needs = min(len(_NEED.findall(text)), 3)
    strengths = min(len(_STRENGTH.findall(text)), 2)
    return 0.5 * needs - 0.5 * strengths


def score(answer: Answer) -> float | None:
    """The old ranking score: the rating plus the word signal, mixed (words could overturn)."""
    if answer.rating is None and not answer.text.strip():
        return None
    base = 6 - answer.rating if answer.rating is not None else 2.5
    return base + need_signal(answer.text)


def best_quote(text: str) -> str | None:
    """The old quote: the sentence with the most need words, the first of equals."""
    found = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    if not found:
        return None
    return max(found, key=lambda s: (need_signal(s), -found.index(s)))
