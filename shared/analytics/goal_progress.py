"""Where a KPI goal stands: its value so far, the forecast of its final value, the chance of reaching the
target, and its outlook. Pure: the use cases hand in the goal's days, the engine forecasts the rest.

A goal's value is its aggregation of the metrics over its days, today (still running) included. The
forecast learns from whole days only: the metric's days before today, before the goal began too. A sum or
a count ends as the whole days' total so far plus the engine's forecast of the total of the days left
(today's included), with the engine's calibrated chance of that total reaching what is missing
(analytics.engine.forecasting.total_outlook). Other aggregations ride on the engine's daily forecast and
its interval, taken as normal: the last day's value (latest), the days' mean (avg), the chance of any day
beyond the target (max, min).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from analytics.engine.forecasting import forecast, total_outlook
from analytics.enums import GoalAggregation, GoalDirection, GoalOutlook

WEEK = 7
LEVEL = 0.9
Z_90 = 1.6448536269514722  # the standard normal's 95th percentile: a 90% central interval's half-width
# The outlook while a goal runs, from its probability of reaching the target.
ON_TRACK_FROM = 0.7
AT_RISK_FROM = 0.3
HISTORY_DAYS = 730  # at most this many whole days before today teach the forecast
# Aggregations whose value only rises over the goal's days (a sum of values that are never negative).
RISING_ONLY = frozenset({GoalAggregation.SUM, GoalAggregation.COUNT, GoalAggregation.MAX})
ADDITIVE = frozenset({GoalAggregation.SUM, GoalAggregation.COUNT})


@dataclass(frozen=True)
class Goal:
    target: float
    direction: GoalDirection
    aggregation: GoalAggregation
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Day:
    """A local day's value of the goal's aggregation (None: no metrics, or no hand-set value), and how many
    metrics it is of (the weight of the day's mean in an average)."""

    date: dt.date
    value: float | None
    count: int = 1


@dataclass(frozen=True)
class Forecast:
    value: float
    lower: float
    upper: float


@dataclass(frozen=True)
class Progress:
    current_value: float
    progress_percentage: float
    remaining: float
    days_total: int
    days_elapsed: int
    days_left: int
    needed_per_day: float | None
    actual_per_day: float | None
    projected_completion_date: dt.date | None
    forecast: Forecast | None
    probability: float
    outlook: GoalOutlook
    daily: list[tuple[dt.date, float | None, float]]  # the goal's days: value, and the goal's value then
    warnings: list[str] = field(default_factory=list)


def progress(goal: Goal, days: Sequence[Day], today: dt.date, latest: float | None = None) -> Progress:
    """`days`: every local day from HISTORY_DAYS before today (or the goal's start, if earlier) up to
    min(today, goal.end), in order. `latest`: the most recent metric's value, for the latest aggregation."""
    inside = [day for day in days if goal.start <= day.date <= goal.end]
    running = _running(goal.aggregation, inside)
    current = running[-1] if running else 0.0
    if goal.aggregation is GoalAggregation.LATEST and latest is not None and inside:
        current = running[-1] = latest
    days_total = (goal.end - goal.start).days + 1
    days_elapsed = max(0, (min(today, goal.end) - goal.start).days + 1)
    days_left = max(0, (goal.end - max(today, goal.start)).days + 1)
    meets = current >= goal.target if goal.direction is GoalDirection.AT_LEAST else current <= goal.target
    warnings: list[str] = []
    if today > goal.end or _decided_early(goal, current, meets):
        projected, probability = None, 1.0 if meets else 0.0
        outlook = GoalOutlook.ACHIEVED if meets else GoalOutlook.FAILED
    else:
        history = _history([day for day in days if day.date < today], goal.aggregation)
        projected, probability = _projection(goal, inside, today, current, history, days_left, warnings)
        outlook = outlook_of(probability)
    rates = _rates(goal, running, current, days_elapsed, days_left)
    return Progress(
        current_value=current,
        progress_percentage=current / goal.target * 100,
        remaining=max(goal.target - current, 0.0),
        days_total=days_total,
        days_elapsed=days_elapsed,
        days_left=days_left,
        needed_per_day=rates[0],
        actual_per_day=rates[1],
        projected_completion_date=_completion(goal, current, rates[1], today, outlook),
        forecast=projected,
        probability=probability,
        outlook=outlook,
        daily=[(day.date, day.value, value) for day, value in zip(inside, running, strict=True)],
        warnings=warnings,
    )


def _decided_early(goal: Goal, current: float, meets: bool) -> bool:
    """Decided before the end: a value that only rises (a sum, a count, a max) once it reaches a floor or
    passes a ceiling; one that only falls (a min) once it passes a floor or reaches a ceiling."""
    rising = goal.aggregation in RISING_ONLY
    if not rising and goal.aggregation is not GoalAggregation.MIN:
        return False
    at_least = goal.direction is GoalDirection.AT_LEAST
    return meets if at_least == rising else not meets


def _running(aggregation: GoalAggregation, days: list[Day]) -> list[float]:
    """The goal's value at the end of each of its days."""
    running: list[float] = []
    total, count, extreme, last = 0.0, 0, None, 0.0
    for day in days:
        value = day.value
        if value is not None:
            if aggregation in ADDITIVE:
                total += value
            elif aggregation is GoalAggregation.AVG:
                total, count = total + value * day.count, count + day.count
            elif aggregation is GoalAggregation.MAX:
                extreme = value if extreme is None else max(extreme, value)
            elif aggregation is GoalAggregation.MIN:
                extreme = value if extreme is None else min(extreme, value)
            last = value
        if aggregation in ADDITIVE:
            running.append(total)
        elif aggregation is GoalAggregation.AVG:
            running.append(total / count if count else 0.0)
        elif aggregation in (GoalAggregation.MAX, GoalAggregation.MIN):
            running.append(extreme if extreme is not None else 0.0)
        else:
            running.append(last)
    return running


def _history(days: list[Day], aggregation: GoalAggregation) -> np.ndarray:
    """The whole days' values from the first one holding any: empty days are zero for sums and counts,
    else carried from the day before."""
    values = [day.value for day in days][-HISTORY_DAYS:]
    first = next((i for i, value in enumerate(values) if value is not None), len(values))
    filled: list[float] = []
    for value in values[first:]:
        if value is None:
            value = 0.0 if aggregation in ADDITIVE else filled[-1]
        filled.append(value)
    return np.asarray(filled, dtype=float)


def _projection(
    goal: Goal,
    inside: list[Day],
    today: dt.date,
    current: float,
    history: np.ndarray,
    days_left: int,
    warnings: list[str],
) -> tuple[Forecast | None, float]:
    """The final value's forecast and the chance of meeting the target."""
    if history.size == 0:
        warnings.append("no metrics before today to forecast from: the chance is a coin's")
        return None, 0.5
    if goal.aggregation in ADDITIVE:
        done = sum(day.value or 0.0 for day in inside if day.date < today)
        return _total(goal, done, current, history, days_left, warnings)
    answer = forecast(history, days_left, season_length=WEEK, level=LEVEL)
    warnings += answer.warnings
    spread = np.maximum((answer.upper - answer.lower) / (2 * Z_90), 0.0)
    if goal.aggregation is GoalAggregation.LATEST:
        final = Forecast(float(answer.mean[-1]), float(answer.lower[-1]), float(answer.upper[-1]))
        return final, _normal_chance(goal, final.value, float(spread[-1]))
    if goal.aggregation is GoalAggregation.AVG:
        seen = len([day for day in inside if day.date < today and day.value is not None])
        weight = days_left / (seen + days_left)
        value = (1 - weight) * current + weight * float(answer.mean.mean())
        deviation = weight * float(spread.mean())
        final = Forecast(value, value - Z_90 * deviation, value + Z_90 * deviation)
        return final, _normal_chance(goal, value, deviation)
    return _extreme(goal, current, answer.mean, answer.lower, answer.upper, spread)


def _total(
    goal: Goal, done: float, current: float, history: np.ndarray, days_left: int, warnings: list[str]
) -> tuple[Forecast, float]:
    outlook = total_outlook(history, days_left, season_length=WEEK, levels=(LEVEL,))
    warnings += outlook.warnings
    [interval] = outlook.intervals
    missing = goal.target - done
    chance = (
        outlook.probability_at_least(missing)
        if goal.direction is GoalDirection.AT_LEAST
        else outlook.probability_at_most(missing)
    )
    value, lower, upper = done + outlook.mean, done + interval.lower, done + interval.upper
    if np.all(history >= 0):  # a total of values never negative cannot fall below what is already in
        value, lower, upper = max(value, current), max(lower, current), max(upper, current)
    return Forecast(value, lower, upper), chance


def _normal_chance(goal: Goal, mean: float, deviation: float) -> float:
    above = _above(goal.target, mean, deviation)
    return above if goal.direction is GoalDirection.AT_LEAST else 1.0 - above


def _above(target: float, mean: float, deviation: float) -> float:
    """P(X >= target) for X normal with this mean and deviation (a certain value when it is 0)."""
    if deviation <= 0:
        return 1.0 if mean >= target else 0.0
    return 0.5 * math.erfc((target - mean) / (deviation * math.sqrt(2)))


def _extreme(
    goal: Goal, current: float, mean: np.ndarray, lower: np.ndarray, upper: np.ndarray, spread: np.ndarray
) -> tuple[Forecast, float]:
    """The max (min) over the goal's days: going past the target means above it (below it), for the
    current extreme or any day left, days taken as independent normals. At least on a max and at most on
    a min want some day past it; the other two want none."""
    is_max = goal.aggregation is GoalAggregation.MAX
    past = [
        _above(goal.target, float(m), float(s)) if is_max else 1.0 - _above(goal.target, float(m), float(s))
        for m, s in zip(mean, spread, strict=True)
    ]
    none_past = float(np.prod([1.0 - chance for chance in past]))
    already = current >= goal.target if is_max else current <= goal.target
    if (goal.direction is GoalDirection.AT_LEAST) == is_max:
        chance = 1.0 if already else 1.0 - none_past
    else:
        chance = 0.0 if already else none_past
    pick = max if is_max else min
    final = Forecast(
        pick(current, float(pick(mean))), pick(current, float(pick(lower))), pick(current, float(pick(upper)))
    )
    return final, chance


def outlook_of(probability: float) -> GoalOutlook:
    if probability >= ON_TRACK_FROM:
        return GoalOutlook.ON_TRACK
    if probability >= AT_RISK_FROM:
        return GoalOutlook.AT_RISK
    return GoalOutlook.OFF_TRACK


def _rates(
    goal: Goal, running: list[float], current: float, days_elapsed: int, days_left: int
) -> tuple[float | None, float | None]:
    """The change per day that meets the target from now (nothing for a floor already reached), and the
    change per day so far."""
    needed = (goal.target - current) / days_left if days_left else None
    if needed is not None and goal.direction is GoalDirection.AT_LEAST:
        needed = max(needed, 0.0)
    if not running or days_elapsed == 0:
        return needed, None
    start = 0.0 if goal.aggregation in ADDITIVE else running[0]
    spent = days_elapsed if goal.aggregation in ADDITIVE else max(days_elapsed - 1, 1)
    return needed, (current - start) / spent


def _completion(
    goal: Goal, current: float, rate: float | None, today: dt.date, outlook: GoalOutlook
) -> dt.date | None:
    """The day an at-least target is reached at the rate so far; None when reached, ended or not rising."""
    if goal.direction is not GoalDirection.AT_LEAST or outlook in (GoalOutlook.ACHIEVED, GoalOutlook.FAILED):
        return None
    if rate is None or rate <= 0:
        return None
    days = math.ceil((goal.target - current) / rate)
    return today + dt.timedelta(days=max(days, 0)) if days < 100_000 else None
