"""docs/operations.md and deploy/README.md keep up with the settings and the files."""

from __future__ import annotations

import re

from tests.deploy.support import DEPLOY, ROOT, settings_env_names

OPERATIONS = (ROOT / "docs" / "operations.md").read_text()
README = (DEPLOY / "README.md").read_text()


def test_the_operations_guide_describes_every_setting() -> None:
    missing = [name for name in sorted(settings_env_names()) if f"`{name}`" not in OPERATIONS]
    assert missing == []


def test_the_operations_guide_names_only_real_settings() -> None:
    named = set(re.findall(r"`((?:LIF|SLACK)_[A-Z_]+)`", OPERATIONS))
    assert sorted(named - settings_env_names()) == []


def test_the_deploy_readme_lists_every_file_in_deploy() -> None:
    shipped = [p.name for p in DEPLOY.iterdir() if not p.name.startswith(("_", "."))]
    files = [*shipped, ".env.example"]  # not .env, the filled-in copy, nor __pycache__
    files.remove("README.md")
    missing = [name for name in files if f"`{name}" not in README]
    assert missing == []
