"""`analytics-local invoke`: reading event files and showing the response."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics_infra.local.cli import build_parser
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.invoke import logs_to_stderr, read_event, readable

EVENTS = Path(__file__).resolve().parents[2] / "events"


def test_json_body_is_shown_parsed() -> None:
    result = {"statusCode": 201, "body": '{"id": "m1"}', "isBase64Encoded": False}

    assert readable(result) == {"statusCode": 201, "body": {"id": "m1"}, "isBase64Encoded": False}


@pytest.mark.parametrize(
    "result",
    [
        {"statusCode": 200, "body": "<html></html>"},
        {"statusCode": 200, "body": "JVBERg==", "isBase64Encoded": True},
        {"batchItemFailures": []},
        None,
    ],
)
def test_other_results_are_shown_as_they_are(result: object) -> None:
    assert readable(result) == result


def test_sample_events_are_readable() -> None:
    event = read_event(EVENTS / "metrics_create.json")

    assert event["routeKey"] == "POST /api/v1/metrics"


@pytest.mark.parametrize(
    ("content", "problem"), [(None, "no event file"), ("{nope", "cannot read"), ("[]", "not a")]
)
def test_bad_event_files(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "event.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(LocalRunnerError, match=problem):
        read_event(path)


def test_cli_documents_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--help"])

    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    for command in ("up", "token", "invoke", "demo", "trigger"):
        assert command in help_text


def test_cli_rejects_unknown_roles_and_bad_ports(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["token", "--role", "root"],
        ["up", "--port", "70000"],
        ["token", "--role", "admin", "--expires-in", "0"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            build_parser().parse_args(argv)
        assert exit_info.value.code == 2


def test_the_functions_logs_go_to_stderr_while_a_function_runs(capsys: pytest.CaptureFixture[str]) -> None:
    from analytics.observability import logger

    with logs_to_stderr():
        logger.info("while invoking")
    logger.info("afterwards")

    captured = capsys.readouterr()
    assert "while invoking" in captured.err and "while invoking" not in captured.out
    assert "afterwards" not in captured.err
