"""What is stored about a person, gathered for export; and what erasure and retention did."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from bot.coaching.followup.models import CheckIn, NudgePreferences, NudgeRecord
from bot.coaching.models import Person, Reflection


class CoachTurn(BaseModel):
    """What the AI coach asked at one step of a reflection."""

    model_config = ConfigDict(frozen=True)

    reflection_id: str
    attribute_id: str
    kind: str
    text: str
    created_at: datetime


class UsageDay(BaseModel):
    """How many AI coach calls were made for the person on one UTC day."""

    model_config = ConfigDict(frozen=True)

    day: str
    calls: int


class PersonalRecord(BaseModel):
    """Every row stored about one person in one workspace."""

    person: Person
    reflections: list[Reflection] = Field(default_factory=list)  # oldest first
    check_ins: list[CheckIn] = Field(default_factory=list)
    preferences: NudgePreferences | None = None
    nudges: list[NudgeRecord] = Field(default_factory=list)
    role: str | None = None
    coach_turns: list[CoachTurn] = Field(default_factory=list)
    llm_usage: list[UsageDay] = Field(default_factory=list)
    team_opted_in_at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        """Whether nothing at all is stored."""
        return not (
            self.reflections
            or self.check_ins
            or self.preferences
            or self.nudges
            or self.role is not None
            or self.coach_turns
            or self.llm_usage
            or self.team_opted_in_at
        )


class ExportFiles(BaseModel):
    """A person's data as two files: a readable CPD record and the same data as JSON."""

    model_config = ConfigDict(frozen=True)

    markdown_name: str
    markdown: str
    json_name: str
    json_text: str


class RemovalReport(BaseModel):
    """Rows removed per table by an erasure or a retention purge."""

    model_config = ConfigDict(frozen=True)

    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Rows removed in all."""
        return sum(self.counts.values())


class TeamInsights(BaseModel):
    """Anonymous counts for programme leads; None where the figure is suppressed."""

    model_config = ConfigDict(frozen=True)

    workspace_id: str
    since: datetime
    days: int
    min_people: int
    people: int | None  # opted-in people who completed a reflection in the period
    priorities: list[tuple[str, int]]  # (attribute id, people who chose it), most first
    hidden_areas: bool  # some areas were chosen by too few people to show
