"""`lif-coach`: the command line. Turns known failures into one clear line, not a traceback."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.privacy import cli as privacy_cli
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.coaching.framework import Attribute
    from bot.coaching.ports import Passage


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lif-coach",
        description="LIF Coach: reflect on the NHS Leading Improvement Framework.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chat = commands.add_parser("chat", help="reflect in the terminal (the embedded defaults)")
    chat.add_argument("--user", default=None, help="whose reflection (default: your login name)")
    commands.add_parser("index", help="(re)index the framework and your organisation's documents")
    search = commands.add_parser("search", help="search the knowledge; one JSON line per query")
    search.add_argument("query", nargs="?", help="the query (default: one per line of stdin)")
    search.add_argument("--json", action="store_true", help="print JSON lines (the only format)")
    search.add_argument("--k", type=int, default=5, help="at most this many results (default 5)")
    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    commands.add_parser("serve", help="run the Slack bot (Socket Mode or HTTP)")
    nudges = commands.add_parser("nudges", help="follow-up check-ins")
    nudges.add_argument("action", choices=["send-due"], help="send the check-ins that are due")
    nudges.add_argument("--now", type=_instant, default=None, help="ISO-8601 time (default: now)")
    nudges.add_argument(
        "--console", action="store_true", help="print the messages here instead of Slack DMs"
    )
    progress = commands.add_parser("progress", help="your priorities, goals and check-ins")
    progress.add_argument("--user", default=None, help="whose progress (default: login name)")
    progress.add_argument("--chart", default=None, metavar="FILE", help="write a PNG chart")
    privacy_cli.add_parsers(commands)  # keys, export, delete, retention, team
    return parser


def _instant(text: str) -> datetime:
    """An ISO-8601 time; without an offset it is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {text!r}") from error
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `lif-coach` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        _configure_logging(settings)
        return COMMANDS[args.command](settings, args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # only known, explained failures become one line
        message = _known_failure(error)
        if message is None:
            raise
        print(f"lif-coach: {message}", file=sys.stderr)
        return 2


def _known_failure(error: Exception) -> str | None:
    from bot.content import ContentError
    from bot.llm.factory import ModelSetupError
    from bot.retrieval.embeddings import EmbeddingModelMissing
    from bot.storage.crypto import EncryptionKeyError
    from bot.storage.database import DatabaseError

    known = SettingsError | DatabaseError | ContentError | EmbeddingModelMissing | ModelSetupError
    known |= EncryptionKeyError
    if isinstance(error, known):
        return str(error)
    return None


def _configure_logging(settings: Settings) -> None:
    from bot.observability import configure_logging

    configure_logging(settings.log_level, json_logs=settings.log_format == "json")


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.coaching.engine import MAX_ANSWER_CHARS
    from bot.coaching.models import Person
    from bot.container import build_coach
    from bot.terminal.chat import TerminalChat
    from bot.terminal.entry import make_reader

    console = Console()
    with console.status("Getting the framework knowledge ready..."):
        coach = build_coach(settings)
    person = Person(workspace_id="terminal", user_id=args.user or getpass.getuser())
    read = make_reader(limit=MAX_ANSWER_CHARS, too_long=coach.service.texts["terminal_too_long"])
    TerminalChat(coach.service, person, console, read=read, followup=coach.followup).run()
    return 0


def _index(settings: Settings, args: argparse.Namespace) -> int:
    from bot.retrieval.service import run_index

    run_index(settings, print)
    return 0


def _search(settings: Settings, args: argparse.Namespace) -> int:
    from bot.retrieval.service import make_retriever, search_json

    if args.k < 1:
        print("lif-coach: --k must be at least 1", file=sys.stderr)
        return 2
    retriever = make_retriever(settings)
    queries = [args.query] if args.query is not None else (line.strip() for line in sys.stdin)
    for query in queries:
        if query:
            print(
                json.dumps(search_json(retriever, query, k=args.k), ensure_ascii=False), flush=True
            )
    return 0


def _db(settings: Settings, args: argparse.Namespace) -> int:
    from bot.privacy.keys import load_cipher
    from bot.storage.database import current_revision, make_engine, upgrade

    engine = make_engine(settings.effective_database_url, cipher=load_cipher(settings))
    if args.action == "upgrade":
        print(
            f"Database at {engine.url.render_as_string(hide_password=True)}: "
            f"migrated to {upgrade(engine)}"
        )
    else:
        print(current_revision(engine) or "none")
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from bot.container import build_coach
    from bot.slack.server import serve

    serve(build_coach(settings))
    return 0


def _nudges(settings: Settings, args: argparse.Namespace) -> int:
    from bot.container import build_coach, build_dispatcher, freeze_start_up_objects
    from bot.nudges.console import ConsoleNudgeSender
    from bot.slack.nudge_sender import make_check_in_sender

    coach = build_coach(settings, retriever=_NoRetrieval())
    # One bot token, or in OAuth install mode each workspace's installed token.
    sender = ConsoleNudgeSender() if args.console else make_check_in_sender(coach)
    dispatcher = build_dispatcher(coach, sender)
    freeze_start_up_objects()
    sent = dispatcher.send_due(args.now)
    print(f"Sent {sent} check-in message{'s' if sent != 1 else ''}.")
    return 0


class _NoRetrieval:
    """Sending check-ins and showing progress need no search: no embedding model is loaded."""

    def search(self, query: str, *, k: int = 3) -> list[Passage]:
        """Nothing found."""
        return []

    def context_for(self, attribute: Attribute) -> Passage | None:
        """No context."""
        return None


def _progress(settings: Settings, args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.charts import render_ratings_chart, snapshots_from
    from bot.coaching.models import Person
    from bot.container import build_coach
    from bot.terminal.progress import render_progress

    coach = build_coach(settings, retriever=_NoRetrieval())
    assert coach.followup is not None
    person = Person(workspace_id="terminal", user_id=args.user or getpass.getuser())
    Console().print(render_progress(coach.followup.progress(person)))
    if args.chart:
        reflections = coach.followup.completed_reflections(person)
        if not reflections:
            print("lif-coach: no confirmed reflection yet, so no chart", file=sys.stderr)
            return 2
        labels = {level.value: level.label for level in coach.service.questions.rating_scale}
        chart = render_ratings_chart(coach.service.framework, snapshots_from(reflections), labels)
        with open(args.chart, "wb") as file:
            file.write(chart.png)
        print(f"Chart written to {args.chart}. {chart.alt_text}")
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "chat": _chat,
    "index": _index,
    "search": _search,
    "db": _db,
    "serve": _serve,
    "nudges": _nudges,
    "progress": _progress,
    **privacy_cli.COMMANDS,
}

if __name__ == "__main__":
    raise SystemExit(main())
