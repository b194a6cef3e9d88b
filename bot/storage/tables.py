"""The database schema, in its own MetaData; Alembic migrations mirror it.

Every column holding something a person wrote is EncryptedText (Fernet, bot/storage/crypto.py):
a dump of the database shows tokens, never their words. docs/privacy.md maps every field.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Time,
    UniqueConstraint,
)

from bot.storage.crypto import EncryptedText

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
    Column("mode", String(8), nullable=False, server_default="quick"),  # migration 0009
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
    Column("text", EncryptedText, nullable=False),
    Column("skipped", Boolean, nullable=False),
    Column("question_id", String(32)),
    Column("related_attribute_ids", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("skipped_stages", JSON, nullable=False, server_default="[]"),  # migration 0009
)

# The reflective cycle (migration 0009): each part of an answer, at its stage (what, so_what,
# now_what), in the order it was sent; `source` is the Slack DM's ts it came in, so an edit or
# a deletion of that message changes it. answers.text holds every part joined.
answer_parts = Table(
    "answer_parts",
    metadata,
    Column("reflection_id", String(36), primary_key=True),
    Column("attribute_id", String(8), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("stage", String(16), nullable=False),
    Column("text", EncryptedText, nullable=False),  # personal data: never logged
    Column("source", String(64)),
    Column("added_at", DateTime(timezone=True), nullable=False),
    ForeignKeyConstraint(
        ["reflection_id", "attribute_id"],
        ["answers.reflection_id", "answers.attribute_id"],
        ondelete="CASCADE",
    ),
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
    Column("domain_note", EncryptedText, nullable=False),
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
    Column("rationale", EncryptedText, nullable=False),
    Column("quote", EncryptedText),
    Column("goal", EncryptedText),
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
    Index("ix_nudges_status_due_id", "status", "due_at", "id"),  # the claim's order
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
    Column("note", EncryptedText),  # personal data: never logged
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
    Column("role", EncryptedText, nullable=False),  # "" when the person chose not to say
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
    Column("text", EncryptedText, nullable=False),  # written by the model from redacted text
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Privacy (migration 0005): who agreed to be counted, anonymously, in team insights; and an
# audit trail of erasures, retention purges and key rotations that records who, when and how
# many, never what.
team_optins = Table(
    "team_optins",
    metadata,
    Column("workspace_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("opted_in_at", DateTime(timezone=True), nullable=False),
)

privacy_events = Table(
    "privacy_events",
    metadata,
    Column("id", _BIG_ID, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),  # erasure|retention|key_rotation
    Column("workspace_id", String(64)),  # whose data, for an erasure
    Column("user_id", String(64)),
    Column("actor", String(100), nullable=False),  # "self" (Slack), "admin:<login>", "retention"
    Column("counts", JSON, nullable=False),  # rows removed per table
    Column("happened_at", DateTime(timezone=True), nullable=False),
    Index("ix_privacy_events_happened_at", "happened_at"),
)

# Patient-data warning (migration 0006): text held back until the person chooses to save it
# redacted, keep it as written, or edit it; deleted once used, expired after a day.
pending_texts = Table(
    "pending_texts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("workspace_id", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column(
        "reflection_id",
        String(36),
        ForeignKey("reflections.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("attribute_id", String(8), nullable=False),
    Column("purpose", String(16), nullable=False),  # reply|answer|goal
    Column("text", EncryptedText, nullable=False),  # personal, maybe patient data: never logged
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_pending_texts_created_at", "created_at"),
)
