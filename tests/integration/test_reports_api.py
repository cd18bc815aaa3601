"""Reports end to end in-process: API → reports queue → worker → S3 → presigned download, e-mail by SES."""

from __future__ import annotations

import csv
import email
import io
import json
import urllib.parse
from typing import Any

import boto3
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from functions.metrics.handler import lambda_handler as metrics_api
from functions.report_worker.handler import lambda_handler as report_worker
from functions.reports.handler import lambda_handler as reports_api
from tests.integration.aws import BUCKET, REGION, Aws
from tests.integration.conftest import Invoke, LambdaContext, load_event

MONTH = {"month": "2025-12"}


def store_metrics(invoke: Invoke) -> None:
    """December: 750.00 donated in three gifts and 120 people reached; November: 200.00 donated."""
    metrics = [
        {
            "service_name": service,
            "metric_type": metric_type,
            "metric_name": name,
            "value": value,
            "unit": unit,
            "timestamp": f"2025-{month}-{day:02d}T12:00:00Z",
        }
        for service, metric_type, name, value, unit, month, days in (
            ("partners_crm", "donation", "donation_received", 250.0, "USD", "12", (3, 10, 17)),
            ("projects", "beneficiary", "beneficiaries_reached", 40.0, "people", "12", (3, 10, 17)),
            ("partners_crm", "donation", "donation_received", 100.0, "USD", "11", (5, 20)),
        )
        for day in days
    ]
    assert invoke(metrics_api, load_event("metrics_bulk", body={"metrics": metrics})).status == 201


def generate(invoke: Invoke, fmt: str = "pdf", parameters: dict[str, Any] | None = None) -> dict[str, Any]:
    body = {
        "name": "December Report",
        "report_type": "monthly",
        "format": fmt,
        "parameters": parameters or MONTH,
    }
    result = invoke(reports_api, load_event("reports_generate", body=body))
    assert result.status == 202, result.body
    return dict(result.body)


def run_worker(aws: Aws) -> list[str]:
    """Hands the queued report messages to the worker, as the SQS event source would."""
    records = [
        {**json.loads(load_worker_record()), "messageId": f"m{index}", "body": body}
        for index, body in enumerate(aws.queued_bodies())
    ]
    result = report_worker({"Records": records}, LambdaContext())
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def load_worker_record() -> str:
    from tests.integration.conftest import EVENTS_DIR

    return json.dumps(json.loads((EVENTS_DIR / "report_worker_batch.json").read_text())["Records"][0])


def get(invoke: Invoke, report_id: str, suffix: str = "") -> Any:
    return invoke(reports_api, load_event("reports_get", path=f"/api/v1/reports/{report_id}{suffix}"))


def downloaded(invoke: Invoke, report_id: str) -> tuple[bytes, dict[str, str]]:
    """Follows the download redirect to the object the presigned URL names (moto serves no HTTP here)."""
    result = get(invoke, report_id, "/download")
    assert result.status == 302, result.body
    url = urllib.parse.urlsplit(result.headers["Location"])
    query = dict(urllib.parse.parse_qsl(url.query))
    assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == "900"
    bucket, _, key = url.path.lstrip("/").partition("/")
    if url.hostname and url.hostname.startswith(f"{BUCKET}."):  # virtual-hosted style
        bucket, key = BUCKET, url.path.lstrip("/")
    body = boto3.client("s3", region_name=REGION).get_object(Bucket=bucket, Key=urllib.parse.unquote(key))
    return body["Body"].read(), query


def test_a_generated_pdf_report_is_rendered_by_the_worker_and_downloaded(invoke: Invoke, aws: Aws) -> None:
    store_metrics(invoke)
    pending = generate(invoke, "pdf")
    assert pending["status"] == "pending" and pending["created_by"] == "analyst-1"

    assert run_worker(aws) == []

    report = get(invoke, pending["id"]).body
    assert report["status"] == "completed", report
    assert report["download_url"] == f"/api/v1/reports/{pending['id']}/download"
    body, query = downloaded(invoke, pending["id"])
    assert len(body) == report["file_size"]
    assert query["response-content-type"] == "application/pdf"
    assert query["response-content-disposition"] == 'attachment; filename="december-report.pdf"'
    first, *sections = [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]
    assert "December Report" in first and "December 2025" in first and "November 2025" in first
    assert "$750.00" in first and "$200.00" in first and "+275.0 %" in first and "120 people" in first
    assert len(sections) == 2 and "Fundraising" in sections[0] and "Projects and beneficiaries" in sections[1]


@pytest.mark.parametrize("fmt", ["excel", "csv", "json"])
def test_other_formats_are_real_files(invoke: Invoke, aws: Aws, fmt: str) -> None:
    store_metrics(invoke)
    report_id = generate(invoke, fmt)["id"]
    assert run_worker(aws) == []

    body, _ = downloaded(invoke, report_id)

    if fmt == "excel":
        workbook = load_workbook(io.BytesIO(body))
        assert workbook.sheetnames == ["Summary", "Fundraising", "Projects and beneficiaries"]
        donations = next(
            row for row in workbook["Fundraising"].iter_rows(values_only=True) if row[0] == "Donations"
        )
        assert donations[1:4] == ("USD", 750.0, 200.0)
        assert all(sheet._charts for sheet in workbook.worksheets[1:])
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
        [total] = [row for row in rows if row["figure"] == "donations_total" and not row["breakdown"]]
        assert (total["unit"], float(total["value"]), float(total["previous"])) == ("USD", 750.0, 200.0)
    else:
        content = json.loads(body)
        assert content["title"] == "December Report" and content["period"]["start"].startswith("2025-12-01")
        assert [section["key"] for section in content["sections"]] == ["fundraising", "projects"]


def test_download_before_completion_is_a_conflict(invoke: Invoke, aws: Aws) -> None:
    report_id = generate(invoke)["id"]

    result = get(invoke, report_id, "/download")

    assert result.status == 409 and "pending" in result.body["detail"]
    assert get(invoke, "6f1c2b9e-8f4a-4e7c-9a57-0d2f4b8c1a11", "/download").status == 404


def test_a_completed_report_whose_file_left_the_bucket_is_gone_not_unavailable(
    invoke: Invoke, aws: Aws
) -> None:
    # Given a completed report whose file is no longer in the bucket (expired, or a lost local bucket)
    report_id = generate(invoke, "csv")["id"]
    run_worker(aws)
    s3 = boto3.client("s3", region_name=REGION)
    (stored,) = s3.list_objects_v2(Bucket=BUCKET)["Contents"]
    s3.delete_object(Bucket=BUCKET, Key=stored["Key"])

    # When it is downloaded or e-mailed
    download = get(invoke, report_id, "/download")
    emailed = invoke(
        reports_api,
        load_event(
            "reports_email", path=f"/api/v1/reports/{report_id}/email", body={"recipients": ["a@example.org"]}
        ),
    )

    # Then both answer 410 with a detail that says what happened and what to do, and nothing is sent
    for result in (download, emailed):
        assert result.status == 410, result.body
        assert "no longer in the reports bucket" in result.body["detail"]
        assert "POST /api/v1/reports/generate" in result.body["detail"]
    assert aws.sent_emails() == []
    assert get(invoke, report_id).body["status"] == "completed"


def test_bad_parameters_are_refused_before_anything_is_queued(invoke: Invoke, aws: Aws) -> None:
    body = {"name": "R", "report_type": "custom", "format": "csv", "parameters": {"mnth": "2025-12"}}

    result = invoke(reports_api, load_event("reports_generate", body=body))

    assert result.status == 422
    assert aws.queued_bodies() == []


def test_writes_need_an_analyst_or_admin_token(invoke: Invoke, aws: Aws) -> None:
    body = {"name": "R", "report_type": "daily"}
    assert invoke(reports_api, load_event("reports_generate", body=body, role=None)).status == 401
    assert invoke(reports_api, load_event("reports_generate", body=body, role="viewer")).status == 403


def test_emailing_a_report_sends_the_link_and_the_file(invoke: Invoke, aws: Aws) -> None:
    store_metrics(invoke)
    report_id = generate(invoke, "csv")["id"]
    run_worker(aws)
    request = {"recipients": ["board@example.org"], "subject": "December", "message": "Figures inside."}

    result = invoke(
        reports_api, load_event("reports_email", path=f"/api/v1/reports/{report_id}/email", body=request)
    )

    assert result.status == 200, result.body
    assert result.body["attached"] is True and result.body["recipients"] == ["board@example.org"]
    (sent,) = aws.sent_emails()
    message = email.message_from_string(sent.raw_data)
    assert message["Subject"] == "December" and message["To"] == "board@example.org"
    text, attachment = [part for part in message.walk() if not part.is_multipart()]
    assert "Figures inside." in text.get_payload(decode=True).decode()
    assert f"reports/{report_id}/december-report.csv" in text.get_payload(decode=True).decode()
    assert attachment.get_filename() == "december-report.csv"
    assert get(invoke, report_id).body["email_recipients"] == ["board@example.org"]


def test_a_bad_address_is_a_422_and_sends_nothing(invoke: Invoke, aws: Aws) -> None:
    store_metrics(invoke)
    report_id = generate(invoke, "json")["id"]
    run_worker(aws)

    result = invoke(
        reports_api,
        load_event(
            "reports_email",
            path=f"/api/v1/reports/{report_id}/email",
            body={"recipients": ["not-an-address"]},
        ),
    )

    assert result.status == 422
    assert aws.sent_emails() == []


def test_delete_removes_the_record_and_the_file(invoke: Invoke, aws: Aws) -> None:
    report_id = generate(invoke, "json")["id"]
    run_worker(aws)
    s3 = boto3.client("s3", region_name=REGION)
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1

    result = invoke(reports_api, load_event("reports_delete", path=f"/api/v1/reports/{report_id}"))

    assert result.status == 204
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    assert get(invoke, report_id).status == 404


# Who calls: the report's creator (the samples' analyst-1), another analyst, an admin.
CALLERS = {"the creator": {}, "another analyst": {"role": "analyst"}, "an admin": {"role": "admin"}}


@pytest.mark.parametrize(
    ("caller", "allowed"), [("the creator", True), ("another analyst", False), ("an admin", True)]
)
def test_only_the_creator_or_an_admin_emails_a_report(
    invoke: Invoke, aws: Aws, caller: str, allowed: bool
) -> None:
    report_id = generate(invoke, "csv")["id"]
    run_worker(aws)
    request = {"recipients": ["outside@example.com"]}

    result = invoke(
        reports_api,
        load_event(
            "reports_email", path=f"/api/v1/reports/{report_id}/email", body=request, **CALLERS[caller]
        ),
    )

    if allowed:
        assert result.status == 200, result.body
        assert len(aws.sent_emails()) == 1
    else:
        assert result.status == 403
        assert result.body == {"detail": "only the report's creator or an admin may e-mail or delete it"}
        assert aws.sent_emails() == []
        assert get(invoke, report_id).body["email_recipients"] == []


@pytest.mark.parametrize(
    ("caller", "allowed"), [("the creator", True), ("another analyst", False), ("an admin", True)]
)
def test_only_the_creator_or_an_admin_deletes_a_report(
    invoke: Invoke, aws: Aws, caller: str, allowed: bool
) -> None:
    report_id = generate(invoke, "json")["id"]
    run_worker(aws)
    s3 = boto3.client("s3", region_name=REGION)

    result = invoke(
        reports_api, load_event("reports_delete", path=f"/api/v1/reports/{report_id}", **CALLERS[caller])
    )

    if allowed:
        assert result.status == 204
        assert get(invoke, report_id).status == 404
        assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 0
    else:
        assert result.status == 403
        assert "creator or an admin" in result.body["detail"]
        assert get(invoke, report_id).body["status"] == "completed"
        assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1


def test_list_filters_and_pages(invoke: Invoke, aws: Aws) -> None:
    first = generate(invoke, "json")["id"]
    run_worker(aws)
    generate(invoke, "csv")

    completed = invoke(reports_api, load_event("reports_list", query={"status": "completed"})).body
    everything = invoke(reports_api, load_event("reports_list", query={"limit": "1"})).body

    assert [item["id"] for item in completed["items"]] == [first]
    assert everything["total"] == 2 and len(everything["items"]) == 1


def test_a_worker_that_cannot_reach_s3_asks_sqs_to_retry(invoke: Invoke, aws: Aws) -> None:
    report_id = generate(invoke, "json")["id"]
    boto3.client("s3", region_name=REGION).delete_bucket(Bucket=BUCKET)

    assert run_worker(aws) == ["m0"]
    assert get(invoke, report_id).body["status"] == "generating"
