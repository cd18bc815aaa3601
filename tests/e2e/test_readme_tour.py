"""The README's tour, command by command, against `analytics-local up --demo`: each answers 200 with figures
from the demo data, so what a newcomer copies first works."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LocalRunner, free_port

README = Path(__file__).resolve().parents[2] / "README.md"
TOUR = re.compile(r"<!-- tour\b.*?-->\s*```bash\n(?P<commands>.*?)```\s*<!-- /tour -->", re.DOTALL)
TOKEN_LINE = re.compile(r"^TOKEN=\$\(\S*analytics-local token --role (?P<role>\w+)\)")
README_ORIGIN = "http://127.0.0.1:8009"
DEMO_START_TIMEOUT_SECONDS = 300
DATA_LISTS = {"groups", "points", "series", "trends", "items", "history", "predictions", "widgets", "data"}


@dataclass
class TourRequest:
    line: str
    method: str = "GET"
    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def tour_lines() -> list[str]:
    found = TOUR.search(README.read_text())
    assert found, "README.md has no tour: a ```bash block between <!-- tour ... --> and <!-- /tour -->"
    joined = found["commands"].replace("\\\n", " ")
    lines = (line.strip() for line in joined.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def tour_role() -> str:
    roles = [m["role"] for line in tour_lines() if (m := TOKEN_LINE.match(line))]
    assert len(roles) == 1, "the tour takes its token in one line: TOKEN=$(analytics-local token --role ...)"
    return roles[0]


def parse_curl(line: str) -> TourRequest:
    words = shlex.split(line)
    assert words[0] == "curl", f"a tour line is a curl command or the TOKEN line: {line}"
    request = TourRequest(line)
    arguments = iter(words[1:])
    for word in arguments:
        if word == "-X":
            request.method = next(arguments)
        elif word == "-H":
            name, value = next(arguments).split(":", 1)
            request.headers[name.strip()] = value.strip()
        elif word == "-d":
            request.body = next(arguments)
            request.method = "POST" if request.method == "GET" else request.method
        elif word.startswith("http"):
            request.url = word
        elif word not in ("-s", "-S", "-sS", "-f"):
            pytest.fail(f"the tour's test does not know curl's {word}: {line}")
    assert request.url.startswith(README_ORIGIN), f"a tour command asks {README_ORIGIN}: {line}"
    return request


def tour_requests() -> list[TourRequest]:
    return [parse_curl(line) for line in tour_lines() if not TOKEN_LINE.match(line)]


def has_a_figure(answer: Any) -> bool:
    """A non-zero number somewhere in the answer: the demo data shows through, not an empty frame."""
    if isinstance(answer, bool):
        return False
    if isinstance(answer, int | float):
        return answer != 0
    if isinstance(answer, dict):
        return any(has_a_figure(value) for value in answer.values())
    if isinstance(answer, list):
        return any(has_a_figure(value) for value in answer)
    return False


def empty_lists(answer: Any, path: str = "") -> list[str]:
    """Where the answer holds an empty list of data (groups, points, series, ...) the demo data should fill;
    lists that may rightly be empty, such as the goals at risk, are not data lists."""
    if isinstance(answer, list):
        if not answer:
            return [path or "the answer"]
        return [hole for index, value in enumerate(answer) for hole in empty_lists(value, f"{path}[{index}]")]
    if isinstance(answer, dict):
        return [
            hole
            for key, value in answer.items()
            if key in DATA_LISTS or isinstance(value, dict)
            for hole in empty_lists(value, f"{path}.{key}")
        ]
    return []


@pytest.fixture(scope="module")
def demo_runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRunner]:
    workspace = tmp_path_factory.mktemp("tour")
    local = LocalRunner(
        data_dir=workspace / "data",
        port=free_port(),
        log=workspace / "analytics-local.log",
        options=("--demo",),
        start_timeout=DEMO_START_TIMEOUT_SECONDS,
    )
    local.start()
    try:
        yield local
    finally:
        if local.process is not None:
            local.stop()


def test_the_tour_asks_the_main_questions() -> None:
    paths = {request.url.removeprefix(README_ORIGIN).split("?")[0] for request in tour_requests()}
    for wanted in ("/api/v1/metrics/statistics", "/api/v1/metrics/time-series/data", "/api/v1/dashboards/"):
        assert any(path.startswith(wanted) for path in paths), f"the tour shows {wanted}"


def tour_request_id(request: TourRequest) -> str:
    return request.url.removeprefix(README_ORIGIN)


@pytest.mark.parametrize("request_in_readme", tour_requests(), ids=tour_request_id)
def test_each_tour_command_answers_with_the_demo_data(
    demo_runner: LocalRunner, request_in_readme: TourRequest
) -> None:
    token = demo_runner.token(tour_role())
    headers = {name: value.replace("$TOKEN", token) for name, value in request_in_readme.headers.items()}
    reply = demo_runner.request_raw(
        request_in_readme.method,
        request_in_readme.url.replace(README_ORIGIN, demo_runner.url("")),
        headers=headers,
        body=request_in_readme.body,
    )
    assert reply.status == 200, f"{request_in_readme.line}\n{reply.status}: {reply.text[:500]}"
    answer = reply.json()
    assert has_a_figure(answer), f"{request_in_readme.line}\nanswered no figure: {reply.text[:500]}"
    assert not empty_lists(answer), f"{request_in_readme.line}\nleft empty: {empty_lists(answer)}"
