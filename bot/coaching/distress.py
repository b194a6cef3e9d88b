"""Words of burnout, crisis or self-harm, and a kind signpost to support, once per reflection.

The coach is not a clinician and does not assess risk: when someone writes about themselves in
words of burnout, crisis or self-harm, it says it heard them and points to people who can help
(the organisation's own services, set by LIF_SUPPORT_CONTACTS, or by default occupational
health, NHS Practitioner Health and Samaritans on 116 123), then carries on as before. This
follows Samaritans' guidance for online platforms and their media guidelines (respond with
care, signpost to support, use no stigmatising words, never discuss methods), NHS advice on
urgent mental health help (999 when a life is in danger now), and NHS Practitioner Health's
remit (a free, confidential service for NHS staff with mental health concerns, burnout among
them). The wording is in prompts/coach.yaml.

Only words about the writer count ("I'm burnt out", "I can't go on", "I've thought about
hurting myself"), not their daily work ("end of life care", "the patient self-harmed",
"suicide prevention training"), idioms ("dying to try", "this project is killing me") or
denials ("I'm not burnt out"). Recall matters more than precision here, but a signpost after
"we reduced falls" would read as the coach not listening. bench/words_eval.py measures both on
bench/data/distress.jsonl.

Once per reflection, with nothing extra stored: the signpost is due when the words just saved
show distress and no answer saved before in the same reflection did. That is derived from the
answers already kept, so it needs no flag in the database (which would itself record that
distress was detected) and no memory in the process (which a restart would lose and which
several replicas would not share). The cost: someone who deletes such words and writes them
again later is signposted again, which errs on the side of care.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.coaching import reading
from bot.coaching.models import Reflection
from bot.coaching.views import Signpost

_GAP = r"(?:(?!not\b|never\b|n't\b)\w+ ){0,3}"  # up to three words, none of them a denial
_PATTERNS = [
    # Burnout and exhaustion, said of oneself.
    rf"\bi(?:'m| am|'ve been| have been| feel| was) {_GAP}(?:burnt|burned)[- ]?out\b",
    r"\b(?:my|from|with) burnout\b",
    r"\brunning on empty\b",
    r"\bnothing left to give\b",
    r"\bi (?:cry|am crying|'m crying|keep crying)\b",
    r"\bi dread (?:every|each|going)\b",
    r"\bsigned off (?:with|for) (?:stress|anxiety|depression)\b",
    # Crisis.
    r"\bi can(?:'t|not| no longer) (?:cope|carry on|take (?:it|this|any ?more)|"
    r"go on(?! (?:leave|holiday|a |an |the |to |with |courses?|training|strike|nights?)))",
    r"\b(?:i'm|i am) not (?:ok|okay|coping|alright|all right)\b",
    rf"\b(?:i'm|i am|i feel|i'm feeling|i've been) {_GAP}(?:hopeless|worthless|desperate|"
    r"trapped|empty|numb)\b",
    r"\bi feel like i'm drowning\b",
    r"\bbreaking point\b",
    r"\b(?:close to|near to|on the edge of|verge of) (?:a )?(?:breakdown|breaking)\b",
    r"\b(?:a|in a) (?:really |very )?dark place\b",
    r"\bno ?(?:one|body) to turn to\b",
    r"\b(?:keep|kept) reliving\b",
    r"\bhad enough of everything\b",
    # Thoughts of suicide or self-harm.
    r"\b(?:end it all|end my (?:own )?life|take my (?:own )?life)\b",
    r"\b(?:kill|killing|hurt|hurting|harm|harming|cut|cutting) myself\b",
    r"\bi(?:'ve| have)? (?:self[- ]harm|self[- ]harmed|been self[- ]harming)\b",
    r"\b(?:i'm|i am|i feel|feeling) suicidal\b",
    r"\bthoughts of (?:suicide|ending it|dying|not being here)\b",
    r"\bbetter off without me\b",
    r"\bdon't (?:want to|wanna) (?:be here|wake up|live|be alive|go on)\b",
    r"\bdon't see the point (?:in|of) (?:living|going on|anything|life)\b",
    r"\b(?:wish|want) (?:i could )?(?:just )?disappear\b",
    r"\bwant (?:it all|everything) to (?:stop|end)\b",
]
_DISTRESS = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
# "I've never thought about hurting myself", "I didn't hurt myself": a denial just before.
_DENIED_BEFORE = re.compile(r"(?:\b(?:never|not)|n't)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def shows_distress(text: str) -> bool:
    """Whether the text speaks of the writer's own burnout, crisis or self-harm."""
    for sentence in reading.sentences(text.replace("\u2019", "'"), limit=None):
        for found in _DISTRESS.finditer(sentence):
            if not _DENIED_BEFORE.search(sentence[: found.start()]):
                return True
    return False


def signposted(reflection: Reflection) -> bool:
    """Whether the signpost is already due or given in this reflection (derived, not stored)."""
    return any(shows_distress(answer.text) for answer in reflection.answers.values())


def signpost(texts: Mapping[str, str], contacts: Sequence[str]) -> Signpost:
    """The note, with the organisation's support contacts or the defaults from prompts/."""
    chosen = [c.strip() for c in contacts if c.strip()] or [
        c.strip() for c in texts["support_contacts"].split(";") if c.strip()
    ]
    return Signpost(
        message=texts["distress_signpost"],
        contacts=chosen,
        closing=texts["distress_closing"],
    )
