"""Answers are built with Python's cycle collector paused, and it runs again afterwards, also when
building the answer failed."""

from __future__ import annotations

import gc

import pytest

from analytics.services.statistics import cached, forget_answers


def test_an_answer_is_built_with_the_collector_paused_and_it_runs_again_after() -> None:
    forget_answers()
    assert gc.isenabled()

    assert cached(("test", 1), gc.isenabled) is False

    assert gc.isenabled()


def test_the_collector_runs_again_when_building_an_answer_fails() -> None:
    def failing() -> None:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        cached(("test", 2), failing)

    assert gc.isenabled()
