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

from aws_cdk.assertions import Template

from analytics_infra.application import build_app
from analytics_infra.constants import REPO_ROOT, STACK_NAME
from analytics_infra.stack import AnalyticsStack

# No pip install in tests: the layer's asset is referenced, not built.
SKIP_BUNDLING: dict[str, Any] = {"aws:cdk:bundling-stacks": []}


@dataclass(frozen=True)
class Synth:
    stack: AnalyticsStack
    template: Template
    assembly_dir: Path

    def resources(self, resource_type: str) -> dict[str, Any]:
        return dict(self.template.find_resources(resource_type))


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
    return synthesize(requireAuthForReads="true", deletionProtection="false", reportsExpiryDays="7")
