"""What each domain insight reads is written in one catalogue and shown where senders look: the
OpenAPI description of every endpoint and the README."""

from __future__ import annotations

from pathlib import Path

from analytics.insight_metrics import ENDPOINT_METRICS, EXECUTIVE_METRICS
from functions.insights.handler import BASE, app

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_insight_route_is_catalogued_and_names_what_it_reads() -> None:
    paths = app.get_openapi_schema().paths or {}
    served = {path.removeprefix(BASE): item.get for path, item in paths.items()}

    assert set(served) == set(ENDPOINT_METRICS)
    for path, operation in served.items():
        assert operation is not None and operation.summary and operation.tags
        for metric in ENDPOINT_METRICS[path]:
            assert f"`{metric.name}`" in (operation.description or ""), f"{path} does not name {metric.name}"


def test_the_readme_says_what_to_send() -> None:
    text = README.read_text()
    section = text.split("### Domain insights: what to send", 1)[1].split("\n## ", 1)[0]
    metrics = {metric for read in ENDPOINT_METRICS.values() for metric in read} | set(EXECUTIVE_METRICS)

    for metric in metrics:
        for name in metric.names:
            assert f"`{name}`" in section, f"the README does not say to send {name}"
        assert f"`{metric.service}`" in section and f"`{metric.metric_type}`" in section
