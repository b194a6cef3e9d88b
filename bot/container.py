"""The composition root: builds every adapter and service from Settings, and nothing else does."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from bot.coaching.engine import ReflectionService
from bot.coaching.followup.messages import nudge_renderer
from bot.coaching.followup.planning import FollowUpPolicy
from bot.coaching.followup.ports import NudgeSender
from bot.coaching.followup.service import FollowUpService
from bot.coaching.framework import Framework, QuestionBank
from bot.coaching.ports import Clock, Retriever
from bot.content import (
    load_coach_texts,
    load_followup_texts,
    load_framework,
    load_question_bank,
)
from bot.llm.metrics import LlmMetrics, LoggingRecorder, Recorders
from bot.nudges.dispatcher import Dispatcher
from bot.observability import Metrics, MetricsRecorder, TimedRetriever
from bot.privacy.service import PrivacyService
from bot.settings import Settings, SettingsError
from bot.storage.database import SchemaBehind, check_ready, make_engine, upgrade
from bot.storage.nudges import SqlNudgeRepository
from bot.storage.repository import SqlReflectionRepository


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """Timezone-aware current time."""
        return datetime.now(UTC)


@dataclass
class Coach:
    """Everything a channel (terminal, Slack) needs, built once per process."""

    settings: Settings
    engine: Engine
    service: ReflectionService
    retriever: Retriever
    followup: FollowUpService | None = None  # built by build_coach; None only in hand-made ones
    llm_metrics: LlmMetrics = field(default_factory=LlmMetrics)  # AI coach calls, for export
    metrics: Metrics = field(default_factory=Metrics)  # Prometheus, served at GET /metrics
    privacy: PrivacyService | None = None  # export, erasure, retention, team insights


def make_retriever(settings: Settings) -> Retriever:
    """The Chroma-backed retriever configured by settings."""
    from bot.retrieval import make_retriever as make_chroma_retriever

    return make_chroma_retriever(settings)


def model_coach_ports(
    settings: Settings, engine: Engine, metrics: LlmMetrics, exported: Metrics | None = None
) -> dict[str, Any]:
    """The AI coach's model, budget and memory for ReflectionService; {} when it is off."""
    from bot.llm import make_coach_model
    from bot.storage.coach_memory import SqlCallBudget, SqlCoachMemory

    recorders = Recorders(LoggingRecorder(), metrics, MetricsRecorder(exported or Metrics()))
    model = make_coach_model(settings, recorder=recorders)
    if model is None:
        return {}
    return {
        "model": model,
        "budget": SqlCallBudget(engine, settings.llm_daily_calls_per_person),
        "memory": SqlCoachMemory(engine),
    }


def build_coach(settings: Settings, *, retriever: Retriever | None = None) -> Coach:
    """Migrate the database, load the knowledge and wire the reflection service."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_database(settings)
    framework = load_framework(settings.knowledge_dir)
    questions = load_question_bank(settings.prompts_dir)
    retriever = retriever or make_retriever(settings)
    metrics = LlmMetrics()
    exported = Metrics()
    timed = TimedRetriever(retriever, exported)
    service = ReflectionService(
        framework=framework,
        questions=questions,
        texts=load_coach_texts(settings.prompts_dir),
        repository=SqlReflectionRepository(engine),
        retriever=timed,
        clock=SystemClock(),
        support_contacts=settings.support_contact_list,
        **model_coach_ports(settings, engine, metrics, exported),
    )
    followup = FollowUpService(
        framework=framework,
        texts=load_followup_texts(settings.prompts_dir),
        nudges=SqlNudgeRepository(engine),
        reflections=service.repository,
        retriever=timed,
        clock=service.clock,
        default_timezone=settings.default_timezone,
        policy=follow_up_policy(settings),
    )
    return Coach(
        settings=settings,
        engine=engine,
        service=service,
        retriever=retriever,
        followup=followup,
        llm_metrics=metrics,
        metrics=exported,
        privacy=make_privacy_service(settings, engine, framework, questions, service.clock),
    )


def make_database(settings: Settings) -> Engine:
    """The engine, with the encryption keys bound, migrated (or, with LIF_MIGRATE_ON_START
    false, checked to be), and checked to read its data."""
    from bot.privacy.keys import load_cipher
    from bot.privacy.logs import install_log_guards
    from bot.storage.crypto import verify_key
    from bot.storage.tables import metadata

    install_log_guards()  # no library debug line may carry what people wrote
    engine = make_engine(settings.effective_database_url, cipher=load_cipher(settings))
    if settings.migrate_on_start:
        upgrade(engine)
    else:
        require_current_schema(engine)
    verify_key(engine, metadata)
    return engine


def require_current_schema(engine: Engine) -> None:
    """LIF_MIGRATE_ON_START=false: refuse a database behind the code instead of migrating it
    (this process may run as a role that cannot change the schema)."""
    try:
        check_ready(engine)
    except SchemaBehind as error:
        raise SchemaBehind(
            f"{str(error).removesuffix('.')} as the role that owns the schema "
            "(LIF_MIGRATE_ON_START is false, so this process does not migrate)."
        ) from error


def make_privacy_service(
    settings: Settings,
    engine: Engine,
    framework: Framework,
    questions: QuestionBank,
    clock: Clock | None = None,
) -> PrivacyService:
    """Export, erasure, retention and team insights over this database."""
    from bot.storage.privacy import SqlPersonalData

    return PrivacyService(
        store=SqlPersonalData(engine),
        framework=framework,
        rating_labels={level.value: level.label for level in questions.rating_scale},
        clock=clock or SystemClock(),
        retention_days=settings.retention_days,
        team_leads=settings.team_insight_user_ids,
        min_people=settings.team_insight_min_people,
    )


def follow_up_policy(settings: Settings) -> FollowUpPolicy:
    """The reminder and re-reflection rules from settings."""
    return FollowUpPolicy(
        reminder_after_days=settings.nudge_reminder_after_days,
        re_reflection_weeks=settings.re_reflection_weeks,
    )


def make_nudge_sender(settings: Settings) -> NudgeSender:
    """The sender that delivers follow-up messages: Slack, once it is configured."""
    if settings.slack_bot_token is None:
        raise SettingsError(
            "Follow-up messages go out by Slack DM: set SLACK_BOT_TOKEN (and the other Slack "
            "settings), or pass --console to print them here instead."
        )
    from bot.slack.nudge_sender import SlackNudgeSender, make_nudge_client

    return SlackNudgeSender(make_nudge_client(settings))


def build_dispatcher(coach: Coach, sender: NudgeSender) -> Dispatcher:
    """A dispatcher for this process, sending through `sender`."""
    assert coach.followup is not None
    repository = SqlNudgeRepository(coach.engine)
    policy = follow_up_policy(coach.settings)
    render = nudge_renderer(
        framework=coach.followup.framework,
        texts=coach.followup.texts,
        re_reflection_weeks=policy.re_reflection_weeks,
    )
    return Dispatcher(
        queue=repository,
        repository=repository,
        sender=sender,
        render=render,
        clock=coach.service.clock,
        policy=policy,
        metrics=coach.metrics,  # lif_nudges{outcome}
    )


def daily_housekeeping(coach: Coach) -> Callable[[], object] | None:
    """What a DispatcherLoop runs once a day (`daily=`): the retention purge, when it is on."""
    if coach.privacy is None or coach.settings.retention_days <= 0:
        return None
    return coach.privacy.run_retention


def freeze_start_up_objects() -> None:
    """Keep what start-up built (modules, the framework, clients) out of the garbage collector's
    full passes, so a long-running process does not rescan it each time (about a tenth of the
    dispatcher's CPU per message, measured). Call once, in an entry point, after building."""
    gc.collect()
    gc.freeze()
