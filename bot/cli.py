"""`lif-coach`: the command line. Turns known failures into one clear line, not a traceback."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence

from bot.settings import Settings, SettingsError, load_settings


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
    return parser


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
    from bot.retrieval.embeddings import EmbeddingModelMissing
    from bot.storage.database import DatabaseError

    if isinstance(error, SettingsError | DatabaseError | ContentError | EmbeddingModelMissing):
        return str(error)
    return None


def _configure_logging(settings: Settings) -> None:
    from bot.observability import configure_logging

    configure_logging(settings.log_level, json_logs=settings.log_format == "json")


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from rich.console import Console

    from bot.coaching.models import Person
    from bot.container import build_coach
    from bot.terminal.chat import TerminalChat

    console = Console()
    with console.status("Getting the framework knowledge ready..."):
        coach = build_coach(settings)
    person = Person(workspace_id="terminal", user_id=args.user or getpass.getuser())
    TerminalChat(coach.service, person, console, read=console.input).run()
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
    from bot.storage.database import current_revision, make_engine, upgrade

    engine = make_engine(settings.effective_database_url)
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


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "chat": _chat,
    "index": _index,
    "search": _search,
    "db": _db,
    "serve": _serve,
}

if __name__ == "__main__":
    raise SystemExit(main())
