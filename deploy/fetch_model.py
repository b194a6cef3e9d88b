"""Puts the embedding model into the image at build time (deploy/Dockerfile runs it).

    fetch_model.py check FOLDER
        the six model files are in FOLDER (a named build context was copied there)
    fetch_model.py download --url URL --sha256 HEX FOLDER
        download Chroma's onnx.tar.gz, refuse it unless its sha256 is HEX, and unpack its
        onnx/ files into FOLDER

Standard library only: it runs in a bare python image, before LIF Coach is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

# The files Chroma's ONNXMiniLM_L6_V2 loads (bot/retrieval/embeddings.py lists the same six).
MODEL_FILES = (
    "config.json",
    "model.onnx",
    "special_tokens_map.json",
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.txt",
)


class ModelError(Exception):
    """The model could not be put in place; the message says why."""


def check(folder: Path) -> None:
    """Raise ModelError unless every model file is in the folder and not empty."""
    missing = [name for name in MODEL_FILES if not _non_empty_file(folder / name)]
    if missing:
        raise ModelError(f"{folder} lacks the model files {', '.join(missing)}")


def _non_empty_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unpack(archive: Path, folder: Path) -> None:
    """Copy the six model files out of the archive's onnx/ folder, and nothing else."""
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar.getmembers():
            parent, _, name = member.name.removeprefix("./").rpartition("/")
            if parent == "onnx" and name in MODEL_FILES and member.isfile():
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has contents
                with source, (folder / name).open("wb") as target:
                    shutil.copyfileobj(source, target)
    check(folder)


def download(url: str, sha256: str, folder: Path) -> None:
    """Download the archive, verify its sha256, then unpack the model into the folder."""
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "onnx.tar.gz"
        with urllib.request.urlopen(url, timeout=120) as response, archive.open("wb") as out:
            shutil.copyfileobj(response, out)
        actual = sha256_of(archive)
        if actual != sha256.lower():
            raise ModelError(f"{url} has sha256 {actual}, not the pinned {sha256}")
        unpack(archive, folder)


def main(argv: list[str] | None = None) -> int:
    """Entry point: `check FOLDER` or `download --url URL --sha256 HEX FOLDER`."""
    parser = argparse.ArgumentParser(prog="fetch_model.py", description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    steps.add_parser("check").add_argument("folder", type=Path)
    fetch = steps.add_parser("download")
    fetch.add_argument("--url", required=True)
    fetch.add_argument("--sha256", required=True)
    fetch.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.step == "check":
            check(args.folder)
        else:
            download(args.url, args.sha256, args.folder)
    except (ModelError, OSError, tarfile.TarError) as error:
        print(f"fetch_model.py: {error}", file=sys.stderr)
        return 1
    print(f"The embedding model is in {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
