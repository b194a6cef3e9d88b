"""What it means for a reflective question to presuppose an answer the person never gave.

A question presupposes when it takes for granted something the person has not said: that they
did an activity ("Which process have you recently mapped?"), that an artefact exists ("What did
the map show you?"), or that the situation they described held a particular thing ("How did
they respond?"). Such a question tells someone who has never mapped, measured or asked that
they should have, before they have said a word (Rolfe, Freshwater and Jasper 2001 build each
stage on what the person described at the stage before).

The definition is a list of phrasings, each with the reason it presupposes. It is applied to
every question of the curated bank (tests/coaching/test_question_bank.py) and to every question
the AI coach writes, before anyone reads it. A So-what question written from the person's own
words may name what those words name: a definite reference is allowed when its noun is in them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.models import Stage


@dataclass(frozen=True)
class Phrasing:
    """One way a question can presuppose; `noun` is the group naming what is presupposed."""

    pattern: re.Pattern[str]
    reason: str
    noun: int | None = None  # when set, the phrasing is allowed if the person used that noun


def _phrasing(pattern: str, reason: str, noun: int | None = None) -> Phrasing:
    return Phrasing(re.compile(pattern, re.IGNORECASE), reason, noun)


_ARTEFACTS = (
    r"maps?|data|run charts?|charts?|measures?|measurements?|results?|action plans?|"
    r"feedback|surveys?|audits?"
)
_SITUATIONS = (
    r"changes?|redesigns?|resistance|relationships?|responses?|reactions?|decisions?|"
    r"handovers?|referrals?|complaints?|improvements?|goals?|tests?|meetings?|ideas?|cases?|"
    r"projects?|process(?:es)?"
)

# Before anything is said on an attribute (the What, and the What after a low rating).
ACTIVITY_PHRASINGS: tuple[Phrasing, ...] = (
    _phrasing(r"\b(?:time|occasion) (?:when )?you\b", "'a recent time you ...' assumes they did"),
    _phrasing(r"\b(?:when|how) did you last\b", "'when did you last ...' assumes they have"),
    _phrasing(r"\bhave you recently\b", "'have you recently ...' in a wh-question assumes it"),
    _phrasing(r"\b(?:which|what)\b[^?.]*\bhave you\b", "'which ... have you ...' assumes one"),
    _phrasing(r"\bdescribe how you\b", "'describe how you ...' assumes they did"),
    _phrasing(
        r"\byou(?:r team)? (?:recently )?(?:built|repaired|redesigned|mapped|measured|tracked|"
        r"shared|pushed|ran|helped|tested|coached)\b",
        "a past activity attributed to the person",
    ),
    _phrasing(rf"\b(?:the|your|that|this) ({_ARTEFACTS})\b", "an artefact they may not have", 1),
)

# After a What answer (So what, Now what): only what the person described may be referred to.
FOLLOW_ON_PHRASINGS: tuple[Phrasing, ...] = (
    _phrasing(rf"\b(?:the|your|that|this|those) ({_ARTEFACTS})\b", "an artefact not mentioned", 1),
    _phrasing(
        rf"\b(?:the|that|this|those) ({_SITUATIONS})\b", "a particular they may not have named", 1
    ),
    _phrasing(
        r"\b(?:did they|they (?:told|said|felt|responded|reacted)|won them)\b",
        "assumes people said or did something",
    ),
    _phrasing(r"\bwhat did (?:it|the (\w+)) (?:show|tell)\b", "assumes a result was shown", 1),
    _phrasing(r"\bhow did (?:people|others|it) (?:respond|react|go)\b", "assumes an event"),
)


def presupposition(question: str, stage: Stage | str, said: str = "") -> str | None:
    """Why `question`, asked at `stage` after the person `said` that, presupposes; or None."""
    phrasings = ACTIVITY_PHRASINGS if stage == Stage.WHAT else FOLLOW_ON_PHRASINGS
    words = set(re.findall(r"[a-z]+", said.lower()))
    for phrasing in phrasings:
        for match in phrasing.pattern.finditer(question):
            noun = match.group(phrasing.noun) if phrasing.noun is not None else None
            if noun is not None and _named(noun, words):
                continue
            return f"{phrasing.reason}: '{match.group(0)}'"
    return None


def _named(noun: str, words: set[str]) -> bool:
    """Whether the person used this noun (or its singular or plural)."""
    noun = noun.lower().split()[-1]
    stem = noun[:-2] if noun.endswith("es") else noun[:-1] if noun.endswith("s") else noun
    return any(word in (noun, stem) or word.startswith(stem) for word in words)
