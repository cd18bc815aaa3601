"""Report generation: the reports queue and its dead-letter queue, the worker that renders, and who may
read, write and delete report files."""

from __future__ import annotations

from typing import Any

from analytics_infra.constants import (
    HANDLER,
    JOBS_API_FUNCTION,
    REPORT_WORKER_MAX_CONCURRENCY,
    REPORTS_API_FUNCTION,
)
from analytics_infra.resources import REPORTS_MAX_RECEIVES
from tests.infra.conftest import Synth, actions_of, role_of

RECEIVE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}


def queue_arn(synth: Synth, which: str) -> dict[str, Any]:
    queue = getattr(synth.stack.reports, which)
    return {"Fn::GetAtt": [synth.logical_id(queue), "Arn"]}


def worker(synth: Synth) -> dict[str, Any]:
    return synth.function(synth.stack.reports.worker.function)


def api_function(synth: Synth, name: str) -> dict[str, Any]:
    return synth.function(synth.stack.api.functions[name].function)


def bucket_objects(synth: Synth) -> dict[str, Any]:
    bucket_arn = {"Fn::GetAtt": [synth.logical_id(synth.stack.storage.bucket), "Arn"]}
    return {"Fn::Join": ["", [bucket_arn, "/*"]]}


def bucket_arn(synth: Synth) -> dict[str, Any]:
    return {"Fn::GetAtt": [synth.logical_id(synth.stack.storage.bucket), "Arn"]}


def s3_actions(synth: Synth, role: str) -> set[str]:
    return {action for action in synth.role_actions(role) if action.startswith("s3:")}


def test_the_reports_queue_redrives_to_its_dead_letter_queue(default_synth: Synth) -> None:
    queues = default_synth.resources("AWS::SQS::Queue")
    queue = queues[default_synth.logical_id(default_synth.stack.reports.queue)]["Properties"]
    dlq_id = default_synth.logical_id(default_synth.stack.reports.dlq)
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": REPORTS_MAX_RECEIVES,
    }
    dlq = queues[dlq_id]["Properties"]
    assert "RedrivePolicy" not in dlq
    assert dlq["MessageRetentionPeriod"] == 14 * 24 * 3600  # time for a person to redrive
    # Both are encrypted with SQS-managed keys (their TLS-only policies: test_messaging_and_storage)
    assert queue["SqsManagedSseEnabled"] is True and dlq["SqsManagedSseEnabled"] is True


def test_the_queue_outlasts_six_worker_timeouts(default_synth: Synth) -> None:
    # Given the worker's timeout; Then a request in flight cannot reappear while a run may still work
    queue_id = default_synth.logical_id(default_synth.stack.reports.queue)
    queue = default_synth.resources("AWS::SQS::Queue")[queue_id]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * worker(default_synth)["Timeout"]


def test_the_worker_renders_with_a_full_cpu_for_minutes(default_synth: Synth) -> None:
    properties = worker(default_synth)
    assert properties["Handler"] == HANDLER
    assert properties["MemorySize"] >= 1024  # CPU-bound rendering: Lambda's CPU follows memory
    assert 60 < properties["Timeout"] <= 15 * 60
    assert properties["Architectures"] == ["arm64"]
    assert len(properties["Layers"]) == 1
    assert {"DB_HOST", "DB_SECRET_ARN", "REPORTS_BUCKET"} <= set(properties["Environment"]["Variables"])


def test_the_worker_reads_small_batches_and_reports_item_failures(default_synth: Synth) -> None:
    worker_id = default_synth.logical_id(default_synth.stack.reports.worker.function)
    (mapping,) = [
        resource["Properties"]
        for resource in default_synth.resources("AWS::Lambda::EventSourceMapping").values()
        if resource["Properties"]["FunctionName"] == {"Ref": worker_id}
    ]
    assert mapping["EventSourceArn"] == queue_arn(default_synth, "queue")
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert 1 <= mapping["BatchSize"] <= 5
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": REPORT_WORKER_MAX_CONCURRENCY}


def test_the_worker_consumes_the_queue_and_only_writes_reports(default_synth: Synth) -> None:
    role = role_of(worker(default_synth))
    assert default_synth.allowed_actions(role, queue_arn(default_synth, "queue")) >= RECEIVE_ACTIONS
    assert default_synth.allowed_actions(role, queue_arn(default_synth, "dlq")) == set()
    assert default_synth.allowed_actions(role, bucket_objects(default_synth)) == {"s3:PutObject"}
    assert s3_actions(default_synth, role) == {"s3:PutObject"}
    # It renders; sending e-mail and scheduling belong to others
    assert not {a for a in default_synth.role_actions(role) if a.startswith(("ses:", "events:", "lambda:"))}


def test_the_reports_function_requests_reports_and_nothing_else_may(default_synth: Synth) -> None:
    queue = queue_arn(default_synth, "queue")
    function = api_function(default_synth, REPORTS_API_FUNCTION)
    reports_role = role_of(function)
    assert default_synth.allowed_actions(reports_role, queue) >= {"sqs:SendMessage"}
    assert not default_synth.allowed_actions(reports_role, queue) & RECEIVE_ACTIONS
    queue_id = default_synth.logical_id(default_synth.stack.reports.queue)
    assert function["Environment"]["Variables"]["REPORTS_QUEUE_URL"] == {"Ref": queue_id}
    # No other function may send, and only the worker may receive; nothing touches the DLQ
    worker_role = role_of(worker(default_synth))
    for resource in default_synth.resources("AWS::Lambda::Function").values():
        role = role_of(resource["Properties"])
        if role not in {reports_role, worker_role}:
            assert default_synth.allowed_actions(role, queue) == set(), role
        assert default_synth.allowed_actions(role, queue_arn(default_synth, "dlq")) == set(), role


def test_the_reports_function_reads_presigns_and_deletes_reports(default_synth: Synth) -> None:
    role = role_of(api_function(default_synth, REPORTS_API_FUNCTION))
    assert default_synth.allowed_actions(role, bucket_objects(default_synth)) == {
        "s3:GetObject",
        "s3:DeleteObject",
    }
    assert default_synth.allowed_actions(role, bucket_arn(default_synth)) == {"s3:ListBucket"}


def test_the_scheduler_writes_and_reads_reports_for_report_jobs(default_synth: Synth) -> None:
    scheduler = default_synth.function(default_synth.stack.schedules.scheduler.function)
    assert scheduler["MemorySize"] >= 1024  # it renders report jobs' files itself
    role = role_of(scheduler)
    assert default_synth.allowed_actions(role, bucket_objects(default_synth)) == {
        "s3:PutObject",
        "s3:GetObject",
    }
    assert "s3:DeleteObject" not in default_synth.role_actions(role)


def test_no_other_function_touches_report_files(default_synth: Synth) -> None:
    allowed = {
        role_of(worker(default_synth)),
        role_of(api_function(default_synth, REPORTS_API_FUNCTION)),
        role_of(default_synth.function(default_synth.stack.schedules.scheduler.function)),
    }
    roles = {role_of(f["Properties"]) for f in default_synth.resources("AWS::Lambda::Function").values()}
    assert role_of(api_function(default_synth, JOBS_API_FUNCTION)) in roles - allowed
    for role in roles - allowed:
        assert s3_actions(default_synth, role) == set(), role
    # And no grant reaches beyond the reports bucket
    for role in allowed:
        for statement in default_synth.role_statements(role):
            if any(action.startswith("s3:") for action in actions_of(statement)):
                assert statement["Resource"] in (bucket_objects(default_synth), bucket_arn(default_synth)), (
                    role
                )


def test_the_stack_outputs_the_reports_queue_url(default_synth: Synth) -> None:
    queue_id = default_synth.logical_id(default_synth.stack.reports.queue)
    default_synth.template.has_output("ReportsQueueUrl", {"Value": {"Ref": queue_id}})
