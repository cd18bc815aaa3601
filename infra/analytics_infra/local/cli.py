"""The `analytics-local` command: run the Analytics Service on one machine with no cloud account."""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

from analytics.enums import Role
from analytics.settings import SettingsError, get_settings
from analytics_infra.local.demo import load_demo
from analytics_infra.local.demo_dashboards import load_demo_dashboards
from analytics_infra.local.demo_goals import load_demo_goals
from analytics_infra.local.environment import local_environment
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import Functions, UnknownFunction
from analytics_infra.local.invoke import run_invoke
from analytics_infra.local.redrive import QUEUE_NAMES, run_redrive
from analytics_infra.local.tokens import build_claims, load_secret, sign
from analytics_infra.local.trigger import run_trigger
from analytics_infra.local.up import run_up
from analytics_infra.timetable import scheduled_tasks

DESCRIPTION = """\
Runs the Analytics Service on this machine: the real Lambda handlers behind a local API Gateway
(HTTP API, payload 2.0, with its JWT authorizer), PostgreSQL (embedded unless DATABASE_URL is set)
and AWS played by moto on 127.0.0.1 (ingest and reports queues with their DLQs, reports bucket, SES,
event bus), with the SQS event sources, EventBridge's schedules and Lambda's Invoke API played around
the functions."""

EPILOG = """\
examples:
  analytics-local up                      # API on http://127.0.0.1:8009, docs at /api/v1/docs
  analytics-local up --demo --port 8010   # the same, with 18 months of demo data
  analytics-local token --role admin      # a bearer token the local API accepts
  analytics-local invoke metrics --event events/metrics_create.json
  analytics-local demo                    # load the demo data without serving
  analytics-local trigger retention       # run a built-in schedule now, in the running `up`
  analytics-local trigger analytics-job-<job id>   # run a scheduled job now (its id alone will do)
  analytics-local redrive ingest          # move the ingest dead-letter queue's messages back to the queue

Everything lives in the data folder (--data-dir, default .local): the database (pgdata/), the
reports bucket's files (s3/), the token signing secret (jwt-secret) and, while `up` runs,
endpoints.json with every URL.
Settings come from the environment like on AWS (see analytics.settings): DATABASE_URL,
REQUIRE_AUTH_FOR_READS, JWT_ISSUER, JWT_AUDIENCE, JWT_ROLES_CLAIM, ..."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # progress shows at once, also through a pipe
    try:
        args.command(args)
    except (LocalRunnerError, UnknownFunction, SettingsError) as exc:
        print(f"analytics-local: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analytics-local",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    up = commands.add_parser(
        "up",
        help="serve the whole API on 127.0.0.1 until Ctrl+C",
        description="Starts PostgreSQL (unless DATABASE_URL is set) and runs migrations, starts moto with "
        "the stack's queues, DLQs, bucket, SES sender, bus and schedule rules, then serves every route of "
        "the API, drains the ingest queue into the ingest function and the reports queue into the report "
        "worker in batches, as Lambda's SQS event sources do, fires the enabled schedule rules of the "
        "default bus at each UTC minute, as EventBridge does, and answers Lambda's Invoke API for the "
        "functions. Ctrl+C or SIGTERM stops it all; the data stays in the data folder.",
    )
    up.add_argument("--port", type=_port, default=8009, help="API port (default 8009, 0 for any free one)")
    up.add_argument("--aws-port", type=_port, default=0, help="moto's port (default: any free one)")
    up.add_argument("--demo", action="store_true", help="load the demo data before serving")
    _data_dir(up)
    up.set_defaults(command=_up)

    token = commands.add_parser(
        "token",
        help="print a bearer token the local API accepts",
        description="Prints a JWT signed with the data folder's secret, with the claims the API's "
        "authorizer checks: sub, roles, iss, aud, iat, exp.",
    )
    token.add_argument(
        "--role", required=True, choices=[role.value for role in Role], help="the token's role"
    )
    token.add_argument("--sub", help="the subject (default local-<role>)")
    token.add_argument("--expires-in", type=_seconds, default=3600, help="lifetime in seconds (default 3600)")
    _data_dir(token)
    token.set_defaults(command=_token)

    invoke = commands.add_parser(
        "invoke",
        help="run one function on one event file and print its response",
        description="Runs functions/<function>/handler.py on the event in this process, with the same "
        "database and AWS set-up as `up`. The response goes to stdout (a JSON body parsed), logs to stderr.",
    )
    invoke.add_argument("function", help="a folder of functions/, e.g. metrics, events, health")
    invoke.add_argument(
        "--event", type=Path, required=True, help="an event file, e.g. events/metrics_create.json"
    )
    _data_dir(invoke)
    invoke.set_defaults(command=_invoke)

    demo = commands.add_parser(
        "demo",
        help="load 18 months of demo metrics and events",
        description="Loads reproducible demo data (donations, partners, projects, social media, "
        "notifications, tracked events; 18 months ending today) through the bulk API as the service "
        "role. Running it again stores nothing twice.",
    )
    _data_dir(demo)
    demo.set_defaults(command=_demo)

    trigger = commands.add_parser(
        "trigger",
        help="fire one schedule rule of the running `up` now and print the result",
        description="Runs the target of one rule of the running `up` (same data folder) now, as if its "
        "minute had come: the rule's input is read from its moto and the scheduler runs in it, through "
        "its Lambda endpoint; the result goes to stdout. Needs `analytics-local up` running.",
    )
    trigger.add_argument(
        "rule",
        help=f"a built-in rule id ({', '.join(_builtin_rule_ids())}), a rule name "
        "(analytics-job-<uuid>) or a job's id",
    )
    _data_dir(trigger)
    trigger.set_defaults(command=_trigger)

    redrive = commands.add_parser(
        "redrive",
        help="move dead-letter queue messages of the running `up` back to their queues",
        description="What `aws sqs start-message-move-task` does on AWS (moto does not implement it): every "
        "message of the dead-letter queue is moved back to the queue it came from, where it is handed to its "
        "function again. Needs `analytics-local up` running.",
    )
    redrive.add_argument(
        "queues",
        nargs="*",
        type=_queue_name,
        metavar="QUEUE",
        help=f"the queues whose dead letters to move back: {', '.join(QUEUE_NAMES)} (default: all)",
    )
    _data_dir(redrive)
    redrive.set_defaults(command=_redrive)
    return parser


def _builtin_rule_ids() -> list[str]:
    # The ids do not depend on the sync interval.
    return [task.rule_id for task in scheduled_tasks(sync_interval_minutes=60)]


def _up(args: argparse.Namespace) -> None:
    run_up(args.data_dir, port=args.port, aws_port=args.aws_port, demo=args.demo, progress=_stdout)


def _token(args: argparse.Namespace) -> None:
    claims = build_claims(Role(args.role), get_settings(), sub=args.sub, expires_in=args.expires_in)
    print(sign(claims, load_secret(args.data_dir)))


def _trigger(args: argparse.Namespace) -> None:
    run_trigger(args.rule, args.data_dir, progress=_stderr)


def _redrive(args: argparse.Namespace) -> None:
    run_redrive(args.queues, args.data_dir, progress=_stdout)


def _invoke(args: argparse.Namespace) -> None:
    run_invoke(args.function, args.event, args.data_dir, progress=_stderr)


def _demo(args: argparse.Namespace) -> None:
    # The functions' CloudWatch metrics lines (EMF) would bury the progress; `up` keeps them.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    began = time.monotonic()
    functions = Functions()
    with local_environment(args.data_dir, _stdout, functions=functions):
        load_demo(functions, get_settings(), _stdout)
        load_demo_dashboards(functions, get_settings(), _stdout)
        load_demo_goals(functions, get_settings(), _stdout)
    _stdout(f"done in {time.monotonic() - began:.1f}s")


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".local"), help="the data folder (default .local)"
    )


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port number")
    return port


def _queue_name(text: str) -> str:
    if text not in QUEUE_NAMES:
        raise argparse.ArgumentTypeError(f"{text!r} is none of {', '.join(QUEUE_NAMES)}")
    return text


def _seconds(text: str) -> int:
    seconds = int(text)
    if seconds <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return seconds


def _stdout(line: str) -> None:
    print(line, flush=True)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
