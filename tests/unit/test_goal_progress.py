"""A goal's progress from its days, on hand-picked dates (analytics.goal_progress)."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.enums import GoalAggregation, GoalDirection, GoalOutlook
from analytics.goal_progress import Day, Goal, outlook_of, progress

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def goal(
    target: float = 100.0,
    aggregation: GoalAggregation = GoalAggregation.SUM,
    direction: GoalDirection = GoalDirection.AT_LEAST,
) -> Goal:
    return Goal(target=target, direction=direction, aggregation=aggregation, start=START, end=END)


def days(values: list[float | None], first: dt.date = START) -> list[Day]:
    return [Day(first + dt.timedelta(days=i), value) for i, value in enumerate(values)]


@pytest.mark.parametrize(
    ("probability", "outlook"),
    [
        (0.95, GoalOutlook.ON_TRACK),
        (0.7, GoalOutlook.ON_TRACK),
        (0.5, GoalOutlook.AT_RISK),
        (0.1, GoalOutlook.OFF_TRACK),
    ],
)
def test_the_outlook_follows_the_documented_thresholds(probability: float, outlook: GoalOutlook) -> None:
    assert outlook_of(probability) is outlook


def test_an_ended_goal_is_achieved_or_failed_for_certain() -> None:
    month = days([4.0] * 31)

    assert progress(goal(target=100), month, dt.date(2026, 4, 2)).outlook is GoalOutlook.ACHIEVED
    ended_short = progress(goal(target=200), month, dt.date(2026, 4, 2))
    assert (ended_short.outlook, ended_short.probability, ended_short.forecast) == (
        GoalOutlook.FAILED,
        0.0,
        None,
    )
    assert ended_short.days_left == 0 and ended_short.current_value == 124


def test_a_goal_not_begun_forecasts_from_the_metrics_before_it() -> None:
    before = days([10.0, 12.0, 9.0, 11.0] * 10, first=START - dt.timedelta(days=40))

    answer = progress(goal(target=300), before, START - dt.timedelta(days=1))

    assert answer.current_value == 0 and answer.days_elapsed == 0 and answer.days_left == 31
    assert answer.forecast is not None and answer.forecast.value == pytest.approx(31 * 10.5, rel=0.1)
    assert answer.probability > 0.5


def test_a_ceiling_passed_by_a_sum_is_failed_at_once_and_a_max_reached_is_achieved() -> None:
    spent = progress(
        goal(target=50, direction=GoalDirection.AT_MOST), days([30.0, 30.0]), dt.date(2026, 3, 2)
    )
    peak = progress(goal(target=25, aggregation=GoalAggregation.MAX), days([10.0, 30.0]), dt.date(2026, 3, 2))

    assert spent.outlook is GoalOutlook.FAILED
    assert peak.outlook is GoalOutlook.ACHIEVED and peak.current_value == 30


def test_a_floor_on_the_minimum_is_lost_for_good_once_a_day_falls_below() -> None:
    floor = goal(target=5, aggregation=GoalAggregation.MIN)
    history = days([9.0, 8.0, 9.0, 8.0, 9.0, 8.0, 9.0, 3.0, 9.0])

    answer = progress(floor, history, dt.date(2026, 3, 9))

    assert answer.current_value == 3 and answer.probability == 0.0 and answer.outlook is GoalOutlook.FAILED


def test_without_any_history_the_chance_is_a_coin_and_says_so() -> None:
    answer = progress(goal(), days([None, None]), dt.date(2026, 3, 2))

    assert answer.probability == 0.5 and answer.forecast is None
    assert answer.warnings and "no metrics" in answer.warnings[0]
