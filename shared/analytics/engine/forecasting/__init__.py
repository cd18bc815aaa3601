"""Forecasts with prediction intervals: a combination of simple models, chosen and calibrated on the
M3 and M4 competitions' series (see tests/benchmarks/forecast.py)."""

from analytics.engine.forecasting.accuracy import HoldoutAccuracy, holdout_accuracy
from analytics.engine.forecasting.forecaster import SEASON_LENGTHS, Forecast, forecast

__all__ = ["SEASON_LENGTHS", "Forecast", "HoldoutAccuracy", "forecast", "holdout_accuracy"]
