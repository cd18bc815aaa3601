"""`analytics-local up`: the whole API on 127.0.0.1 until Ctrl+C or SIGTERM."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import FrameType
from typing import Any

from analytics.services.jobs import restore_rules
from analytics.settings import get_settings
from analytics.wiring import job_rules, unit_of_work
from analytics_infra.local.api import LocalApi, UntilReady
from analytics_infra.local.authorizer import JwtAuthorizer
from analytics_infra.local.aws import REGION
from analytics_infra.local.demo import load_demo
from analytics_infra.local.demo_dashboards import load_demo_dashboards
from analytics_infra.local.demo_goals import load_demo_goals
from analytics_infra.local.endpoints import ENDPOINTS_FILE, write_endpoints
from analytics_infra.local.environment import LocalEnvironment, local_environment
from analytics_infra.local.event_sources import INGEST_FUNCTION, REPORT_WORKER_FUNCTION, draining_queues
from analytics_infra.local.eventbridge_clock import running_clock
from analytics_infra.local.functions import Functions
from analytics_infra.local.server import HOST, bind
from analytics_infra.local.siblings import serving_demo_siblings
from analytics_infra.local.tokens import load_secret


def run_up(data_dir: Path, *, port: int, aws_port: int, demo: bool, progress: Callable[[str], None]) -> None:
    began = time.monotonic()
    data_dir = data_dir.resolve()
    settings = get_settings()
    functions = Functions()
    authorizer = JwtAuthorizer(
        load_secret(data_dir), settings.JWT_ISSUER, settings.JWT_AUDIENCE, settings.JWT_ROLES_CLAIM
    )
    api = UntilReady(LocalApi(functions, authorizer, require_auth_for_reads=settings.REQUIRE_AUTH_FOR_READS))
    server = bind(port, api)
    # Installed explicitly: a shell starts background jobs with SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    with ExitStack() as stack:
        stack.callback(progress, "stopped")
        # Served from the start: a request that comes early gets a 503 saying so, not a silent wait.
        server.start()
        stack.callback(server.stop)  # if start-up fails
        progress(
            f"starting the Analytics Service locally (data in {data_dir}); "
            f"http://{HOST}:{server.port} answers 503 until it is ready"
        )
        # Fake sibling services with demo records, so POST /api/v1/sync has something to pull from.
        stack.enter_context(serving_demo_siblings(progress))
        environment = stack.enter_context(
            local_environment(data_dir, progress, functions=functions, aws_port=aws_port)
        )
        restored = restore_rules(unit_of_work(), job_rules())
        progress(f"eventbridge: {restored} scheduled job rule(s) restored from the database")
        if demo:
            load_demo(functions, get_settings(), progress)
            load_demo_dashboards(functions, get_settings(), progress)
            load_demo_goals(functions, get_settings(), progress)
        # Stop before the database and moto do, once the batch or scheduled run in hand is done.
        stack.enter_context(draining_queues(functions, environment.aws, progress))
        stack.enter_context(running_clock(functions, environment.aws, progress))
        api.ready()
        endpoints = _endpoints(server.port, environment)
        endpoints_file = data_dir / ENDPOINTS_FILE
        write_endpoints(endpoints_file, endpoints)
        stack.callback(endpoints_file.unlink, missing_ok=True)
        progress(_summary(endpoints, endpoints_file, data_dir, time.monotonic() - began))
        try:
            while True:
                signal.pause()
        except KeyboardInterrupt:
            # Stop once, completely: further signals must not cut the shutdown short.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            progress("stopping")
        # Answers in flight finish before their database and AWS go away.
        server.stop()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _endpoints(port: int, environment: LocalEnvironment) -> dict[str, Any]:
    api_url = f"http://{HOST}:{port}"
    aws = environment.aws
    return {
        "pid": os.getpid(),
        "port": port,
        "api_url": api_url,
        "console_url": f"{api_url}/console/",
        "docs_url": f"{api_url}/api/v1/docs",
        "openapi_url": f"{api_url}/api/v1/openapi.json",
        "aws_endpoint_url": aws.endpoint_url,
        "aws_region": REGION,
        "lambda_endpoint_url": aws.lambda_endpoint_url,
        "ingest_queue_url": aws.ingest_queue_url,
        "dlq_url": aws.dlq_url,
        "reports_queue_url": aws.reports_queue_url,
        "reports_dlq_url": aws.reports_dlq_url,
        "bucket": aws.bucket,
        "event_bus": aws.event_bus,
        "email_sender": aws.email_sender,
        "scheduler_function_arn": aws.scheduler_function_arn,
        "schedule_rules": list(aws.schedule_rules),
        "database_url": environment.database.url,
        "schema_version": environment.database.schema_version,
    }


def _summary(endpoints: dict[str, Any], endpoints_file: Path, data_dir: Path, seconds: float) -> str:
    rows = [
        ("Console", f"{endpoints['console_url']} (open this in a browser)"),
        ("API", f"{endpoints['api_url']}/api/v1"),
        ("Docs", endpoints["docs_url"]),
        ("OpenAPI", endpoints["openapi_url"]),
        ("AWS endpoint", f"{endpoints['aws_endpoint_url']} (region {REGION}, key testing/testing)"),
        ("Ingest queue", f"{endpoints['ingest_queue_url']} (drained into the {INGEST_FUNCTION} function)"),
        ("Ingest DLQ", endpoints["dlq_url"]),
        (
            "Reports queue",
            f"{endpoints['reports_queue_url']} (drained into the {REPORT_WORKER_FUNCTION} function)",
        ),
        ("Reports DLQ", endpoints["reports_dlq_url"]),
        ("Bucket", f"{endpoints['bucket']} (presigned URLs expire as on S3)"),
        ("E-mail from", f"{endpoints['email_sender']} (verified in SES)"),
        ("Event bus", endpoints["event_bus"]),
        (
            "Schedules",
            f"{len(endpoints['schedule_rules'])} built-in rules and the jobs' rules on the default bus, "
            "fired each UTC minute",
        ),
        ("Lambda", f"{endpoints['lambda_endpoint_url']} (Invoke API of the local functions)"),
        ("Database", endpoints["database_url"]),
        ("Endpoints", str(endpoints_file)),
    ]
    lines = [f"Analytics Service ready in {seconds:.1f}s:"]
    lines += [f"  {label:<14} {value}" for label, value in rows]
    lines.append(f"A token: analytics-local token --role admin --data-dir {data_dir}")
    lines.append(f"Run a schedule now: analytics-local trigger retention --data-dir {data_dir}")
    lines.append("Ctrl+C stops everything (the data stays).")
    return "\n".join(lines)
