"""deploy/compose.yaml and deploy/.env.example, checked against the Compose specification."""

from __future__ import annotations

import json
import re
import shlex
from importlib import resources
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.support import (
    DEPLOY,
    ROOT,
    SECRET_LOOKING,
    cli_error,
    secret_env_names,
    unknown_env_names,
)

COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
LIF_COACH_SERVICES = ("bot", "migrate")  # the services that run with LIF Coach's settings
# Variables compose itself reads from deploy/.env to fill in ${...}; not LIF Coach settings.
COMPOSE_VARIABLES = {"POSTGRES_PASSWORD"}


def _compose_schema() -> dict[str, Any]:
    # check-jsonschema (dev extra) ships the Compose specification's JSON schema.
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    return json.loads(vendor.joinpath("compose-spec.json").read_text())


def _env_example() -> dict[str, str]:
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def _without_interpolation(text: str) -> str:
    return re.sub(r"\$\{[^}]*\}", "", text)


def _commands(service: dict[str, Any]) -> list[list[str]]:
    """The `lif-coach ...` argument lists a service runs (through the image's entrypoint or sh)."""
    entrypoint = service.get("entrypoint")
    if entrypoint is None:
        return [service["command"]]
    if entrypoint[:2] == ["sh", "-c"]:
        steps = [shlex.split(step) for step in entrypoint[2].split("&&")]
        assert all(step[0] == "lif-coach" for step in steps), entrypoint
        return [step[1:] for step in steps]
    assert entrypoint[0] != "lif-coach", "use command: for lif-coach's arguments"
    return []


def test_compose_yaml_follows_the_compose_specification() -> None:
    validator = jsonschema.Draft202012Validator(_compose_schema())
    assert [error.message for error in validator.iter_errors(COMPOSE)] == []
    broken = {"services": {"bot": {"image": "x", "restart_policy": "always"}}}
    assert list(validator.iter_errors(broken)), "the schema check would miss a wrong key"


def test_it_runs_the_bot_postgres_chroma_and_a_one_shot_migration() -> None:
    assert sorted(SERVICES) == ["bot", "chroma", "migrate", "postgres"]
    assert SERVICES["postgres"]["image"] == "postgres:15"
    assert SERVICES["bot"]["command"] == ["serve"]
    assert SERVICES["bot"]["ports"] == ["${COACH_PORT:-3000}:3000"]


def test_the_long_running_services_have_health_checks() -> None:
    for name in ("bot", "postgres", "chroma"):
        assert SERVICES[name]["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
    assert "/healthz" in " ".join(SERVICES["bot"]["healthcheck"]["test"])
    assert "/api/v2/heartbeat" in " ".join(SERVICES["chroma"]["healthcheck"]["test"])


def test_the_bot_starts_after_a_healthy_database_and_chroma_and_a_finished_migration() -> None:
    assert SERVICES["bot"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "chroma": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert SERVICES["migrate"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "chroma": {"condition": "service_healthy"},
    }


def test_the_migration_upgrades_the_database_then_indexes() -> None:
    assert _commands(SERVICES["migrate"]) == [["db", "upgrade"], ["index"]]


def test_every_lif_coach_command_exists_in_the_cli() -> None:
    for name, service in SERVICES.items():
        for argv in _commands(service) if "build" in service else []:
            assert cli_error(argv) is None, f"{name}: lif-coach {argv}"


def test_the_chroma_server_uses_the_bots_image_and_a_volume() -> None:
    chroma = SERVICES["chroma"]
    assert chroma["image"] == SERVICES["bot"]["image"]
    assert chroma["entrypoint"][:2] == ["chroma", "run"]
    assert SERVICES["bot"]["environment"]["LIF_CHROMA_URL"] == "http://chroma:8000"
    assert chroma["volumes"] == ["chroma-data:/data"]


def test_the_image_is_built_from_the_repository_with_the_model_context() -> None:
    build = SERVICES["bot"]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == ROOT
    assert (context / build["dockerfile"]).is_file()
    assert "models" in build["additional_contexts"]


def test_every_variable_given_to_lif_coach_is_a_setting() -> None:
    for name in LIF_COACH_SERVICES:
        assert SERVICES[name]["env_file"] == ".env"
        assert unknown_env_names(SERVICES[name]["environment"]) == [], name
    assert unknown_env_names(_env_example().keys() - COMPOSE_VARIABLES) == []


def test_compose_variables_in_the_env_file_are_used() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    for variable in COMPOSE_VARIABLES:
        assert variable in _env_example()
        assert "${" + variable + ":?" in text, f"{variable} should be required"


@pytest.mark.parametrize("service", LIF_COACH_SERVICES)
def test_no_secret_is_written_into_compose_yaml(service: str) -> None:
    environment = SERVICES[service]["environment"]
    for name in secret_env_names() & environment.keys():
        assert "${" in environment[name], f"{service}: {name} is written out"
    assert not SECRET_LOOKING.search(_without_interpolation(json.dumps(environment)))
    assert not SECRET_LOOKING.search(_without_interpolation((DEPLOY / "compose.yaml").read_text()))


def test_the_env_example_holds_no_secret_values() -> None:
    example = _env_example()
    for name in (secret_env_names() | COMPOSE_VARIABLES) & example.keys():
        assert example[name] == "", f"{name} has a value in .env.example"


def test_lif_coach_containers_run_read_only_without_privileges() -> None:
    for name in ("bot", "migrate", "chroma"):
        service = SERVICES[name]
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert "/tmp" in service["tmpfs"], name


def test_the_bot_and_migration_run_in_production_with_a_required_key() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    assert "LIF_ENCRYPTION_KEY: ${LIF_ENCRYPTION_KEY:?" in text
    assert "LIF_ENVIRONMENT: production" in text
    assert "LIF_ENCRYPTION_KEY" in _env_example()
