"""Reads a person's words sentence by sentence: does each show a need, a strength, or neither?

Valence comes from VADER (Hutto & Gilbert, 2014, "VADER: a parsimonious rule-based model for
sentiment analysis of social media text", ICWSM), the `vadersentiment` package, which ships its
lexicon: its rules flip a word after a negation ("not good", "never a problem"), weigh the clause
after "but" 1.5 and the one before 0.5, and scale boosters and hedges ("very", "sort of").

Sentiment valence is not the same thing as need or strength in a self-assessment, so a few rules
of ours sit on top, each for something VADER cannot know (measured in bench/words_eval.py):
- the framework's own subject words ("improvement", "care", "support", "the trust") are what
  people write *about*, not how it goes: VADER reads them as praise, so they weigh nothing here;
- a negated practice with no feeling word ("I've never mapped a process", "we don't ask
  patients") shows a need, though VADER scores it 0 (it only flips the valence of lexicon words);
- a gap ("I should", "I could do more"), an excess ("far too long", "too fast") or a doubt
  ("I wonder whether") shows a need in a self-assessment;
- a few words of NHS working life that VADER's lexicon lacks ("firefighting", "silos",
  "anecdotes", "drifted").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

from vaderSentiment.vaderSentiment import NEGATE, SentimentIntensityAnalyzer, SentiText

Label = Literal["need", "strength", "neutral"]

MAX_READ_CHARS = 10_000  # of an answer, for ranking and quotes (a long reflection is 2,000)
MAX_SENTENCE_WORDS = 60  # of a sentence; the labelled ones run to 25
NEUTRAL_BAND = 0.05  # VADER's own threshold on its compound score for "neutral"
BEFORE_BUT, AFTER_BUT = 0.5, 1.5  # VADER's weights either side of "but", used for our cues too
NEGATION_WINDOW = 3  # VADER looks up to three words back for a negation
NEGATED_PRACTICE = -0.5  # "we don't ask patients": about the weight of one plain negative word
GAP, EXCESS, DOUBT = -0.4, -0.6, -0.4
HABIT, DONE = 0.4, 0.4
STRENGTH_SHARE = 0.5  # how much a strength beside a need takes off it, in an answer's need

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_CONTRAST = re.compile(r"\b(?:but|however)\b", re.IGNORECASE)

# Words that name the framework's subject: a person writes "we don't involve staff in
# improvement", and VADER's +2.0 for "improvement" would read that as a strength.
_TOPIC_WORDS = (  # noqa: SIM905 (a list of words reads best as words)
    "active benefit care confidence demand efficiency engage engaged engagement engages "
    "flexibility gain gains improve improvement improvements improving innovation innovative "
    "limited resistance support supports value values vision "
    # Clinical words name the work, not how the writer does it ("I lead on cancer care",
    # "critical care", "patient safety", "hand over"); VADER reads them as feelings.
    "attack cancer critical death deaths emergency hand heart illness pain risk risks safety"
).split()

# Words VADER's lexicon lacks or reads in another sense, valued on its scale (-4..+4).
_DOMAIN_WORDS = {
    # Always reacting to the day's crises leaves no room for improvement work.
    "firefight": -2.0,
    "firefighting": -2.0,
    "firefights": -2.0,
    # Stories instead of data: the need the measurement attribute (I7) is about.
    "anecdotes": -1.0,
    "anecdotal": -1.0,
    "gut": -0.8,  # "we rely on gut feeling"
    # Teams that do not work across boundaries (C5).
    "silo": -1.5,
    "silos": -1.5,
    "siloed": -1.5,
    # Gains that do not last (I9).
    "drift": -1.0,
    "drifted": -1.0,
    "drifting": -1.0,
    "slip": -1.0,
    "slipped": -1.0,
    "slipping": -1.0,
    "fizzle": -1.5,
    "patching": -1.0,
    # Plain words for things going badly that the lexicon lacks, or values near 0.
    "muddled": -1.5,
    "frosty": -1.5,
    "mystery": -1.0,
    "inefficient": -1.5,
    "late": -1.0,
    "overwhelmed": -2.0,  # VADER has +0.2
    "freeze": -1.0,  # freezing up in a meeting; VADER's +0.2 is the weather
    "faze": -1.5,
    "resist": -1.0,
    "resists": -1.0,
    "unable": -1.0,
    "unfamiliar": -1.0,
    "unconfident": -1.5,
    "wary": -1.0,
    "shut": -1.0,  # "I shut ideas down"
    "aware": 1.0,  # self-awareness is the strength of L8; the lexicon has only "unaware"
}

_NEGATORS = frozenset(NEGATE) | {"nobody", "hardly", "barely", "scarcely"}
_GAP = re.compile(
    r"\b(?:should|ought to|needs? to|wish|could (?:\w+ ){0,4}(?:more|better)|"
    r"less (?:\w+ ){1,4}than|if (?:someone|somebody) (?:\w+ed|would))\b",
    re.IGNORECASE,
)
_EXCESS = re.compile(r"\btoo (?:many|much|\w+)\b(?! ?[.,;!?]|$)", re.IGNORECASE)
_DOUBT = re.compile(r"\bwonder (?:whether|if)\b", re.IGNORECASE)
# What the writer or their team does as a habit, or has done: evidence of a strength.
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|we|we're|we've|our|my|us)\b", re.IGNORECASE)
_HABIT = re.compile(
    r"\b(?:always|regularly|routinely|consistently|every (?!other\b)\w+|"
    r"most (?:days|weeks|months)|i can)\b",
    re.IGNORECASE,
)
# The framework's behaviours and the improvement methods' verbs, done by the writer or their
# team ("I plot run charts", "we mapped the pathway", "my team leads two projects").
_PRACTICE_VERBS = (  # noqa: SIM905 (a list of words reads best as words)
    "adopted audit audited build builds built challenge challenged chart coach coached delegate "
    "delegated develop developed developing engage engaged facilitate facilitated focus focused "
    "increased influence influenced introduced involve involved launched lead leads led map "
    "mapped measure measured mentor mentored plan planned plot plots plotted presented "
    "prioritise prioritised published redesigned reduced reflect reflected run runs set share "
    "shared spread sustain sustained test tested track tracked won"
).split()
_DONE = re.compile(
    r"\b(?:i|we|our team|my team|the team)(?:'ve| have| had)? (?:\w+ )?(?:"
    + "|".join(_PRACTICE_VERBS)
    + r")\b",
    re.IGNORECASE,
)
# "I can't say I've ever struggled", "it's not true that we never reflect": the whole of
# what follows is denied, so its reading turns over.
_DENIED = re.compile(
    r"^(?P<lead>.*?)\b(?:(?:can't|cannot|couldn't|wouldn't) say|(?:it's|it is|it isn't) "
    r"(?:not )?true that)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
# "It's not that we don't get results; we do": the first part denied, the second stressed.
_NOT_THAT = re.compile(r"^(?P<lead>.*?)\bnot that\b(?P<denied>[^,;]*)[,;](?P<rest>.*)$", re.I)
# "The trust" is the organisation, not trust between people.
_ORGANISATION = re.compile(
    r"\b(the|our|this|that|a|my|their|other|every|acute|nhs|foundation) trust(s?)\b", re.IGNORECASE
)
_BLIND_SPOTS = re.compile(r"\bblind spots?\b", re.IGNORECASE)  # a term of self-awareness
_ASIDES = re.compile(r"\b(?:to be (?:honest|fair)|if i'm honest|honestly)\b,?", re.IGNORECASE)
_NO_LONGER = re.compile(r"\bno longer\b", re.IGNORECASE)


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    """VADER with our lexicon changes, built once per process on first use.

    Building it reads the 7,500-line lexicon (about 40 ms); after that it is read-only, so one
    instance serves every thread and every test.
    """
    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(dict.fromkeys(_TOPIC_WORDS, 0.0))
    analyzer.lexicon.update(_DOMAIN_WORDS)
    return analyzer


def sentences(text: str, limit: int | None = MAX_READ_CHARS) -> list[str]:
    """The sentences of a text (of its first `limit` characters), verbatim and stripped."""
    return [s.strip() for s in _SENTENCE.findall(text[:limit]) if s.strip()]


@lru_cache(maxsize=4096)  # pure; the same answers are read again for each summary shown
def score(sentence: str) -> float:
    """From -1 (shows a need) to +1 (shows a strength); near 0 shows neither."""
    parts = _CONTRAST.split(_prepared(sentence), maxsplit=1)
    if len(parts) == 1:
        return _clause(parts[0])
    total = BEFORE_BUT * _clause(parts[0]) + AFTER_BUT * _clause(parts[1])
    return max(-1.0, min(1.0, total))


def label(sentence: str) -> Label:
    """Whether a sentence shows a need, a strength, or neither."""
    value = score(sentence)
    if value <= -NEUTRAL_BAND:
        return "need"
    return "strength" if value >= NEUTRAL_BAND else "neutral"


def need(text: str) -> float:
    """How much a whole answer shows a need: positive for needs, negative for strengths.

    A strength written beside a need softens it but does not cancel it ("I struggle to map our
    discharge process. The team likes the idea though."), so strengths count half.
    """
    scores = [score(s) for s in sentences(text)]
    return -sum(v for v in scores if v < 0) - STRENGTH_SHARE * sum(v for v in scores if v > 0)


def most_in_need(text: str) -> str | None:
    """The sentence that most shows a need, or None if none shows one.

    Scores within about a tenth of each other count as equal; of those the shortest is the
    plainest to quote ("We have no data, only anecdotes" over a longer line saying the same).
    """
    scored = [(round(score(s), 1), len(s), n, s) for n, s in enumerate(sentences(text))]
    needs = [item for item in scored if item[0] <= -NEUTRAL_BAND]
    return min(needs)[3] if needs else None


def _prepared(sentence: str) -> str:
    # VADER's negation check is quadratic in a sentence's words (it lowercases them all for each
    # word), so it reads a sentence's first words only, emoji spelt out as VADER itself does.
    emojis = _analyzer().emojis
    spelt = "".join(f" {emojis[c]} " if c in emojis else c for c in sentence)
    text = " ".join(spelt.split()[:MAX_SENTENCE_WORDS])
    text = text.replace("\u2019", "'").replace("\u2018", "'")  # phones type curly quotes
    text = _ASIDES.sub("", text)
    text = _BLIND_SPOTS.sub("spots", text)
    text = _NO_LONGER.sub("not", text)  # VADER knows "not", not "no longer"
    return _ORGANISATION.sub(r"\1 organisation\2", text)


def _clause(clause: str) -> float:
    if denied := _NOT_THAT.match(clause):
        value = BEFORE_BUT * -_clause(denied["denied"]) + AFTER_BUT * _clause(denied["rest"])
    elif denied := _DENIED.match(clause):
        value = -_clause(denied["rest"])
    else:
        analyzer = _analyzer()
        value = analyzer.polarity_scores(clause)["compound"] + _cues(clause, analyzer)
    return max(-1.0, min(1.0, value))


def _cues(clause: str, analyzer: SentimentIntensityAnalyzer) -> float:
    cues = NEGATED_PRACTICE if (negated := _negated_practice(clause, analyzer)) else 0.0
    cues += GAP if _GAP.search(clause) else 0.0
    cues += EXCESS if _EXCESS.search(clause) else 0.0
    cues += DOUBT if _DOUBT.search(clause) else 0.0
    if cues or negated or not _FIRST_PERSON.search(clause):
        return cues
    return (HABIT if _HABIT.search(clause) else 0.0) + (DONE if _DONE.search(clause) else 0.0)


def _negated_practice(clause: str, analyzer: SentimentIntensityAnalyzer) -> bool:
    """A negation with no feeling word after it for VADER to flip: something not done."""
    words = [w.lower() for w in SentiText(clause).words_and_emoticons]
    for index, word in enumerate(words):
        if word in _NEGATORS or word.endswith("n't"):
            window = words[index + 1 : index + 1 + NEGATION_WINDOW]
            if not any(analyzer.lexicon.get(w, 0.0) for w in window):
                return True
    return False
