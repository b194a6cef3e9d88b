"""Settings: the only module that reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.content import DEFAULT_KNOWLEDGE_DIR, DEFAULT_PROMPTS_DIR


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lif-coach"


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the environment variable."""


class Settings(BaseSettings):
    """Everything LIF Coach can be configured with, from `LIF_*` environment variables."""

    model_config = SettingsConfigDict(env_prefix="LIF_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    chroma_url: str | None = None
    chroma_collection: str = "lif_knowledge"
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    documents_dir: Path | None = None
    prompts_dir: Path = DEFAULT_PROMPTS_DIR
    embedding_model_dir: Path | None = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for containers
    # HTTP mode: processes for the work after each ack (bot/slack/work_processes.py); 0: here.
    work_processes: int = Field(default=0, ge=0, le=16)

    # Operations: where the probes and metrics are served, and who migrates the schema.
    # LIF_METRICS_PORT: /healthz, /readyz and /metrics on a port of their own (unset: on PORT).
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # LIF_MIGRATE_ON_START=false: a process checks that the schema is current instead of
    # migrating it, so it can run as a database role that cannot change the schema.
    migrate_on_start: bool = True

    # The optional LLM coach (issue: LLM through LangChain). Unset model: the offline coach.
    llm_model: str | None = None  # "provider:model", for LangChain's init_chat_model
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0, le=300)
    llm_daily_calls_per_person: int = Field(default=200, ge=0)

    # Privacy and data rights.
    environment: Literal["development", "production"] = "development"
    # Fernet keys, comma-separated, newest first: the first encrypts, all decrypt (rotation).
    encryption_key: SecretStr | None = None
    retention_days: int = Field(default=0, ge=0)  # 0: keep reflections until the person deletes
    team_insight_users: str = ""  # comma-separated Slack user ids who may run /lif-reflect team
    team_insight_min_people: int = Field(default=5, ge=2)
    # Where the coach points someone whose words show burnout, crisis or self-harm, separated by
    # ";" (e.g. "Staff wellbeing hub: 0123 456 7890; Samaritans, on 116 123"). Empty: the
    # defaults in prompts/coach.yaml (occupational health, NHS Practitioner Health, Samaritans).
    support_contacts: str = ""

    # Follow-up nudges.
    default_timezone: str = "Europe/London"
    nudge_reminder_after_days: int = Field(default=3, ge=0, le=14)  # 0: no reminder
    dispatcher_interval_s: float = Field(default=60.0, gt=0)
    re_reflection_weeks: int = Field(default=12, ge=1, le=104)

    # Slack: the standard names Slack's own tooling uses, so no LIF_ prefix.
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "LIF_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "LIF_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "LIF_SLACK_APP_TOKEN")
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "LIF_SLACK_API_URL"),
    )
    slack_client_id: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_CLIENT_ID", "LIF_SLACK_CLIENT_ID")
    )
    slack_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_CLIENT_SECRET", "LIF_SLACK_CLIENT_SECRET"),
    )
    port: int = Field(
        default=3000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "LIF_PORT")
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("chroma_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL of a Chroma server")
        return value

    @field_validator("llm_model")
    @classmethod
    def _provider_model(cls, value: str | None) -> str | None:
        if value and (":" not in value or not all(value.split(":", 1))):
            raise ValueError("must be provider:model, for example openai:gpt-4o-mini")
        return value or None

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("must be an IANA time zone such as Europe/London") from error
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

    @property
    def team_insight_user_ids(self) -> frozenset[str]:
        """Slack user ids allowed to see team insights."""
        parts = (part.strip() for part in self.team_insight_users.split(","))
        return frozenset(part for part in parts if part)

    @property
    def support_contact_list(self) -> tuple[str, ...]:
        """The organisation's own support contacts, in order (empty: the defaults)."""
        return tuple(part.strip() for part in self.support_contacts.split(";") if part.strip())

    @property
    def effective_database_url(self) -> str:
        """The configured database, or a SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'lif-coach.db'}"

    @property
    def effective_documents_dir(self) -> Path:
        """Where an organisation's own markdown documents live."""
        return self.documents_dir or self.knowledge_dir / "documents"

    @property
    def chroma_dir(self) -> Path:
        """Where embedded Chroma keeps its files."""
        return self.data_dir / "chroma"


def load_settings() -> Settings:
    """Settings from the environment; a bad value raises SettingsError naming the variable."""
    try:
        return Settings()
    except ValidationError as error:
        problems = [f"{_variable(item['loc'])}: {item['msg']}" for item in error.errors()]
        raise SettingsError("Invalid settings:\n  " + "\n  ".join(problems)) from error


def _variable(location: tuple[int | str, ...]) -> str:
    name = "_".join(str(part) for part in location).upper()
    return name if name.startswith(("SLACK_", "PORT", "LIF_")) else f"LIF_{name}"
