"""cdk-nag's AWS Solutions checks, run on synth, and the one way to acknowledge a finding.

A finding that is not acknowledged fails the synth. Every acknowledgment sits next to the resource
it concerns and carries the reason it is acceptable.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

PACK = "AwsSolutions"


def apply_nag(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    """Accepts a finding of `rule` (e.g. `AwsSolutions-IAM5[Resource::*]`) on the construct and below."""
    Validations.of(construct).acknowledge(Acknowledgment(id=f"{PACK}::{rule}", reason=reason))
