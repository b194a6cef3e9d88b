"""docs/operations.md and deploy/README.md keep up with the settings and the files."""

from __future__ import annotations

import re

from tests.deploy.support import DEPLOY, ROOT, settings_env_names
from tests.ops.test_database_roles import ROLE_SETUP

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


def test_the_database_roles_the_guide_sets_up_are_the_ones_the_tests_run_under() -> None:
    names = {"schema": "lif", "owner": "lif_owner", "app": "lif_app"}
    guide = " ".join(OPERATIONS.split())
    missing = [s for s in (t.format(**names) for t in ROLE_SETUP) if s not in guide]
    assert missing == []
