"""Reports and scheduled jobs through `analytics-local up` over real HTTP: the reports queue drained into
the worker, files in moto's S3 downloaded with curl through the presigned redirect, e-mail in moto's
SES, job rules in moto's EventBridge, and a trigger run by the scheduler through the local Lambda API."""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.e2e.conftest import LocalRunner

pytestmark = pytest.mark.e2e

# A month about 14 months back, well inside the retention window and away from the recent days the other
# end-to-end modules send metrics for; its donations and the month before's are generated below. Another
# module may still have sent donations in one of them: the report's totals are held against the partners
# insight's answer for each month, which must include these.
MONTH = (dt.date.today() - dt.timedelta(days=420)).replace(day=1)
PREVIOUS_MONTH = (MONTH - dt.timedelta(days=1)).replace(day=1)
GIFTS = [100.0 + day for day in range(10)]  # 1,045.00 in the month
EARLIER_GIFTS = [300.0, 300.0]  # 600.00 in the month before
POLL_SECONDS = 60


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def location(runner: LocalRunner, report_id: str) -> str:
    """The download redirect's target, without following it."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(runner.url(f"/api/v1/reports/{report_id}/download"), timeout=30)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302, redirect.read()
        return str(redirect.headers["Location"])
    raise AssertionError("the download did not redirect")


def curl_download(runner: LocalRunner, report_id: str, target: Path) -> dict[str, str]:
    """`curl -L` on the download path, as a person would; answers the final response's headers."""
    assert shutil.which("curl"), "curl is needed for this test"
    headers = target.with_suffix(".headers")
    subprocess.run(
        [
            "curl",
            "-sS",
            "-f",
            "-L",
            "-o",
            str(target),
            "-D",
            str(headers),
            runner.url(f"/api/v1/reports/{report_id}/download"),
        ],
        check=True,
        timeout=60,
    )
    final = headers.read_bytes().decode().split("\r\n\r\n")[-2]  # the last response's header block
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in final.split("\r\n")[1:])}


def wait_for(runner: LocalRunner, path: str, done: Any) -> Any:
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        body = runner.request("GET", path).json()
        if done(body):
            return body
        time.sleep(0.5)
    runner.fail(f"{path} did not finish within {POLL_SECONDS}s: {body}")


@pytest.fixture(scope="module")
def stored_metrics(runner: LocalRunner) -> None:
    given = [(MONTH + dt.timedelta(days=day), value) for day, value in enumerate(GIFTS)]
    given += [(PREVIOUS_MONTH + dt.timedelta(days=day), value) for day, value in enumerate(EARLIER_GIFTS)]
    metrics = [
        {
            "service_name": "partners_crm",
            "metric_type": "donation",
            "metric_name": "donation_received",
            "value": value,
            "unit": "USD",
            "dimensions": {"partner_type": "individual"},
            "timestamp": f"{day}T12:00:00Z",
            "idempotency_key": f"e2e-report:{day}",
        }
        for day, value in given
    ]
    assert (
        runner.request("POST", "/api/v1/metrics/bulk", {"metrics": metrics}, runner.token("service")).status
        == 201
    )


def donated(runner: LocalRunner, first: dt.date) -> tuple[float, int]:
    """The partners insight's donations total and count for the month beginning on `first`."""
    last = ((first + dt.timedelta(days=31)).replace(day=1)) - dt.timedelta(days=1)
    path = f"/api/v1/analytics/partners/statistics?start_date={first}&end_date={last}"
    answer = runner.request("GET", path).json()
    return answer["donations_total"], answer["donations_count"]


def generate(runner: LocalRunner, fmt: str) -> dict[str, Any]:
    body = {
        "name": f"E2E {fmt} report",
        "report_type": "monthly",
        "format": fmt,
        "parameters": {"month": f"{MONTH:%Y-%m}"},
    }
    created = runner.request("POST", "/api/v1/reports/generate", body, runner.token("analyst"))
    assert created.status == 202, created.text
    report = wait_for(
        runner, f"/api/v1/reports/{created.json()['id']}", lambda r: r["status"] in ("completed", "failed")
    )
    assert report["status"] == "completed", report
    return dict(report)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
    ],
)
def test_each_format_downloads_as_a_file_that_opens(
    runner: LocalRunner, stored_metrics: None, tmp_path: Path, fmt: str, content_type: str
) -> None:
    report = generate(runner, fmt)

    target = tmp_path / report["file_name"]
    headers = curl_download(runner, report["id"], target)

    assert headers["content-type"] == content_type
    assert report["file_name"] in headers["content-disposition"]
    data = target.read_bytes()
    assert len(data) == report["file_size"]
    (total, count), (earlier, earlier_count) = donated(runner, MONTH), donated(runner, PREVIOUS_MONTH)
    assert total >= sum(GIFTS) and earlier >= sum(EARLIER_GIFTS)
    if fmt == "pdf":
        first = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "E2E pdf report" in first and f"{MONTH:%B %Y}" in first and f"{PREVIOUS_MONTH:%B %Y}" in first
        assert f"${total:,.2f}" in first and f"${earlier:,.2f}" in first
    elif fmt == "excel":
        book = load_workbook(io.BytesIO(data))
        donations = next(
            row for row in book["Fundraising"].iter_rows(values_only=True) if row[0] == "Donations"
        )
        assert donations[1:4] == ("USD", total, earlier)
        assert book["Fundraising"]._charts
    elif fmt == "csv":
        rows = {
            row["figure"]: row for row in csv.DictReader(io.StringIO(data.decode())) if not row["breakdown"]
        }
        gifts = rows["donations_count"]
        assert (float(rows["donations_total"]["value"]), float(rows["donations_total"]["previous"])) == (
            total,
            earlier,
        )
        assert (float(gifts["value"]), float(gifts["previous"])) == (count, earlier_count)
    else:
        body = json.loads(data)
        assert body["title"] == "E2E json report" and body["period"]["first_day"] == MONTH.isoformat()


def test_a_completed_report_still_downloads_after_a_restart(
    runner: LocalRunner, stored_metrics: None, tmp_path: Path
) -> None:
    # Given a completed report
    report = generate(runner, "csv")

    # When the runner is stopped and started again on the same data folder
    assert runner.stop() == 0
    runner.start()

    # Then its file still downloads, byte for byte what was rendered
    target = tmp_path / report["file_name"]
    curl_download(runner, report["id"], target)
    assert len(target.read_bytes()) == report["file_size"]
    assert runner.request("GET", f"/api/v1/reports/{report['id']}").json()["status"] == "completed"
    # and while it started, the port answered at once that it was starting, when to come back
    starting = [reply for reply in runner.starting_replies if reply is not None and reply.status == 503]
    assert starting, runner.starting_replies
    headers = {name.lower(): value for name, value in starting[0].headers.items()}
    assert "starting" in starting[0].json()["detail"] and headers["retry-after"] == "2"


def test_the_presigned_url_stops_working_after_its_expiry(runner: LocalRunner, stored_metrics: None) -> None:
    report = generate(runner, "json")
    url = location(runner, report["id"])
    with urllib.request.urlopen(url, timeout=30) as fresh:
        assert fresh.status == 200

    expires = int(dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))["X-Amz-Expires"])
    time.sleep(expires + 1.5)

    with pytest.raises(urllib.error.HTTPError) as expired:
        urllib.request.urlopen(url, timeout=30)
    assert expired.value.code == 403 and b"expired" in expired.value.read()


def test_emailing_a_report_reaches_ses_with_the_link(runner: LocalRunner, stored_metrics: None) -> None:
    report = generate(runner, "csv")
    token = runner.token("analyst")

    sent = runner.request(
        "POST", f"/api/v1/reports/{report['id']}/email", {"recipients": ["board@example.org"]}, token
    )
    bad = runner.request(
        "POST", f"/api/v1/reports/{report['id']}/email", {"recipients": ["not an address"]}, token
    )

    assert sent.status == 200, sent.text
    assert bad.status == 422
    with urllib.request.urlopen(
        f"{runner.endpoints['aws_endpoint_url']}/moto-api/data.json", timeout=30
    ) as reply:
        raw_messages = json.loads(reply.read())["ses"]["RawMessage"]
    texts = [text_of(message["raw_data"]) for message in raw_messages]
    assert any(f"reports/{report['id']}/" in text for text in texts)


def text_of(raw: str) -> str:
    message = email.message_from_string(raw)
    return "".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )


def events_client(runner: LocalRunner) -> Any:
    return boto3.client(
        "events",
        endpoint_url=runner.endpoints["aws_endpoint_url"],
        region_name=runner.endpoints["aws_region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_a_job_is_an_eventbridge_rule_that_can_be_paused_triggered_and_deleted(runner: LocalRunner) -> None:
    token = runner.token("admin")
    events = events_client(runner)
    job = {
        "name": "E2E retention",
        "job_type": "custom",
        "schedule": "0 0 * * *",
        "config": {"task": "retention"},
    }

    created = runner.request("POST", "/api/v1/jobs", job, token)
    assert created.status == 201, created.text
    job_id = created.json()["id"]
    rule_name = f"analytics-job-{job_id}"
    assert events.describe_rule(Name=rule_name)["ScheduleExpression"] == "cron(0 0 * * ? *)"

    assert runner.request("POST", "/api/v1/jobs", {**job, "schedule": "0 0 * *"}, token).status == 400

    paused = runner.request("PUT", f"/api/v1/jobs/{job_id}", {"is_active": False}, token)
    assert paused.status == 200 and events.describe_rule(Name=rule_name)["State"] == "DISABLED"

    triggered = runner.request("POST", f"/api/v1/jobs/{job_id}/trigger", {}, token)
    assert triggered.status == 202, triggered.text
    stats = wait_for(runner, f"/api/v1/jobs/{job_id}/statistics", lambda s: s["run_count"] == 1)
    assert stats["success_count"] == 1 and stats["success_rate"] == 100.0

    assert runner.request("DELETE", f"/api/v1/jobs/{job_id}", None, token).status == 204
    with pytest.raises(ClientError, match="ResourceNotFound"):
        events.describe_rule(Name=rule_name)


def test_analytics_local_trigger_fires_a_built_in_rule_now(runner: LocalRunner) -> None:
    result = runner.cli("trigger", "retention")

    assert result.returncode == 0, result.stderr
    assert "success" in result.stdout
