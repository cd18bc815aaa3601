"""Pull-sync on AWS: the scheduler runs a whole sync round within its timeout, with the services' URLs,
page size, budget and the token's secret in its environment; the sync API starts syncs through it."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App

from analytics_infra.config import StackConfig
from analytics_infra.pull_sync import SYNC_API_FUNCTION, SYNC_END_MARGIN, scheduler_timeout
from tests.infra.conftest import Synth, role_of, synthesize


def scheduler(synth: Synth) -> dict[str, Any]:
    return synth.function(synth.stack.schedules.scheduler.function)


def secret_ref(synth: Synth) -> dict[str, str]:
    return {"Ref": synth.logical_id(synth.stack.pull_sync.token)}


@pytest.fixture(scope="module")
def sync_synth() -> Synth:
    return synthesize(
        syncServiceUrls='{"partners_crm": "https://crm.internal.example.org", "projects": "http://10.0.3.7:8006"}',
        syncBatchSize="250",
        syncTimeoutSeconds="600",
    )


def test_the_scheduler_gets_the_sync_settings_and_may_read_the_token(sync_synth: Synth) -> None:
    function = scheduler(sync_synth)
    variables = function["Environment"]["Variables"]
    assert variables["PARTNERS_CRM_SERVICE_URL"] == "https://crm.internal.example.org"
    assert variables["PROJECTS_SERVICE_URL"] == "http://10.0.3.7:8006"
    assert (variables["SYNC_BATCH_SIZE"], variables["SYNC_TIMEOUT_SECONDS"]) == ("250", "600")
    assert variables["SYNC_SERVICE_TOKEN_SECRET_ARN"] == secret_ref(sync_synth)
    assert "secretsmanager:GetSecretValue" in sync_synth.allowed_actions(
        role_of(function), secret_ref(sync_synth)
    )
    # Then its timeout covers the budget and the margin to record the end
    assert function["Timeout"] == 600 + SYNC_END_MARGIN.to_seconds()


def test_the_default_budget_keeps_a_timeout_above_the_budget(default_synth: Synth) -> None:
    function = scheduler(default_synth)
    budget = int(function["Environment"]["Variables"]["SYNC_TIMEOUT_SECONDS"])
    assert function["Timeout"] >= budget + SYNC_END_MARGIN.to_seconds()


def test_the_sync_api_starts_syncs_through_the_scheduler_without_the_token(default_synth: Synth) -> None:
    api = default_synth.function(default_synth.stack.api.functions[SYNC_API_FUNCTION].function)
    scheduler_id = default_synth.logical_id(default_synth.stack.schedules.scheduler.function)
    variables = api["Environment"]["Variables"]
    assert variables["SCHEDULER_FUNCTION_ARN"] == {"Fn::GetAtt": [scheduler_id, "Arn"]}
    assert "SYNC_SERVICE_TOKEN_SECRET_ARN" not in variables
    role = role_of(api)
    assert "lambda:InvokeFunction" in default_synth.allowed_actions(
        role, {"Fn::GetAtt": [scheduler_id, "Arn"]}
    )
    assert not default_synth.statements_on(role, secret_ref(default_synth))


@pytest.mark.parametrize(
    ("context", "problem"),
    [
        ({"syncServiceUrls": '{"payroll": "https://x"}'}, "unknown services"),
        ({"syncServiceUrls": '{"projects": "ftp://x"}'}, "http"),
        ({"syncServiceUrls": '["https://x"]'}, "object"),
        ({"syncBatchSize": "0"}, "syncBatchSize"),
    ],
)
def test_bad_sync_context_is_refused(context: dict[str, str], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        StackConfig.from_context(App(context=context).node)


def test_a_budget_longer_than_lambda_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="syncTimeoutSeconds must be at most 780"):
        scheduler_timeout(800)
