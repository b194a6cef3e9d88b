"""`lif-coach keys|export|delete|retention|team`: data rights for administrators."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.settings import Settings

Command = Callable[[Settings, argparse.Namespace], int]


def add_parsers(commands: Any) -> None:
    """Add the privacy sub-commands to `lif-coach`'s sub-parsers."""
    keys = commands.add_parser("keys", help="make a key, or re-encrypt with the newest")
    keys.add_argument("action", choices=["generate", "rotate"])
    export = commands.add_parser("export", help="a person's data as files (subject access)")
    _person_arguments(export)
    export.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    delete = commands.add_parser("delete", help="erase everything stored about a person")
    _person_arguments(delete)
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    retention = commands.add_parser("retention", help="purge reflections past LIF_RETENTION_DAYS")
    retention.add_argument("action", choices=["run"])
    team = commands.add_parser("team", help="anonymous team insights for a workspace")
    team.add_argument("--workspace", required=True, help="Slack team id, e.g. T0123")
    team.add_argument("--days", type=int, default=90, help="the period (default 90 days)")


def _person_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, help="Slack user id (or terminal login name)")
    parser.add_argument("--workspace", required=True, help="Slack team id, or 'terminal'")


def _privacy(settings: Settings) -> Any:
    from bot.container import make_database, make_privacy_service
    from bot.content import load_framework, load_question_bank

    return make_privacy_service(
        settings,
        make_database(settings),
        load_framework(settings.knowledge_dir),
        load_question_bank(settings.prompts_dir),
    )


def _person(args: argparse.Namespace) -> Any:
    from bot.coaching.models import Person

    return Person(workspace_id=args.workspace, user_id=args.user)


def _keys(settings: Settings, args: argparse.Namespace) -> int:
    from bot.container import make_database
    from bot.storage.crypto import generate_key, rotate_all
    from bot.storage.privacy import record_key_rotation
    from bot.storage.tables import metadata

    if args.action == "generate":
        print(generate_key())
        return 0
    record = record_key_rotation(f"admin:{getpass.getuser()}")
    counts = rotate_all(make_database(settings), metadata, record=record)
    total = sum(counts.values())
    print(f"Re-encrypted {total} rows with the newest key ({_counts(counts)}).")
    print("Every stored value now opens with the first key of LIF_ENCRYPTION_KEY alone:")
    print("you can remove the older keys from it.")
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    files = _privacy(settings).export(_person(args))
    if files is None:
        print(f"Nothing is stored about {args.user} in {args.workspace}.")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in ((files.markdown_name, files.markdown), (files.json_name, files.json_text)):
        path = args.out / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        print(f"Wrote {path}")
    return 0


def _delete(settings: Settings, args: argparse.Namespace) -> int:
    from bot.privacy.wording import describe_removal

    if not args.yes and not _confirmed(args):
        print("Nothing was deleted.")
        return 1
    actor = f"admin:{getpass.getuser()}"
    report = _privacy(settings).erase(_person(args), actor=actor)
    print(f"Erased {args.user} in {args.workspace}: {describe_removal(report)}.")
    return 0


def _confirmed(args: argparse.Namespace) -> bool:
    prompt = f"Erase everything stored about {args.user} in {args.workspace}? Type the user id: "
    try:
        return input(prompt).strip() == args.user
    except EOFError:
        return False


def _retention(settings: Settings, args: argparse.Namespace) -> int:
    from bot.privacy.wording import describe_removal

    report = _privacy(settings).run_retention()
    if report is None:
        print("Retention is off (LIF_RETENTION_DAYS is 0): nothing was purged.")
        return 0
    days = settings.retention_days
    print(f"Purged what was older than {days} days: {describe_removal(report)}.")
    return 0


def _team(settings: Settings, args: argparse.Namespace) -> int:
    from bot.coaching.errors import CoachingError
    from bot.privacy.wording import describe_insights

    service = _privacy(settings)
    try:
        insights = service.team_insights(args.workspace, args.days)
    except CoachingError as error:
        print(f"lif-coach: {error.message}", file=sys.stderr)
        return 2
    print(describe_insights(insights, service.framework).replace("*", ""))
    return 0


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{table}: {n}" for table, n in counts.items()) or "no tables"


COMMANDS: dict[str, Command] = {
    "keys": _keys,
    "export": _export,
    "delete": _delete,
    "retention": _retention,
    "team": _team,
}
