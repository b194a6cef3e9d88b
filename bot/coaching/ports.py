"""The small ports the coaching domain depends on; adapters implement them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.coaching.framework import Attribute
from bot.coaching.models import Mode, Person, Reflection


class Passage(BaseModel):
    """A piece of knowledge found by retrieval, best-first in a result list."""

    model_config = ConfigDict(frozen=True)

    text: str
    score: float
    attribute_id: str | None = None
    domain_id: str | None = None
    kind: str = "statement"  # statement|description|why|example|section|document
    source: str = "framework"


class Retriever(Protocol):
    """Finds framework knowledge relevant to a piece of text."""

    def search(self, query: str, *, k: int = 3) -> list[Passage]:
        """Best passages first, at most one per attribute."""
        ...

    def context_for(self, attribute: Attribute) -> Passage | None:
        """A short passage that puts this attribute in context (not its statement)."""
        ...


class ReflectionRepository(Protocol):
    """Durable storage of reflections; every save is committed before it returns."""

    def add(self, reflection: Reflection) -> None:
        """Store a new reflection."""
        ...

    def save(self, reflection: Reflection) -> Reflection:
        """Store changes; raises ConcurrentUpdate if someone saved it meanwhile."""
        ...

    def get(self, reflection_id: str) -> Reflection | None:
        """The reflection with this id, or None."""
        ...

    def active_for(self, person: Person) -> Reflection | None:
        """The person's unfinished reflection, newest first, or None."""
        ...

    def latest_completed_for(self, person: Person) -> Reflection | None:
        """The person's most recently completed reflection, or None."""
        ...

    def history_for(self, person: Person) -> list[Reflection]:
        """All of the person's reflections, newest first."""
        ...

    def set_aside_for(self, person: Person) -> list[Reflection]:
        """The person's reflections set aside for a newer one (abandoned), newest first."""
        ...

    def mode_for(self, person: Person) -> Mode | None:
        """The mode of the person's newest reflection: the way they last chose to reflect."""
        ...


class Clock(Protocol):
    """The current time, in UTC; a port so tests can travel in time."""

    def now(self) -> datetime:
        """Timezone-aware current time."""
        ...


# -- the optional language-model coach ----------------------------------------------------------
# Everything that crosses this port is already redacted by the patient-data guard, and nothing
# identifies the person: no Slack user or workspace id, no display name.


class ModelUnavailable(Exception):
    """The model could not help this time; `reason` is safe to log (it never holds text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # timeout|rate_limited|server_error|malformed|unreachable|error


class EarlierAnswer(BaseModel):
    """One answer given earlier in the reflection, as the model may see it (redacted)."""

    model_config = ConfigDict(frozen=True)

    attribute_id: str
    statement: str
    rating: int | None
    text: str


class QuestionRequest(BaseModel):
    """What goes into a personalised question about one attribute."""

    model_config = ConfigDict(frozen=True)

    attribute_id: str
    statement: str
    context: str | None
    role: str | None
    earlier: tuple[EarlierAnswer, ...]
    bank_question: str  # the curated question, as an example of tone and length


class SoWhatRequest(BaseModel):
    """The person's description of a situation (the What), for a So-what question built on it."""

    model_config = ConfigDict(frozen=True)

    attribute_id: str
    statement: str
    role: str | None
    what: str  # redacted
    bank_question: str  # the curated So-what question, as an example of tone and length


class FollowUpRequest(BaseModel):
    """A short or vague answer that may deserve one follow-up question."""

    model_config = ConfigDict(frozen=True)

    attribute_id: str
    statement: str
    question: str
    answer: str
    role: str | None


class SummaryRequest(BaseModel):
    """A finished reflection, for proposing priority areas."""

    model_config = ConfigDict(frozen=True)

    answers: tuple[EarlierAnswer, ...]
    role: str | None
    count: int
    suggested: tuple[str, ...]  # the offline ranking, most in need of development first


class DraftPriority(BaseModel):
    """A priority area as the model proposes it; validated before anyone sees it."""

    attribute_id: str
    rationale: str
    quotes: list[str]
    first_steps: list[str]


class DraftSummary(BaseModel):
    """The model's proposal of priority areas (structured output)."""

    priorities: list[DraftPriority]


class AskRequest(BaseModel):
    """A question about the framework and the passages retrieved for it."""

    model_config = ConfigDict(frozen=True)

    question: str
    passages: tuple[Passage, ...]


class DraftAnswer(BaseModel):
    """The model's answer about the framework (structured output); validated before use."""

    answer: str
    cited_attribute_ids: list[str]
    declined: bool


class CoachModel(Protocol):
    """A language model that words questions and summaries; any call may raise ModelUnavailable."""

    def question(self, request: QuestionRequest) -> str:
        """One short, open question about the attribute."""
        ...

    def follow_up(self, request: FollowUpRequest) -> str:
        """One follow-up question inviting a fuller answer."""
        ...

    def so_what(self, request: SoWhatRequest) -> str:
        """One So-what question about what the person described, asking what it tells them."""
        ...

    def summary(self, request: SummaryRequest) -> DraftSummary:
        """Proposed priority areas with rationales, quotes and first steps."""
        ...

    def answer(self, request: AskRequest) -> DraftAnswer:
        """An answer grounded in the passages, citing attribute ids, or a refusal."""
        ...


class CallBudget(Protocol):
    """Counts model calls per person per UTC day against the organisation's limit."""

    def take(self, person: Person, day: date) -> bool:
        """Count one call; False (and nothing counted) when today's limit is reached."""
        ...


class CoachMemory(Protocol):
    """What the model-backed coach remembers: a person's role and what it asked at each step."""

    def role_of(self, person: Person) -> str | None:
        """The person's role; "" when they chose not to say, None when never asked."""
        ...

    def set_role(self, person: Person, role: str) -> None:
        """Remember the person's role ("" for declined)."""
        ...

    def recall(self, reflection_id: str, attribute_id: str, kind: str) -> str | None:
        """What the coach said at a step ("question" or "follow_up"), or None."""
        ...

    def remember(self, reflection_id: str, attribute_id: str, kind: str, text: str) -> None:
        """Keep what the coach said at a step; the first one said is kept."""
        ...
