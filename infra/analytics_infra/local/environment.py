"""The environment the functions run in locally: AWS on loopback (moto, and Lambda's Invoke API for the
local functions) and a migrated PostgreSQL, handed to the functions through the same environment
variables the stack sets on AWS."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from analytics.settings import get_settings
from analytics_infra.local.aws import CREDENTIALS, AwsResources, MotoServer, create_resources
from analytics_infra.local.database import Database, database
from analytics_infra.local.functions import Functions
from analytics_infra.local.kept_bucket import KeptBucket
from analytics_infra.local.lambda_service import LocalLambda

# No X-Ray daemon and no CloudWatch here: tracing off, and no metric documents on the console.
QUIET_POWERTOOLS = {"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_DISABLED": "true"}


@dataclass(frozen=True)
class LocalEnvironment:
    data_dir: Path
    database: Database
    aws: AwsResources


@contextmanager
def local_environment(
    data_dir: Path, progress: Callable[[str], None], *, functions: Functions, aws_port: int = 0
) -> Iterator[LocalEnvironment]:
    """Everything the functions need, started in order and stopped in reverse on exit."""
    data_dir = data_dir.resolve()
    _export({"LOCAL_DATA_DIR": str(data_dir), **CREDENTIALS, **QUIET_POWERTOOLS})
    with ExitStack() as stack:
        # Listening now, so its URL goes into the functions' environment; serving once the database is.
        lambda_service = LocalLambda(functions)
        stack.callback(lambda_service.stop)
        moto = MotoServer(aws_port)
        endpoint_url = moto.start()
        stack.callback(progress, "aws: moto stopped")
        stack.callback(moto.stop)
        aws = create_resources(endpoint_url, get_settings(), lambda_endpoint_url=lambda_service.url)
        _export(aws.environment())
        progress(
            f"aws: moto on {endpoint_url} with the stack's queues, bucket, e-mail sender and "
            f"{len(aws.schedule_rules)} schedule rules"
        )
        kept = KeptBucket(data_dir / "s3", aws.bucket)
        progress(
            f"aws: {kept.keep(moto.s3_backend())} report file(s) put back into the bucket from {kept.root}"
        )
        db = stack.enter_context(database(data_dir, progress))
        # Event invocations in flight finish before the database goes away.
        lambda_service.start()
        stack.callback(lambda_service.stop)
        progress(f"lambda: Invoke API for the local functions on {lambda_service.url}")
        yield LocalEnvironment(data_dir, db, aws)


def _export(variables: dict[str, str]) -> None:
    # Settings are read once per container; the functions have not loaded yet, so set them now.
    os.environ.update(variables)
    get_settings.cache_clear()
