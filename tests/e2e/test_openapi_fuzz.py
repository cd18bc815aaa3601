"""The OpenAPI document tells the truth: schemathesis fuzzes every operation of `analytics-local up`.

A bounded run (`make fuzz` runs a longer one): every operation, with an admin token and without a token,
fails on any 5xx, any status the operation does not document and any body off its documented schema.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import LocalRunner
from tests.e2e.fuzz import ADMIN, ANONYMOUS, described, fuzz, summary

pytestmark = pytest.mark.e2e

EXAMPLES = 6  # per operation and phase: two runs of about 4,000 cases each, about a minute and a half
SEED = 21  # the same cases every time, so that a failure here can be replayed
RUN_TIMEOUT_SECONDS = 240  # a hung run fails the test instead of holding the suite


def test_every_answer_is_one_the_document_describes(runner: LocalRunner, tmp_path: Path) -> None:
    # Given the merged document the local API serves
    document = runner.request("GET", "/api/v1/openapi.json").json()
    operations = sum(len(item) for item in document["paths"].values())

    # When schemathesis fuzzes every operation with an admin token, then without a token
    runs = [
        fuzz(
            runner.url(""),
            auth=auth,
            token=token,
            examples=EXAMPLES,
            seed=SEED,
            workdir=tmp_path / auth.replace(" ", "-"),
            timeout_seconds=RUN_TIMEOUT_SECONDS,
        )
        for auth, token in ((ADMIN, runner.token("admin")), (ANONYMOUS, None))
    ]
    print(summary(runs))

    # Then every operation was tried many times, and no check failed
    assert [run.operations for run in runs] == [operations, operations]
    assert all(run.cases >= EXAMPLES * operations for run in runs), [run.cases for run in runs]
    failures = [failure for run in runs for failure in run.failures]
    assert not failures, "\n" + summary(runs) + "\n\n" + described(failures)
