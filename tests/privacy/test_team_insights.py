"""Team insights as a programme lead reads them: small groups and rare areas never shown."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.coaching.errors import InvalidInput
from bot.coaching.models import Person
from bot.content import load_framework
from bot.privacy.service import PrivacyService
from bot.privacy.wording import describe_insights
from tests.fakes import FakeClock

LEAD = Person(workspace_id="T1", user_id="U-LEAD")


class FakeTeamStore:
    """Only what team insights read: each opted-in person's chosen areas."""

    def __init__(self, picks: list[frozenset[str]]) -> None:
        self.picks = picks
        self.asked: list[tuple[str, datetime]] = []

    def team_priorities(self, workspace_id: str, since: datetime) -> list[frozenset[str]]:
        self.asked.append((workspace_id, since))
        return self.picks


def _service(picks: list[frozenset[str]]) -> PrivacyService:
    return PrivacyService(
        store=FakeTeamStore(picks),  # type: ignore[arg-type]
        framework=load_framework(),
        rating_labels={},
        clock=FakeClock(),
        team_leads={"U-LEAD"},
        min_people=5,
    )


def test_an_area_chosen_by_fewer_than_five_people_is_not_shown() -> None:
    picks = [frozenset({"L5", "I2"})] * 5 + [frozenset({"C1"})] * 2
    insights = _service(picks).team_insights_for(LEAD, days=30)
    assert insights.people == 7
    assert insights.priorities == [("I2", 5), ("L5", 5)]  # most first, then framework id
    assert insights.hidden_areas
    text = describe_insights(insights, load_framework())
    assert "*7 people*" in text and "in the last 30 days" in text
    assert "L5 Developing others: 5 people" in text
    assert "C1" not in text and "fewer than 5 people are not shown" in text


def test_with_fewer_than_five_people_no_figure_is_shown_at_all() -> None:
    insights = _service([frozenset({"L5"})] * 4).team_insights_for(LEAD)
    assert insights.people is None and insights.priorities == []
    text = describe_insights(insights, load_framework())
    assert "Fewer than 5 people" in text and "4" not in text


def test_the_period_must_be_a_sensible_number_of_days() -> None:
    with pytest.raises(InvalidInput, match="number of days"):
        _service([]).team_insights_for(LEAD, days=0)
