"""The CDK app: the one stack, checked by cdk-nag. Used by infra/app.py and by the infra tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from aws_cdk import App, Environment

from analytics_infra.config import StackConfig
from analytics_infra.constants import STACK_NAME
from analytics_infra.nag import apply_nag
from analytics_infra.stack import AnalyticsStack


def build_app(context: Mapping[str, Any] | None = None) -> tuple[App, AnalyticsStack]:
    """`context` adds to what the CDK CLI passes (cdk.json and `-c`); tests pass theirs here."""
    app = App(context=dict(context) if context else None)
    stack = AnalyticsStack(
        app,
        STACK_NAME,
        config=StackConfig.from_context(app.node),
        env=Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")
        ),
        description=(
            "Analytics Service: HTTP API, ingest queue and consumer, scheduled tasks, reports bucket, "
            "Aurora PostgreSQL"
        ),
    )
    apply_nag(app)
    return app, stack
