"""Real processes for the operations tests: `chroma run` and `lif-coach serve`, on free ports."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


def free_port() -> int:
    """A TCP port nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    """GET a URL: (status, body), whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    """GET a URL that answers JSON."""
    status, body = get(url)
    return status, json.loads(body)


def wait_for(check: Any, *, timeout: float, what: str) -> Any:
    """Poll `check()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class ChromaServer:
    """`chroma run --path FOLDER --port PORT`, stopped with stop()."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        if CHROMA is None:
            raise AssertionError("the chroma command (from the chromadb package) is not installed")
        command = [CHROMA, "run", "--path", str(self.folder), "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(
            lambda: get(f"{self.url}/api/v2/heartbeat", timeout=1)[0] == 200,
            timeout=30,
            what=f"chroma run at {self.url}",
        )
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


SERVE = [sys.executable, "-m", "bot", "serve"]


class ServeProcess:
    """`lif-coach serve` (or `command`) in HTTP mode in a process of its own, logging to a file."""

    def __init__(self, env: dict[str, str], log_path: Path, command: list[str] = SERVE) -> None:
        self.command = command
        self.port = free_port()
        self.env = {**_clean_environment(), **env, "PORT": str(self.port)}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def start(self) -> ServeProcess:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Until GET /readyz answers 200; fails early with the log if the process exits."""

        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"lif-coach serve exited:\n{self.log()}")
            return get(f"{self.url}/readyz", timeout=2)[0] == 200

        wait_for(ready, timeout=timeout, what=f"{self.url}/readyz")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_lines(self) -> list[str]:
        return [line for line in self.log().splitlines() if line.strip()]

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> int | None:
        """SIGTERM, as Kubernetes stops a pod; the exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return self.process.returncode


def _clean_environment() -> dict[str, str]:
    """This environment without any LIF_ or SLACK_ setting a developer may have exported."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LIF_", "SLACK_")) and key != "PORT"
    }


def work_processes(server: ServeProcess) -> list[int]:
    """The pids of the server's spawned work processes (not multiprocessing's own helpers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if parent == server.pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return sorted(found)


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead but not yet reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def start_time(pid: int) -> float:
    """When a process started, in seconds since the epoch, as process_start_time_seconds says."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    boot = next(
        float(line.split()[1])
        for line in Path("/proc/stat").read_text().splitlines()
        if line.startswith("btime ")
    )
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
