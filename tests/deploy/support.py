"""What the deploy tests share: paths, the settings' variable names, and the CLI's parser."""

from __future__ import annotations

import io
import re
import types
import typing
from collections.abc import Iterable, Sequence
from contextlib import redirect_stderr
from pathlib import Path

from pydantic import AliasChoices, SecretStr

from bot.cli import _parser
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CHART = DEPLOY / "helm" / "lif-coach"

# Literal values that look like credentials: Slack tokens, or a URL with a password in it.
SECRET_LOOKING = re.compile(r"xox[abposr]-|xapp-|://[^/\s:@]+:[^/\s@]+@")


def _env_names(field_name: str, alias: object) -> set[str]:
    if isinstance(alias, AliasChoices):
        return {choice for choice in alias.choices if isinstance(choice, str)}
    if isinstance(alias, str):
        return {alias}
    return {f"{Settings.model_config.get('env_prefix', '')}{field_name}".upper()}


def settings_env_names() -> frozenset[str]:
    """Every environment variable bot/settings.py reads (LIF_ + field name, or its aliases)."""
    names: set[str] = set()
    for field_name, field in Settings.model_fields.items():
        names |= _env_names(field_name, field.validation_alias)
    return frozenset(names)


def _is_secret(annotation: object) -> bool:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return any(_is_secret(arg) for arg in typing.get_args(annotation))
    return annotation is SecretStr


def secret_env_names() -> frozenset[str]:
    """The variables that hold secrets: SecretStr settings, and the database URL (a password)."""
    names = {"LIF_DATABASE_URL"}
    for field_name, field in Settings.model_fields.items():
        if _is_secret(field.annotation):
            names |= _env_names(field_name, field.validation_alias)
    return frozenset(names)


def unknown_env_names(names: Iterable[str]) -> list[str]:
    """The names among these that LIF Coach's settings do not read."""
    return sorted(set(names) - settings_env_names())


def cli_error(argv: Sequence[str]) -> str | None:
    """None if `lif-coach ARGV` is a command bot/cli.py accepts, else argparse's complaint."""
    stderr = io.StringIO()
    try:
        with redirect_stderr(stderr):
            _parser().parse_args(list(argv))
    except SystemExit:
        return stderr.getvalue().strip().splitlines()[-1]
    return None
