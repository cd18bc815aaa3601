"""Scheduled jobs in-process: the API keeps EventBridge rules in step; the scheduler runs and records runs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from analytics.cron import CronSchedule
from analytics.enums import SiblingService
from analytics_infra.local.siblings import FakeSibling
from functions.jobs import handler as jobs_handler
from functions.jobs.handler import lambda_handler as jobs_api
from functions.reports.handler import lambda_handler as reports_api
from functions.scheduler.handler import lambda_handler as scheduler
from tests.integration.aws import SCHEDULER_ARN, Aws
from tests.integration.conftest import Invoke, LambdaContext, load_event
from tests.integration.siblings import siblings_fixture  # noqa: F401 (the fixture `siblings`)

RULE_PREFIX = "analytics-job-"


class InlineLauncher:
    """Lambda's asynchronous invoke of the scheduler, done at once in this process (moto runs no Lambda
    code without Docker; the end-to-end test goes through the local runner's Lambda endpoint)."""

    def launch(self, job_id: uuid.UUID, run_id: uuid.UUID) -> None:
        scheduler({"job_id": str(job_id), "run_id": str(run_id)}, LambdaContext())


@pytest.fixture
def inline_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs_handler, "job_launcher", InlineLauncher)


def create(invoke: Invoke, **fields: Any) -> Any:
    body = {
        "name": "Nightly retention",
        "job_type": "custom",
        "schedule": "0 0 * * *",
        "config": {"task": "retention"},
    }
    return invoke(jobs_api, load_event("jobs_create", body={**body, **fields}))


def job_path(job_id: str, suffix: str = "") -> str:
    return f"/api/v1/jobs/{job_id}{suffix}"


def test_creating_a_job_creates_its_eventbridge_rule(invoke: Invoke, aws: Aws) -> None:
    before = dt.datetime.now(dt.UTC)

    result = create(invoke)

    assert result.status == 201, result.body
    job = result.body
    assert job["rule_schedule"] == "cron(0 0 * * ? *)"
    assert dt.datetime.fromisoformat(job["next_run_at"]) == CronSchedule.parse("0 0 * * *").next_run(before)
    rule = aws.rule(RULE_PREFIX + job["id"])
    assert rule["ScheduleExpression"] == "cron(0 0 * * ? *)" and rule["State"] == "ENABLED"
    (target,) = rule["Targets"]
    assert target["Arn"] == SCHEDULER_ARN and target["Input"] == f'{{"job_id": "{job["id"]}"}}'


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ("0 0 * *", "expected 5"),
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("0 9 1 * MON", "day"),
    ],
)
def test_a_bad_cron_is_a_400_naming_the_problem(
    invoke: Invoke, aws: Aws, schedule: str, problem: str
) -> None:
    result = create(invoke, schedule=schedule)

    assert result.status == 400
    assert problem in result.body["detail"]
    assert invoke(jobs_api, load_event("jobs_list")).body["total"] == 0


def test_pausing_disables_the_rule_and_changing_the_schedule_moves_it(invoke: Invoke, aws: Aws) -> None:
    job_id = create(invoke).body["id"]

    paused = invoke(jobs_api, load_event("jobs_update", path=job_path(job_id), body={"is_active": False}))
    assert paused.status == 200 and paused.body["next_run_at"] is None
    assert aws.rule(RULE_PREFIX + job_id)["State"] == "DISABLED"

    moved = invoke(
        jobs_api,
        load_event("jobs_update", path=job_path(job_id), body={"schedule": "30 6 * * 1", "is_active": True}),
    )
    assert moved.status == 200, moved.body
    rule = aws.rule(RULE_PREFIX + job_id)
    assert rule["State"] == "ENABLED" and rule["ScheduleExpression"] == "cron(30 6 ? * MON *)"
    assert moved.body["rule_schedule"] == "cron(30 6 ? * MON *)"


def test_deleting_a_job_deletes_its_rule(invoke: Invoke, aws: Aws) -> None:
    job_id = create(invoke).body["id"]

    assert invoke(jobs_api, load_event("jobs_delete", path=job_path(job_id))).status == 204

    with pytest.raises(ClientError, match="ResourceNotFound"):
        aws.rule(RULE_PREFIX + job_id)
    assert invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id))).status == 404


def test_triggering_runs_the_job_and_updates_its_statistics(
    invoke: Invoke, aws: Aws, inline_launcher: None
) -> None:
    job_id = create(invoke).body["id"]

    run = invoke(jobs_api, load_event("jobs_trigger", path=job_path(job_id, "/trigger"), body={}))

    assert run.status == 202 and run.body["trigger"] == "manual"
    stats = invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id, "/statistics"))).body
    assert stats["run_count"] == 1 and stats["success_count"] == 1 and stats["success_rate"] == 100.0
    (recent,) = stats["recent_runs"]
    assert recent["status"] == "success" and recent["result"]["cutoff"]
    assert recent["duration_seconds"] >= 0 and stats["last_status"] == "success"


def test_a_trigger_may_override_the_config_for_one_run(
    invoke: Invoke, aws: Aws, inline_launcher: None
) -> None:
    job_id = create(invoke).body["id"]

    invoke(
        jobs_api,
        load_event("jobs_trigger", path=job_path(job_id, "/trigger"), body={"config": {"task": "nope"}}),
    )

    stats = invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id, "/statistics"))).body
    assert stats["failure_count"] == 1 and stats["success_rate"] == 0.0
    assert "unknown task 'nope'" in stats["recent_runs"][0]["error"]
    assert invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id))).body["config"] == {
        "task": "retention"
    }


def test_a_data_sync_job_syncs_every_sibling_service(
    invoke: Invoke, aws: Aws, inline_launcher: None, siblings: dict[SiblingService, FakeSibling]
) -> None:
    job_id = create(invoke, job_type="data_sync", config={"services": ["all"]}).body["id"]

    invoke(jobs_api, load_event("jobs_trigger", path=job_path(job_id, "/trigger"), body={}))

    runs = invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id, "/runs"))).body
    (run,) = runs["items"]
    assert run["status"] == "success", run
    synced = {sync["service_name"]: sync["status"] for sync in run["result"]["syncs"]}
    assert synced == {service.value: "completed" for service in SiblingService}
    assert all(len(sibling.requests) == 1 for sibling in siblings.values())


def test_a_data_sync_job_syncs_the_services_its_config_names(
    invoke: Invoke, aws: Aws, inline_launcher: None, siblings: dict[SiblingService, FakeSibling]
) -> None:
    config = {"services": ["projects", "notification"], "sync_type": "full"}
    job_id = create(invoke, job_type="data_sync", config=config).body["id"]

    invoke(jobs_api, load_event("jobs_trigger", path=job_path(job_id, "/trigger"), body={}))

    (run,) = invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id, "/runs"))).body["items"]
    assert run["status"] == "success", run
    synced = {(sync["service_name"], sync["sync_type"]) for sync in run["result"]["syncs"]}
    assert synced == {("projects", "full"), ("notification", "full")}
    assert not siblings[SiblingService.PARTNERS_CRM].requests


def test_a_data_sync_job_naming_an_unknown_service_is_refused(invoke: Invoke, aws: Aws) -> None:
    refused = create(invoke, job_type="data_sync", config={"services": ["crm"]})

    assert refused.status == 422
    assert "services" in str(refused.body["detail"])


def test_a_goal_update_job_runs_the_goals_and_records_what_it_did(
    invoke: Invoke, aws: Aws, inline_launcher: None
) -> None:
    job_id = create(invoke, job_type="goal_update").body["id"]

    invoke(jobs_api, load_event("jobs_trigger", path=job_path(job_id, "/trigger"), body={}))

    runs = invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id, "/runs"))).body
    (run,) = runs["items"]
    assert run["status"] == "success", run
    assert run["result"] == {"goals": 0, "achieved": 0, "failed": 0, "alerts": 0}


def test_a_rule_firing_runs_an_active_job_and_skips_a_paused_one(invoke: Invoke, aws: Aws) -> None:
    job_id = create(invoke).body["id"]

    fired = scheduler({"job_id": job_id}, LambdaContext())
    assert fired["run"]["status"] == "success" and fired["run"]["trigger"] == "schedule"

    invoke(jobs_api, load_event("jobs_update", path=job_path(job_id), body={"is_active": False}))
    assert scheduler({"job_id": job_id}, LambdaContext())["run"] is None
    assert (
        invoke(jobs_api, load_event("jobs_statistics", path=job_path(job_id, "/statistics"))).body[
            "run_count"
        ]
        == 1
    )


def test_jobs_are_managed_by_admins(invoke: Invoke, aws: Aws) -> None:
    body = {"name": "x", "job_type": "custom", "schedule": "0 0 * * *"}
    assert invoke(jobs_api, load_event("jobs_create", body=body, role="analyst")).status == 403
    assert invoke(jobs_api, load_event("jobs_create", body=body, role=None)).status == 401


def test_a_scheduled_report_is_rendered_and_emailed_when_its_rule_fires(invoke: Invoke, aws: Aws) -> None:
    schedule = {
        "name": "Board report",
        "report_type": "monthly",
        "format": "csv",
        "parameters": {"month": "2025-12"},
        "schedule": "0 6 1 * *",
        "email_recipients": ["board@example.org"],
    }
    job = invoke(reports_api, load_event("reports_schedule", body=schedule))
    assert job.status == 201, job.body
    assert job.body["job_type"] == "report_generation"
    assert aws.rule(RULE_PREFIX + job.body["id"])["ScheduleExpression"] == "cron(0 6 1 * ? *)"

    fired = scheduler({"job_id": job.body["id"]}, LambdaContext())

    assert fired["run"]["status"] == "success", fired
    reports = invoke(reports_api, load_event("reports_list", query={"scheduled": "true"})).body["items"]
    (report,) = reports
    assert report["status"] == "completed" and report["schedule_config"]["job_id"] == job.body["id"]
    assert report["created_by"] == "analyst-1" and report["email_recipients"] == ["board@example.org"]
    (sent,) = aws.sent_emails()
    assert "board-report.csv" in sent.raw_data


def as_user(event: dict[str, Any], sub: str, role: str) -> dict[str, Any]:
    event["requestContext"]["authorizer"]["jwt"]["claims"] = {"sub": sub, "roles": f"[{role}]"}
    return event


def scheduled_report(invoke: Invoke) -> str:
    """The job of a report scheduled by analyst-1 (the samples' analyst)."""
    schedule = {
        "name": "Board report",
        "report_type": "daily",
        "schedule": "0 6 * * *",
        "email_recipients": ["board@example.org"],
    }
    job = invoke(reports_api, load_event("reports_schedule", body=schedule))
    assert job.status == 201, job.body
    return str(job.body["id"])


SCHEDULE_CHANGERS = [
    ("analyst-1", "analyst", True),
    ("analyst-2", "analyst", False),
    ("admin-1", "admin", True),
]


@pytest.mark.parametrize(("sub", "role", "allowed"), SCHEDULE_CHANGERS)
def test_a_report_schedule_is_paused_by_whoever_scheduled_it_or_an_admin(
    invoke: Invoke, aws: Aws, sub: str, role: str, allowed: bool
) -> None:
    job_id = scheduled_report(invoke)

    result = invoke(
        jobs_api,
        as_user(load_event("jobs_update", path=job_path(job_id), body={"is_active": False}), sub, role),
    )

    rule = aws.rule(RULE_PREFIX + job_id)
    if allowed:
        assert result.status == 200, result.body
        assert result.body["is_active"] is False and rule["State"] == "DISABLED"
        assert result.body["config"]["created_by"] == "analyst-1"
    else:
        assert result.status == 403
        assert "whoever scheduled this report" in result.body["detail"]
        assert rule["State"] == "ENABLED"


@pytest.mark.parametrize(("sub", "role", "allowed"), SCHEDULE_CHANGERS)
def test_a_report_schedule_is_deleted_by_whoever_scheduled_it_or_an_admin(
    invoke: Invoke, aws: Aws, sub: str, role: str, allowed: bool
) -> None:
    job_id = scheduled_report(invoke)

    result = invoke(jobs_api, as_user(load_event("jobs_delete", path=job_path(job_id)), sub, role))

    got = invoke(jobs_api, load_event("jobs_list", path=job_path(job_id)))
    if allowed:
        assert result.status == 204
        assert got.status == 404
        with pytest.raises(ClientError, match="ResourceNotFound"):
            aws.rule(RULE_PREFIX + job_id)
    else:
        assert result.status == 403
        assert got.status == 200 and aws.rule(RULE_PREFIX + job_id)["State"] == "ENABLED"


def test_the_one_who_scheduled_a_report_keeps_it_when_its_config_is_replaced(
    invoke: Invoke, aws: Aws
) -> None:
    job_id = scheduled_report(invoke)
    config = {
        "report": {"name": "Board report", "report_type": "weekly"},
        "email_recipients": ["cfo@example.org"],
    }

    kept = invoke(
        jobs_api,
        as_user(
            load_event("jobs_update", path=job_path(job_id), body={"config": config}), "analyst-1", "analyst"
        ),
    )
    handed_over = invoke(
        jobs_api,
        as_user(
            load_event(
                "jobs_update", path=job_path(job_id), body={"config": {**config, "created_by": "analyst-2"}}
            ),
            "analyst-1",
            "analyst",
        ),
    )

    assert kept.status == 200, kept.body
    assert kept.body["config"]["created_by"] == "analyst-1"
    assert kept.body["config"]["email_recipients"] == ["cfo@example.org"]
    assert handed_over.status == 400 and "created_by" in handed_over.body["detail"]


def test_an_analyst_changes_no_other_job(invoke: Invoke, aws: Aws) -> None:
    job_id = create(invoke).body["id"]

    result = invoke(
        jobs_api,
        as_user(
            load_event("jobs_update", path=job_path(job_id), body={"is_active": False}),
            "analyst-1",
            "analyst",
        ),
    )

    assert result.status == 403


def test_a_scheduled_report_with_a_bad_recipient_is_a_422(invoke: Invoke, aws: Aws) -> None:
    schedule = {"name": "R", "report_type": "daily", "schedule": "0 6 * * *", "email_recipients": ["nobody"]}

    assert invoke(reports_api, load_event("reports_schedule", body=schedule)).status == 422


def test_restoring_rules_writes_every_jobs_rule_again(invoke: Invoke, aws: Aws) -> None:
    from analytics.services.jobs import restore_rules
    from analytics.wiring import job_rules, unit_of_work

    active = create(invoke).body["id"]
    paused = create(invoke, is_active=False).body["id"]
    events = boto3.client("events", region_name="us-east-1")
    for job_id in (active, paused):
        events.remove_targets(Rule=RULE_PREFIX + job_id, Ids=["scheduler"])
        events.delete_rule(Name=RULE_PREFIX + job_id)

    assert restore_rules(unit_of_work(), job_rules()) == 2

    assert aws.rule(RULE_PREFIX + active)["State"] == "ENABLED"
    assert aws.rule(RULE_PREFIX + paused)["State"] == "DISABLED"
    assert aws.rule(RULE_PREFIX + active)["Targets"][0]["Arn"] == SCHEDULER_ARN
