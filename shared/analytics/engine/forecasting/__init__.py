"""Forecasts with prediction intervals: a combination of simple models, chosen and calibrated on the
M3 and M4 competitions' series (see tests/benchmarks/forecast.py); and the forecast of a total over
the horizon with the probability of reaching a target (see tests/benchmarks/goals.py)."""

from analytics.engine.forecasting.accuracy import HoldoutAccuracy, holdout_accuracy
from analytics.engine.forecasting.forecaster import SEASON_LENGTHS, Forecast, forecast
from analytics.engine.forecasting.totals import TotalInterval, TotalOutlook, total_outlook

__all__ = [
    "SEASON_LENGTHS",
    "Forecast",
    "HoldoutAccuracy",
    "TotalInterval",
    "TotalOutlook",
    "forecast",
    "holdout_accuracy",
    "total_outlook",
]
