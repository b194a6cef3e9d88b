"""The database schema, in its own MetaData; Alembic migrations mirror it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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
