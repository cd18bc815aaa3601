"""Predictions (days ahead) and forecasts (days to years ahead) of a metric series, with the engine's
prediction intervals, trend, seasonality and its accuracy on the end of the history it was not shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from analytics.engine.forecasting import SEASON_LENGTHS, Forecast, forecast, holdout_accuracy
from analytics.engine.trend import Trend
from analytics.ports import UnitOfWork
from analytics.schemas.advanced import (
    Accuracy,
    CalendarPeriod,
    ForecastAnswer,
    ForecastRequest,
    PeriodValue,
    PredictedValue,
    PredictionAnswer,
    PredictionRequest,
    Seasonality,
    SeriesSelection,
    TrendAnswer,
)
from analytics.services.advanced.series import (
    ADDITIVE,
    current_period_start,
    periods_before,
    read_series,
    whole_periods,
)
from analytics.statistics import zone_of

DEFAULT_HISTORY = {
    CalendarPeriod.DAY: 730,
    CalendarPeriod.WEEK: 156,
    CalendarPeriod.MONTH: 60,
    CalendarPeriod.QUARTER: 40,
    CalendarPeriod.YEAR: 15,
}
# The part of the history held back to measure accuracy: at most the horizon, at most a fifth of it.
HOLDOUT_SHARE = 5


@dataclass(frozen=True)
class Projection:
    common: dict[str, Any]
    points: list[PredictedValue]


def predict(uow: UnitOfWork, request: PredictionRequest, now: dt.datetime) -> PredictionAnswer:
    """The next `prediction_days` days, today first, from the whole days before today."""
    projection = _project(
        uow,
        request,
        CalendarPeriod.DAY,
        request.history_days,
        request.prediction_days,
        request.confidence_level,
        now,
    )
    return PredictionAnswer(**projection.common, predictions=projection.points)


def forecast_periods(uow: UnitOfWork, request: ForecastRequest, now: dt.datetime) -> ForecastAnswer:
    """The next `periods` periods, the current one first, from the whole periods before it."""
    history = request.history_periods or DEFAULT_HISTORY[request.period]
    projection = _project(
        uow, request, request.period, history, request.periods, request.confidence_level, now
    )
    return ForecastAnswer(**projection.common, forecast=projection.points)


def _project(
    uow: UnitOfWork,
    selection: SeriesSelection,
    period: CalendarPeriod,
    history: int,
    horizon: int,
    level: float,
    now: dt.datetime,
) -> Projection:
    start, end = whole_periods(now, period, selection.tz, history)
    series = read_series(uow, selection, period, start, end)
    values = np.asarray(series.values)
    season = SEASON_LENGTHS[period.value]
    answer = forecast(values, horizon, season_length=season, level=level)
    mean, lower, upper = _never_below_zero(answer, values, selection)
    zone = zone_of(selection.tz)
    current = current_period_start(now, period, selection.tz)
    starts = [
        dt.datetime.combine(periods_before(current, period, -step), dt.time(0), tzinfo=zone)
        for step in range(horizon)
    ]
    holdout = holdout_accuracy(
        values, max(1, min(horizon, values.size // HOLDOUT_SHARE)), season, level=level
    )
    common = {
        "selection": selection,
        "period": period,
        "confidence_level": level,
        "history": [PeriodValue(start=s, value=v) for s, v in zip(series.starts, series.values, strict=True)],
        "trend": _trend(answer.trend),
        "seasonality": None
        if answer.seasonal_strength is None
        else Seasonality(period=answer.season_length, strength=answer.seasonal_strength),
        "model": answer.model,
        "accuracy": None
        if holdout is None
        else Accuracy(
            holdout_periods=holdout.horizon, mase=holdout.mase, smape=holdout.smape, coverage=holdout.coverage
        ),
        "warnings": answer.warnings,
    }
    points = [
        PredictedValue(start=s, value=float(m), lower=float(lo), upper=float(hi))
        for s, m, lo, hi in zip(starts, mean, lower, upper, strict=True)
    ]
    return Projection(common=common, points=points)


def _never_below_zero(
    answer: Forecast, history: np.ndarray, selection: SeriesSelection
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums and counts of a history that was never negative cannot become negative: the forecast and
    its band are cut at zero (the band keeps its probability)."""
    if selection.agg in ADDITIVE and np.all(history >= 0):
        return np.maximum(answer.mean, 0), np.maximum(answer.lower, 0), np.maximum(answer.upper, 0)
    return answer.mean, answer.lower, answer.upper


def _trend(trend: Trend | None) -> TrendAnswer | None:
    if trend is None:
        return None
    return TrendAnswer(
        direction=trend.direction.value,
        slope_per_period=trend.slope_per_period,
        strength=trend.strength,
        p_value=trend.p_value,
    )
