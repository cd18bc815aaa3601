"""cdk-nag (AWS Solutions) runs on synth: no unacknowledged finding, and every acknowledgment has a reason."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Stack, aws_sqs
from aws_cdk.assertions import Annotations, Match

from analytics_infra.nag import PACK, apply_nag
from tests.infra.conftest import Synth


def nag_report(synth: Synth) -> dict[str, Any]:
    report = json.loads((synth.assembly_dir / "validation-report.json").read_text())
    (plugin,) = [plugin for plugin in report["pluginReports"] if plugin["pluginName"] == PACK]
    return dict(plugin)


@pytest.mark.parametrize("synth_name", ["default_synth", "custom_synth"])
def test_the_stack_passes_the_aws_solutions_checks(synth_name: str, request: pytest.FixtureRequest) -> None:
    # Given the stack with either context; When synthesized with cdk-nag (an error would fail the
    # synth); Then the checks ran, found nothing unacknowledged, and every acknowledgment says why.
    synth: Synth = request.getfixturevalue(synth_name)
    report = nag_report(synth)
    assert report["conclusion"] == "success"
    assert report["violations"] == []
    assert report["suppressedViolations"], "the report lists what was acknowledged"
    for acknowledged in report["suppressedViolations"]:
        assert len(acknowledged["reason"]) > 40, acknowledged["ruleName"]
    errors = Annotations.from_stack(synth.stack).find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert errors == []


def test_an_unacknowledged_finding_fails_the_synth() -> None:
    # Given a queue without a dead-letter queue or TLS policy under the same checks; Then synth fails.
    app = App()
    aws_sqs.Queue(Stack(app, "Bad"), "Queue")
    apply_nag(app)
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS4"):
        app.synth()
