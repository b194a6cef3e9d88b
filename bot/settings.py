"""Settings: the only module that reads the environment."""

from __future__ import annotations

from pathlib import Path

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

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value.upper()

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
