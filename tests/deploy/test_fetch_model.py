"""deploy/fetch_model.py, which puts the embedding model into the image at build time."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import io
import tarfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.deploy.support import DEPLOY, ROOT


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_model", DEPLOY / "fetch_model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bot_model_files() -> tuple[str, ...]:
    """MODEL_FILES of bot/retrieval/embeddings.py, read without importing chromadb (slow)."""
    source = ast.parse((ROOT / "bot" / "retrieval" / "embeddings.py").read_text())
    for node in source.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "MODEL_FILES":
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("bot/retrieval/embeddings.py no longer defines MODEL_FILES")


fetch_model = _load()
MODEL_FILES = _bot_model_files()


def _archive(path: Path, members: dict[str, bytes]) -> str:
    """Write a tar.gz with these members; returns its sha256."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def model_archive(tmp_path: Path) -> tuple[Path, str]:
    """Chroma's archive layout (onnx/ and six files), plus members that must not be unpacked."""
    members = {f"onnx/{name}": f"contents of {name}".encode() for name in MODEL_FILES}
    members |= {"onnx/../../escape.txt": b"outside", "onnx/notes.md": b"not a model file"}
    archive = tmp_path / "onnx.tar.gz"
    return archive, _archive(archive, members)


def test_it_lists_the_same_files_the_bot_loads() -> None:
    assert sorted(fetch_model.MODEL_FILES) == sorted(MODEL_FILES)
    assert len(MODEL_FILES) == 6


def test_a_download_with_the_pinned_sha256_unpacks_only_the_model_files(
    tmp_path: Path, model_archive: tuple[Path, str]
) -> None:
    archive, sha256 = model_archive
    target = tmp_path / "image" / "onnx"
    code = fetch_model.main(
        ["download", "--url", archive.as_uri(), "--sha256", sha256, str(target)]
    )
    assert code == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(MODEL_FILES)
    assert (target / "vocab.txt").read_text() == "contents of vocab.txt"
    assert not list(tmp_path.rglob("escape.txt"))


def test_a_download_with_another_sha256_is_refused(
    tmp_path: Path, model_archive: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    archive, _ = model_archive
    target = tmp_path / "onnx"
    code = fetch_model.main(
        ["download", "--url", archive.as_uri(), "--sha256", "0" * 64, str(target)]
    )
    assert code == 1
    assert "not the pinned" in capsys.readouterr().err
    assert not target.exists()


def test_check_names_the_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in MODEL_FILES[:-1]:
        (tmp_path / name).write_text("x")
    assert fetch_model.main(["check", str(tmp_path)]) == 1
    assert MODEL_FILES[-1] in capsys.readouterr().err
    (tmp_path / MODEL_FILES[-1]).write_text("x")
    assert fetch_model.main(["check", str(tmp_path)]) == 0
