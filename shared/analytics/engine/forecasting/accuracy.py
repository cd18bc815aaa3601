"""How well the forecaster did on the end of a series it was not shown: the M4 competition's measures."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.engine.forecasting.forecaster import forecast, validate


@dataclass(frozen=True)
class HoldoutAccuracy:
    """Errors of forecasting the last `horizon` points from the ones before them. MASE divides the mean
    absolute error by that of the seasonal naive forecast inside the shown part (None for a constant one);
    sMAPE is in percent (0-200); coverage is the share of held-out points inside the interval."""

    horizon: int
    mase: float | None
    smape: float
    coverage: float


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    denominator = np.abs(actual) + np.abs(predicted)
    safe = np.where(denominator == 0, 1.0, denominator)
    return float(np.mean(np.where(denominator == 0, 0.0, 200 * np.abs(actual - predicted) / safe)))


def naive_scale(values: np.ndarray, season_length: int) -> float:
    """Mean absolute change over a season, else over one step (a history of a season or less, or one
    that repeats its season exactly), as the M4 competition scaled MASE; 0 for a constant history."""
    for lag in (season_length, 1):
        if values.size > lag:
            changes = np.abs(values[lag:] - values[:-lag])
            if changes.mean() > 0:
                return float(changes.mean())
    return 0.0


def holdout_accuracy(
    values: np.ndarray | list[float], horizon: int, season_length: int | None = None, *, level: float = 0.95
) -> HoldoutAccuracy | None:
    """Forecast values[-horizon:] from values[:-horizon]; None when fewer than two points would remain."""
    series = validate(values, horizon, level)
    if series.size - horizon < 2:
        return None
    shown, held_out = series[:-horizon], series[-horizon:]
    answer = forecast(shown, horizon, season_length=season_length, level=level)
    scale = naive_scale(shown, season_length or 1)
    error = float(np.mean(np.abs(held_out - answer.mean)))
    inside = (held_out >= answer.lower) & (held_out <= answer.upper)
    return HoldoutAccuracy(
        horizon=horizon,
        mase=error / scale if scale > 0 else None,
        smape=smape(held_out, answer.mean),
        coverage=float(inside.mean()),
    )
