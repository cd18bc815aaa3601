"""End-to-end fixtures: `analytics-local up` as a subprocess, driven over real HTTP."""

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pytest

START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 30
# Read before any fixture of another suite sets it for its own server.
CONFIGURED_DATABASE_URL = os.environ.get("DATABASE_URL")


def command() -> str:
    beside_python = Path(sys.executable).with_name("analytics-local")
    found = str(beside_python) if beside_python.exists() else shutil.which("analytics-local")
    if found is None:
        pytest.fail("analytics-local is not installed: pip install -e '.[dev]'")
    return found


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if CONFIGURED_DATABASE_URL:
        env["DATABASE_URL"] = CONFIGURED_DATABASE_URL
    env["REQUIRE_AUTH_FOR_READS"] = "false"  # the tests read without a token
    env["REPORT_DOWNLOAD_URL_EXPIRY_SECONDS"] = "8"  # short enough to see a download link expire
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class LocalRunner:
    """One `analytics-local up` on a data folder; can be stopped and started again on the same one."""

    data_dir: Path
    port: int
    log: Path
    options: tuple[str, ...] = ()  # more `up` options, such as --demo
    start_timeout: float = START_TIMEOUT_SECONDS
    process: subprocess.Popen[bytes] | None = None
    endpoints: dict[str, Any] = field(default_factory=dict)
    # The health check's answers while the last start was under way (None: no connection yet).
    starting_replies: list[Reply | None] = field(default_factory=list)

    @property
    def endpoints_file(self) -> Path:
        return self.data_dir / "endpoints.json"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [command(), "up", "--port", str(self.port), "--data-dir", str(self.data_dir), *self.options],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment(),
            )
        self.starting_replies = []
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"analytics-local up exited with {self.process.returncode} while starting")
            health = self._health()
            self.starting_replies.append(health)
            if self.endpoints_file.exists() and health is not None and health.status == 200:
                self.endpoints = json.loads(self.endpoints_file.read_text())
                return
            time.sleep(0.25)
        self.process.kill()
        self.process.wait()
        self.fail(f"analytics-local up was not healthy within {self.start_timeout:.0f}s")

    def stop(self) -> int:
        """Ctrl+C, as a person would; returns the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self.fail(f"analytics-local up did not stop within {STOP_TIMEOUT_SECONDS}s of SIGINT")
        finally:
            self.process = None

    def fail(self, reason: str) -> NoReturn:
        pytest.fail(f"{reason}; its output:\n{self.log.read_text(errors='replace')}", pytrace=False)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method: str, path: str, body: Any = None, token: str | None = None) -> Reply:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.request_raw(method, self.url(path), headers=headers, body=data)

    def request_raw(
        self, method: str, url: str, headers: dict[str, str], body: str | bytes | None = None
    ) -> Reply:
        """A request as given: the whole URL, the headers and the body as they are."""
        data = body.encode() if isinstance(body, str) else body
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Reply(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode())

    def token(self, role: str, *extra: str) -> str:
        result = self.cli("token", "--role", role, *extra)
        result.check_returncode()
        return result.stdout.strip()

    def cli(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """`analytics-local <arguments>` on this runner's data folder, as a person runs it beside `up`."""
        return subprocess.run(
            [command(), *arguments, "--data-dir", str(self.data_dir)],
            capture_output=True,
            text=True,
            env=environment(),
            timeout=timeout,
        )

    def _health(self) -> Reply | None:
        try:
            return self.request("GET", "/api/v1/health")
        except OSError:
            return None


@pytest.fixture(scope="session")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRunner]:
    workspace = tmp_path_factory.mktemp("e2e")
    local = LocalRunner(data_dir=workspace / "data", port=free_port(), log=workspace / "analytics-local.log")
    local.start()
    yield local
    if local.process is not None:
        code = local.stop()
        if code != 0:
            local.fail(f"analytics-local up exited with {code} after SIGINT")
