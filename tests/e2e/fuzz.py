"""Schemathesis over the whole API: does `analytics-local up` answer what its OpenAPI document says?

Every operation of `/api/v1/openapi.json` is fuzzed with a token (admin, so that writes get past the role
checks) and without one (so that API Gateway's authorizers answer), and each answer is checked for a 5xx,
a status the operation does not document, and a body that does not match the documented schema.

    python -m tests.e2e.fuzz [--examples 50] [--seed N]    # `make fuzz`: starts its own `analytics-local up`

The end-to-end suite runs the same, bounded (tests/e2e/test_openapi_fuzz.py).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import collections
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The checks this API promises to pass: no server error, no undocumented status, no body off its schema.
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")
OPENAPI_PATH = "/api/v1/openapi.json"


@dataclass(frozen=True)
class Failure:
    """One failed check of one request, with what it takes to send it again."""

    auth: str  # which run: "admin token" or "no token"
    check: str  # schemathesis' check name, e.g. status_code_conformance
    title: str  # its failure's title, e.g. "Undocumented status code"
    operation: str  # "POST /api/v1/metrics"
    method: str
    uri: str
    status: int | None
    request_headers: dict[str, str]
    request_body: bytes
    response_body: bytes
    message: str

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.request_headers.items() if k.lower() == "content-type"), "")

    def reproduction(self) -> str:
        """The request as a curl command (the token left out) and what it got."""
        headers = "".join(
            f" -H {_quote(f'{name}: {value}')}"
            for name, value in self.request_headers.items()
            if name.lower() != "authorization"
        )
        token = " -H 'Authorization: Bearer <admin token>'" if self.auth == ADMIN else ""
        body = f" --data-binary {_quote(_shown(self.request_body))}" if self.request_body else ""
        return (
            f"curl -X {self.method}{token}{headers}{body} {_quote(self.uri)}\n"
            f"  -> {self.status}: {_shown(self.response_body)[:300]}"
        )


@dataclass
class Run:
    """One schemathesis run: its figures, and every failed check."""

    auth: str
    operations: int
    cases: int
    seconds: float
    failures: list[Failure] = field(default_factory=list)


ADMIN = "admin token"
ANONYMOUS = "no token"


def fuzz(
    base_url: str,
    *,
    auth: str,
    token: str | None,
    examples: int,
    seed: int,
    workdir: Path,
    timeout_seconds: float | None = None,
) -> Run:
    """One `schemathesis run` of every operation against `base_url`; its reports go to `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    json_report, ndjson_report = workdir / "report.json", workdir / "events.ndjson"
    command = [
        _schemathesis(),
        "run",
        base_url + OPENAPI_PATH,
        "--url",
        base_url,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--generation-database",
        "none",  # each run stands alone: nothing replayed from an earlier one
        "--report",
        "json,ndjson",
        "--report-json-path",
        str(json_report),
        "--report-ndjson-path",
        str(ndjson_report),
        "--no-color",
        *(["--header", f"Authorization: Bearer {token}"] if token else []),
    ]
    log = workdir / "schemathesis.log"
    with log.open("wb") as output:
        subprocess.run(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
            cwd=workdir,
            timeout=timeout_seconds,
        )
    if not json_report.exists():
        raise RuntimeError(f"schemathesis wrote no report; its output:\n{log.read_text(errors='replace')}")
    report = json.loads(json_report.read_text())
    return Run(
        auth=auth,
        operations=int(report["operations"]["tested"]),
        cases=int(report["test_cases"]["generated"]),
        seconds=float(report["running_time"]),
        failures=list(_failures(ndjson_report, auth)),
    )


def _failures(ndjson_report: Path, auth: str) -> Iterator[Failure]:
    """Every failed check the run's events record, once per case and check."""
    seen: set[tuple[str, str]] = set()
    for line in ndjson_report.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if event is None:
            continue
        recorder = event.get("recorder", {})
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") != "failure" or (case_id, check["name"]) in seen:
                    continue
                seen.add((case_id, check["name"]))
                case = recorder["cases"][case_id]["value"]
                interaction = recorder.get("interactions", {}).get(case_id) or {}
                request, response = interaction.get("request") or {}, interaction.get("response") or {}
                failure = (check.get("failure_info") or {}).get("failure") or {}
                yield Failure(
                    auth=auth,
                    check=check["name"],
                    title=failure.get("title", check["name"]),
                    operation=f"{case['method']} {case['path']}",
                    method=request.get("method", case["method"]),
                    uri=request.get("uri", case["path"]),
                    status=response.get("status_code"),
                    request_headers={k: ", ".join(v) for k, v in (request.get("headers") or {}).items()},
                    request_body=_bytes(request.get("body")),
                    response_body=_bytes(response.get("content")),
                    message=failure.get("message", ""),
                )


def _bytes(recorded: Any) -> bytes:
    if not recorded:
        return b""
    if isinstance(recorded, dict) and "$base64" in recorded:
        try:
            return base64.b64decode(recorded["$base64"])
        except binascii.Error:
            return b""
    return str(recorded.get("string", "") if isinstance(recorded, dict) else recorded).encode()


def _shown(raw: bytes) -> str:
    return raw.decode("utf-8", errors="backslashreplace")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _schemathesis() -> str:
    beside_python = Path(sys.executable).with_name("schemathesis")
    found = str(beside_python) if beside_python.exists() else shutil.which("schemathesis")
    if found is None:
        raise RuntimeError("schemathesis is not installed: pip install -e '.[dev]'")
    return found


def summary(runs: list[Run]) -> str:
    """Operations, cases and failures by kind, per run and in all."""
    lines = []
    for run in [*runs, _total(runs)] if len(runs) > 1 else runs:
        lines.append(
            f"{run.auth}: {run.operations} operations, {run.cases} cases, {len(run.failures)} failures "
            f"({run.seconds:.0f} s)"
        )
        by_kind = collections.Counter(failure.title for failure in run.failures)
        for title in ("Server error", "Undocumented status code", "Response violates schema"):
            by_kind.setdefault(title, 0)
        lines += [f"  {title}: {count}" for title, count in sorted(by_kind.items())]
    return "\n".join(lines)


def _total(runs: list[Run]) -> Run:
    return Run(
        auth="in all",
        operations=max(run.operations for run in runs),
        cases=sum(run.cases for run in runs),
        seconds=sum(run.seconds for run in runs),
        failures=[failure for run in runs for failure in run.failures],
    )


def described(failures: list[Failure], limit: int = 20) -> str:
    """One reproduction per operation, check and status, at most `limit` of them."""
    firsts: dict[tuple[str, str, str, int | None], Failure] = {}
    for failure in failures:
        firsts.setdefault((failure.auth, failure.operation, failure.check, failure.status), failure)
    shown = [
        f"[{f.auth}] {f.operation}: {f.title}\n{f.reproduction()}\n{f.message[:500]}"
        for f in list(firsts.values())[:limit]
    ]
    more = len(firsts) - len(shown)
    return "\n\n".join(shown) + (f"\n\n... and {more} more" if more > 0 else "")


def main(argv: list[str] | None = None) -> int:
    from tests.e2e.conftest import LocalRunner, free_port

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--examples", type=int, default=50, help="cases per operation and phase (50)")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis' seed (random by default)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the reports in this folder")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    with tempfile.TemporaryDirectory(prefix="analytics-fuzz-") as scratch:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        runner = LocalRunner(data_dir=workdir / "data", port=free_port(), log=workdir / "analytics-local.log")
        runner.start()
        try:
            runs = [
                fuzz(
                    runner.url(""),
                    auth=auth,
                    token=token,
                    examples=args.examples,
                    seed=seed,
                    workdir=workdir / auth.replace(" ", "-"),
                )
                for auth, token in ((ADMIN, runner.token("admin")), (ANONYMOUS, None))
            ]
        finally:
            runner.stop()
        print(f"seed {seed}, {args.examples} examples per operation and phase")
        print(summary(runs))
        failures = [failure for run in runs for failure in run.failures]
        if failures:
            print("\nFailures:\n" + described(failures))
    return 1 if any(run.failures for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
