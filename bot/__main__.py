"""`python -m bot`: the same as the `lif-coach` command."""

from bot.cli import main

raise SystemExit(main())
