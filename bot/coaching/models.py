"""The state of a person's reflection: plain pydantic models, no persistence concerns."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class Person(BaseModel, frozen=True):
    """Someone reflecting, identified by workspace and user id from the start."""

    workspace_id: str
    user_id: str


class Status(StrEnum):
    """Where a reflection is in its life."""

    IN_PROGRESS = "in_progress"  # stepping through attributes
    REVIEWING = "reviewing"  # all steps seen; priorities proposed, not yet confirmed
    COMPLETED = "completed"  # priorities confirmed
    ABANDONED = "abandoned"  # set aside for a newer one; kept, and can be reopened


SCOPES = ("all", "leadership", "improvement", "care_delivery", "priorities")
# "priorities": a re-reflection on the priority areas of the person's last confirmed reflection


class Mode(StrEnum):
    """How much a reflection asks per attribute (bot/coaching/cycle.py)."""

    QUICK = "quick"  # a rating and one question
    DEEP = "deep"  # a rating and the whole cycle: What? So what? Now what?


class Stage(StrEnum):
    """A stage of Rolfe, Freshwater and Jasper's (2001) reflective cycle."""

    WHAT = "what"
    SO_WHAT = "so_what"
    NOW_WHAT = "now_what"


class AnswerPart(BaseModel):
    """One piece of what the person wrote on an attribute, at one stage of the cycle.

    `source` names where it came from when that can change later (a Slack DM's ts): an edit of
    that message replaces the part, a deletion removes it.
    """

    stage: Stage
    text: str
    source: str | None = None
    added_at: datetime


class Answer(BaseModel):
    """What the person gave for one attribute."""

    attribute_id: str
    rating: int | None = None
    text: str = ""
    skipped: bool = False
    question_id: str | None = None
    related_attribute_ids: list[str] = Field(default_factory=list)
    updated_at: datetime
    # The cycle (bot/coaching/cycle.py): each part the person wrote, and the stages they chose
    # to skip. `text` is every part joined, for the summary, the export and the AI coach;
    # an answer stored before parts existed has text and no parts.
    parts: list[AnswerPart] = Field(default_factory=list)
    skipped_stages: list[Stage] = Field(default_factory=list)


class PriorityArea(BaseModel):
    """An attribute chosen for development, with the reasons and the person's goal."""

    attribute_id: str
    rationale: str
    quote: str | None = None
    goal: str | None = None


class Summary(BaseModel):
    """The priority areas proposed at the end, edited and confirmed by the person."""

    priorities: list[PriorityArea]
    candidates: list[str]  # further attribute ids, best first, offered for swaps
    domain_note: str
    generated_at: datetime
    confirmed_at: datetime | None = None


class Reflection(BaseModel):
    """One pass through the framework (all three domains or one) by one person."""

    id: str
    person: Person
    scope: str
    framework_version: str
    attribute_ids: list[str]
    mode: Mode = Mode.QUICK
    status: Status = Status.IN_PROGRESS
    cursor: int = 0
    answers: dict[str, Answer] = Field(default_factory=dict)
    summary: Summary | None = None
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    version: int = 0  # optimistic concurrency: bumped by every save

    @property
    def current_attribute_id(self) -> str | None:
        """The attribute awaiting an answer, or None when every step has been seen."""
        if self.cursor < len(self.attribute_ids):
            return self.attribute_ids[self.cursor]
        return None

    @property
    def is_open(self) -> bool:
        """Whether the person can still change this reflection's answers."""
        return self.status in (Status.IN_PROGRESS, Status.REVIEWING)
