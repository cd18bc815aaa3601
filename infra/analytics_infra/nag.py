"""cdk-nag's AWS Solutions checks, run on synth, and the one way to acknowledge a finding.

A finding that is not acknowledged fails the synth. Every acknowledgment sits next to the resource
it concerns and carries the reason it is acceptable.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, App, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

PACK = "AwsSolutions"


def apply_nag(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    """Accepts a finding of `rule` (e.g. `AwsSolutions-IAM5[Resource::*]`) on the construct and below."""
    Validations.of(construct).acknowledge(Acknowledgment(id=f"{PACK}::{rule}", reason=reason))


def _flatten(node: Any) -> str:
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict) and "Fn::Join" in node:
        delimiter, items = node["Fn::Join"]
        return str(delimiter).join(_flatten(item) for item in items)
    if isinstance(node, dict) and "Fn::GetAtt" in node:
        resource, attribute = node["Fn::GetAtt"]
        return f"<{_flatten(resource)}.{_flatten(attribute)}>"
    if isinstance(node, dict) and "Ref" in node:
        return f"<{_flatten(node['Ref'])}>"
    raise ValueError(f"no finding name for {node!r}")


def resource_finding(scope: IConstruct, arn: str) -> str:
    """How cdk-nag's IAM5 names a policy resource in its finding: `<Logical.Arn>/*` for a reference,
    `<AWS::Region>` for a pseudo parameter, literals where the stack's environment is known, so an
    acknowledgment matches whether or not `cdk synth` has an account and Region."""
    return f"Resource::{_flatten(Stack.of(scope).resolve(arn))}"
