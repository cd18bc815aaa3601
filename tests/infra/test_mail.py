"""Report e-mail through SES: the sender from context, and sending only as that sender's identity."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App

from analytics_infra.config import StackConfig
from analytics_infra.constants import GOALS_API_FUNCTION, REPORTS_API_FUNCTION
from tests.infra.conftest import Synth, actions_of, resources_of, role_of


def identity_arn(name: str) -> dict[str, Any]:
    """An SES identity's ARN in this stack's account and Region, as the template writes it."""
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":ses:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":identity/{name}",
            ],
        ]
    }


def senders(synth: Synth) -> dict[str, dict[str, Any]]:
    """The functions that send report and goal e-mail, by name."""
    return {
        "reports": synth.function(synth.stack.api.functions[REPORTS_API_FUNCTION].function),
        "goals": synth.function(synth.stack.api.functions[GOALS_API_FUNCTION].function),
        "scheduler": synth.function(synth.stack.schedules.scheduler.function),
    }


def ses_statements(synth: Synth, role: str) -> list[dict[str, Any]]:
    return [
        statement
        for statement in synth.role_statements(role)
        if any(action.startswith("ses:") for action in actions_of(statement))
    ]


@pytest.mark.parametrize(
    ("synth_name", "sender", "domain"),
    [
        ("default_synth", "reports@example.org", "example.org"),
        ("custom_synth", "analytics@reports.example.net", "reports.example.net"),
    ],
)
def test_senders_may_send_only_as_the_sender_or_its_domain(
    synth_name: str, sender: str, domain: str, request: pytest.FixtureRequest
) -> None:
    # Given the reportsEmailSender context (cdk.json's, or another)
    synth: Synth = request.getfixturevalue(synth_name)
    for name, function in senders(synth).items():
        # Then the function is told the sender
        assert function["Environment"]["Variables"]["REPORTS_EMAIL_SENDER"] == sender, name
        # And may send raw and simple e-mail from its address or domain identity, and nothing more
        (statement,) = ses_statements(synth, role_of(function))
        assert statement["Effect"] == "Allow"
        assert sorted(actions_of(statement)) == ["ses:SendEmail", "ses:SendRawEmail"], name
        resources = resources_of(statement)
        assert len(resources) == 2 and all(
            arn in resources for arn in (identity_arn(sender), identity_arn(domain))
        )


def test_no_other_function_may_use_ses(default_synth: Synth) -> None:
    sending_roles = {role_of(function) for function in senders(default_synth).values()}
    roles = {role_of(f["Properties"]) for f in default_synth.resources("AWS::Lambda::Function").values()}
    assert len(roles - sending_roles) >= 3
    for role in roles - sending_roles:
        assert ses_statements(default_synth, role) == [], role


def test_the_stack_creates_no_ses_identity(default_synth: Synth) -> None:
    # The sender's identity is verified outside the stack (see mail.py): one per account and Region.
    default_synth.template.resource_count_is("AWS::SES::EmailIdentity", 0)


@pytest.mark.parametrize(
    "value", ["reports", "Reports <reports@example.org>", "a@b", "two@example.org,x@y.z"]
)
def test_a_sender_that_is_not_one_address_is_refused(value: str) -> None:
    app = App(context={"reportsEmailSender": value})
    with pytest.raises(ValueError, match="reportsEmailSender"):
        StackConfig.from_context(app.node)
