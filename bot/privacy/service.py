"""PrivacyService: a person's export and erasure, retention, and anonymous team insights."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Mapping
from datetime import timedelta

from bot.coaching.errors import CoachingError, InvalidInput
from bot.coaching.framework import Framework
from bot.coaching.models import Person
from bot.coaching.ports import Clock
from bot.privacy.export import build_export_files
from bot.privacy.models import ExportFiles, PersonalRecord, RemovalReport, TeamInsights
from bot.privacy.ports import PersonalDataStore

logger = logging.getLogger(__name__)

DEFAULT_TEAM_DAYS = 90
MAX_TEAM_DAYS = 3_660


class NotAllowed(CoachingError):
    """The person may not see this (team insights are for programme leads)."""


class PrivacyService:
    """Everything a person (or an administrator) can ask of their stored data."""

    def __init__(
        self,
        *,
        store: PersonalDataStore,
        framework: Framework,
        rating_labels: Mapping[int, str],
        clock: Clock,
        retention_days: int = 0,
        team_leads: Collection[str] = (),
        min_people: int = 5,
    ) -> None:
        self.store = store
        self.framework = framework
        self.rating_labels = dict(rating_labels)
        self.clock = clock
        self.retention_days = retention_days
        self.team_leads = frozenset(team_leads)
        self.min_people = min_people

    # -- a person's own data --------------------------------------------------------------

    def record(self, person: Person) -> PersonalRecord:
        """Everything stored about the person."""
        return self.store.collect(person)

    def export(self, person: Person) -> ExportFiles | None:
        """The person's data as files; None when nothing at all is stored."""
        record = self.store.collect(person)
        if record.is_empty:
            return None
        return build_export_files(record, self.framework, self.rating_labels, self.clock.now())

    def erase(self, person: Person, *, actor: str) -> RemovalReport:
        """Delete everything stored about the person in the workspace; audited by counts."""
        report = self.store.erase(person, actor=actor, at=self.clock.now())
        logger.info("erased a person's data: %d rows (%s)", report.total, actor)
        return report

    # -- retention -----------------------------------------------------------------------

    def run_retention(self) -> RemovalReport | None:
        """Purge reflections older than the retention period; None when it is off (0 days)."""
        if self.retention_days <= 0:
            return None
        now = self.clock.now()
        report = self.store.purge_before(now - timedelta(days=self.retention_days), at=now)
        logger.info("retention purge removed %d rows: %s", report.total, report.counts)
        return report

    # -- team insights -------------------------------------------------------------------

    def is_team_lead(self, person: Person) -> bool:
        """Whether the person may see team insights."""
        return person.user_id in self.team_leads

    def set_counted(self, person: Person, counted: bool) -> None:
        """Count the person (or stop counting them), anonymously, in team insights."""
        self.store.set_team_optin(person, counted, at=self.clock.now())

    def is_counted(self, person: Person) -> bool:
        """Whether the person agreed to be counted in team insights."""
        return self.store.team_optin(person) is not None

    def team_insights_for(self, person: Person, days: int = DEFAULT_TEAM_DAYS) -> TeamInsights:
        """Insights for a programme lead; NotAllowed for anyone else."""
        if not self.is_team_lead(person):
            raise NotAllowed(
                "Team insights are for programme leads. If you lead a programme, ask your "
                "LIF Coach administrator to add you."
            )
        return self.team_insights(person.workspace_id, days)

    def team_insights(self, workspace_id: str, days: int = DEFAULT_TEAM_DAYS) -> TeamInsights:
        """Opted-in people who reflected, and the areas they chose most; small groups hidden."""
        if not 1 <= days <= MAX_TEAM_DAYS:
            raise InvalidInput(f"The period is a number of days from 1 to {MAX_TEAM_DAYS}.")
        since = self.clock.now() - timedelta(days=days)
        picks = self.store.team_priorities(workspace_id, since)
        counts = Counter(area for areas in picks for area in areas)
        shown = [(a, n) for a, n in counts.most_common() if n >= self.min_people]
        enough = len(picks) >= self.min_people
        return TeamInsights(
            workspace_id=workspace_id,
            since=since,
            days=days,
            min_people=self.min_people,
            people=len(picks) if enough else None,
            priorities=sorted(shown, key=lambda item: (-item[1], item[0])) if enough else [],
            hidden_areas=len(shown) < len(counts),
        )
