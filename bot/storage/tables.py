"""The database schema, in its own MetaData; Alembic migrations mirror it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)

metadata = MetaData()

reflections = Table(
    "reflections",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("scope", String(32), nullable=False),
    Column("framework_version", String(32), nullable=False),
    Column("attribute_ids", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("cursor", Integer, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
    Index("ix_reflections_person_status", "workspace_id", "user_id", "status"),
)

answers = Table(
    "answers",
    metadata,
    Column(
        "reflection_id",
        String(36),
        ForeignKey("reflections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("attribute_id", String(8), primary_key=True),
    Column("rating", Integer),
    Column("text", Text, nullable=False),
    Column("skipped", Boolean, nullable=False),
    Column("question_id", String(32)),
    Column("related_attribute_ids", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

summaries = Table(
    "summaries",
    metadata,
    Column(
        "reflection_id",
        String(36),
        ForeignKey("reflections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("domain_note", Text, nullable=False),
    Column("candidates", JSON, nullable=False),
    Column("generated_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True)),
)

priorities = Table(
    "priorities",
    metadata,
    Column(
        "reflection_id",
        String(36),
        ForeignKey("reflections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("attribute_id", String(8), primary_key=True),
    Column("rank", Integer, nullable=False),
    Column("rationale", Text, nullable=False),
    Column("quote", Text),
    Column("goal", Text),
)

processed_deliveries = Table(
    "processed_deliveries",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_processed_deliveries_created_at", "created_at"),
)

# -- follow-up nudges (migration 0003) ------------------------------------------------------

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_BIG_ID = BigInteger().with_variant(Integer, "sqlite")

nudge_preferences = Table(
    "nudge_preferences",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("timezone", String(64), nullable=False),
    Column("cadence", String(16), nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("preferred_time", Time, nullable=False),
    Column("window_start", Time, nullable=False),
    Column("window_end", Time, nullable=False),
    Column("working_days", JSON, nullable=False),
    Column("anchor", Date, nullable=False),
    Column("paused_until", Date),
    Column("stopped", Boolean, nullable=False),
    Column("stop_reason", String(255)),
    Column("reflection_id", String(36)),
    Column("confirmed_at", DateTime(timezone=True)),
    Column("focus", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

nudges = Table(
    "nudges",
    metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("period_key", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_by", String(100)),
    Column("claimed_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False),
    Column("last_error", String(500)),
    Column("uncertain_since", DateTime(timezone=True)),  # a send may have happened then
    Column("reflection_id", String(36)),
    Column("attribute_id", String(8)),
    Column("sent_at", DateTime(timezone=True)),
    Column("delivery_ref", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint(
        "workspace_id", "user_id", "period_key", "kind", name="uq_nudges_person_period_kind"
    ),
    Index("ix_nudges_status_due_at", "status", "due_at"),
    Index("ix_nudges_person", "workspace_id", "user_id"),
)

check_ins = Table(
    "check_ins",
    metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("workspace_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("reflection_id", String(36)),
    Column("attribute_id", String(8)),
    Column("period_key", String(100)),
    Column("response", String(16), nullable=False),
    Column("note", Text),  # personal data: never logged
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_check_ins_person_created_at", "workspace_id", "user_id", "created_at"),
)

# The optional AI coach (migration 0004): calls per person per UTC day, the person's role,
# and what the coach asked at each step (so a follow-up is asked at most once per attribute).
llm_usage = Table(
    "llm_usage",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),  # the UTC date, ISO: 2026-11-27
    Column("calls", Integer, nullable=False),
)

coach_profiles = Table(
    "coach_profiles",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("role", String(200), nullable=False),  # "" when the person chose not to say
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

coach_turns = Table(
    "coach_turns",
    metadata,
    Column(
        "reflection_id",
        String(36),
        ForeignKey("reflections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("attribute_id", String(8), primary_key=True),
    Column("kind", String(16), primary_key=True),  # question|follow_up
    Column("text", Text, nullable=False),  # written by the model from redacted text
    Column("created_at", DateTime(timezone=True), nullable=False),
)
