"""What the engine hands to a channel (terminal, Slack) to render: read-only views."""

from __future__ import annotations

from pydantic import BaseModel

from bot.coaching.framework import Attribute, Question, RatingLevel
from bot.coaching.models import Answer, Mode, Summary


class StepView(BaseModel):
    """One attribute to reflect on, with everything a channel needs to show it."""

    reflection_id: str
    attribute: Attribute
    domain_name: str
    lead_in: str  # the framework's own lead-in, e.g. "a successful leader..."
    position: int
    domain_size: int
    index: int  # 0-based position in the whole reflection
    total: int
    context: str | None
    question: Question
    rating_question: str
    rating_scale: tuple[RatingLevel, ...]
    answer: Answer | None  # present when the person comes back to a step
    can_go_back: bool
    # Set when the AI coach was meant to word this step but didn't (failure or daily limit):
    # the channel shows it; the step itself is the offline coach's and nothing was lost.
    fallback_notice: str | None = None
    # The reflective cycle (bot/coaching/cycle.py): the stage `question` asks ("what",
    # "so_what", "now_what", or "rating" when only the rating is left), its label in a deep
    # reflection ("So what?"), and its place among the mode's stages (0 for the rating).
    mode: Mode = Mode.QUICK
    stage: str = "what"
    stage_label: str | None = None
    stage_number: int = 1
    stage_count: int = 1

    @property
    def waits_for_rating(self) -> bool:
        """Whether every question is passed and only the rating is left."""
        return self.stage == "rating"

    @property
    def heading(self) -> str:
        """Domain and position, e.g. 'Improvement 3 of 10'."""
        return f"{self.domain_name} {self.position} of {self.domain_size}"


class PriorityView(BaseModel):
    """A priority area joined with its framework attribute."""

    rank: int
    attribute: Attribute
    domain_name: str
    rationale: str
    quote: str | None
    goal: str | None
    rating: int | None


class SummaryOffers(BaseModel):
    """What a summary under review offers beyond its ranking (empty once confirmed)."""

    suggested: list[Attribute] = []  # the coach's "also sounds like" links, any domain
    suggested_note: str = ""
    skipped: list[Attribute] = []  # attributes left without a rating, to go back to
    skipped_note: str = ""


class SummaryView(BaseModel):
    """The priority areas of a finished reflection, for showing and editing."""

    reflection_id: str
    scope: str
    confirmed: bool
    priorities: list[PriorityView]
    candidates: list[Attribute]
    domain_note: str
    summary: Summary
    fallback_notice: str | None = None  # as on StepView: the offline summary was used
    offers: SummaryOffers = SummaryOffers()


class RelatedLink(BaseModel):
    """Another attribute that a free-text answer also touches."""

    attribute: Attribute
    message: str


class Signpost(BaseModel):
    """A kind note pointing to support after words of distress; shown once, never stored."""

    message: str
    contacts: list[str]
    closing: str


class ResumeInfo(BaseModel):
    """An unfinished reflection the person can pick up (or one set aside, to reopen)."""

    reflection_id: str
    scope: str
    message: str
    answered: int
    total: int
    line: str = ""  # one line for a list: scope, start, progress, in progress or set aside
    question: str = ""  # "You have an unfinished reflection on X (n of m). Resume it, or ...?"
    set_aside: bool = False


class Introduction(BaseModel):
    """The start of a reflection: what the framework is and what to expect."""

    framework_name: str
    what_is_it: str
    intersection: str
    how_to_use: str
    coach_intro: str
    time_estimate: str
    privacy: str
    domains: list[tuple[str, str, int]]  # (id, name, number of attributes)
    resume: ResumeInfo | None
    has_summary: bool
    # The optional role question of the AI coach; None when there is nothing to ask.
    role_question: str | None = None
    mode: Mode | None = None  # the way the person last reflected; None: ask them
    set_aside: list[ResumeInfo] = []  # reflections set aside for a newer one, newest first


class Reply(BaseModel):
    """What became of words the person sent on a step."""

    links: list[RelatedLink]
    added: bool  # added to words already written at that stage
    stage: str
    notice: str  # "Saved." or "Added to what you wrote."
    outcome: Outcome  # where the reflection is now: the same step's next question, or onwards
    signpost: Signpost | None = None  # words of distress: support, once per reflection


class Revision(BaseModel):
    """An edited or deleted message applied to the answer it was part of."""

    reflection_id: str
    attribute_id: str
    message: str


class Citation(BaseModel):
    """A framework attribute an answer draws on, with the passage that was found."""

    attribute: Attribute
    passage: str


class AskView(BaseModel):
    """The answer to a question about the framework, or a polite refusal."""

    answer: str
    citations: list[Citation]
    declined: bool = False
    fallback_notice: str | None = None


Outcome = StepView | SummaryView
Reply.model_rebuild()
