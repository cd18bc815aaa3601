"""The stack synthesized once per context, with cdk.json's context and without building the layer."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# jsii prints a banner about the Node.js version on every start; it says nothing about the stack.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from aws_cdk import CfnElement
from aws_cdk.assertions import Template
from constructs import IConstruct

from analytics_infra.application import build_app
from analytics_infra.constants import REPO_ROOT, STACK_NAME
from analytics_infra.stack import AnalyticsStack

# No pip install in tests: the layer's asset is referenced, not built.
SKIP_BUNDLING: dict[str, Any] = {"aws:cdk:bundling-stacks": []}


def actions_of(statement: dict[str, Any]) -> list[str]:
    """A policy statement's actions: CloudFormation allows one as a string or several as a list."""
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def resources_of(statement: dict[str, Any]) -> list[Any]:
    """A policy statement's resources: one, or a list."""
    resource = statement["Resource"]
    return list(resource) if isinstance(resource, list) else [resource]


def role_of(function: dict[str, Any]) -> str:
    """The logical id of a function's role, from the function's properties."""
    return str(function["Role"]["Fn::GetAtt"][0])


@dataclass(frozen=True)
class Synth:
    stack: AnalyticsStack
    template: Template
    assembly_dir: Path

    def resources(self, resource_type: str) -> dict[str, Any]:
        return dict(self.template.find_resources(resource_type))

    def logical_id(self, construct: IConstruct) -> str:
        """The template's name of a construct's CloudFormation resource (an L2's default child)."""
        element = construct.node.default_child or construct
        assert isinstance(element, CfnElement), construct.node.path
        return self.stack.get_logical_id(element)

    def role_statements(self, role_id: str) -> list[dict[str, Any]]:
        """Every statement of the inline policies attached to the role."""
        return [
            statement
            for policy in self.resources("AWS::IAM::Policy").values()
            if {"Ref": role_id} in policy["Properties"]["Roles"]
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        ]

    def allowed_actions(self, role_id: str, resource: object) -> set[str]:
        """The actions the role's policies allow on exactly this resource (a template reference)."""
        return {
            action for statement in self.statements_on(role_id, resource) for action in actions_of(statement)
        }

    def function(self, construct: IConstruct) -> dict[str, Any]:
        """The properties of a function's CloudFormation resource (of an AnalyticsFunction's `.function`)."""
        return dict(self.resources("AWS::Lambda::Function")[self.logical_id(construct)]["Properties"])

    def statements_on(self, role_id: str, resource: object) -> list[dict[str, Any]]:
        """The role's Allow statements that name this resource (a template reference or ARN)."""
        return [
            statement
            for statement in self.role_statements(role_id)
            if statement["Effect"] == "Allow" and resource in resources_of(statement)
        ]

    def role_actions(self, role_id: str) -> set[str]:
        """The actions the role's policies mention, on any resource."""
        return {action for statement in self.role_statements(role_id) for action in actions_of(statement)}


def synthesize(**context: Any) -> Synth:
    cdk_context = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    app, stack = build_app({**cdk_context, **SKIP_BUNDLING, **context})
    assembly = app.synth()
    template = Template.from_json(assembly.get_stack_by_name(STACK_NAME).template)
    return Synth(stack=stack, template=template, assembly_dir=Path(assembly.directory))


@pytest.fixture(scope="session")
def default_synth() -> Synth:
    """cdk.json's defaults: reads open, deletion protection on, reports kept 30 days."""
    return synthesize()


@pytest.fixture(scope="session")
def custom_synth() -> Synth:
    """Every switch flipped, written as `-c name=value` would pass it (strings)."""
    return synthesize(
        requireAuthForReads="true",
        deletionProtection="false",
        reportsExpiryDays="7",
        reportsEmailSender="analytics@reports.example.net",
        syncIntervalMinutes="1",
        rollupZones="America/New_York, Asia/Kolkata",
    )
