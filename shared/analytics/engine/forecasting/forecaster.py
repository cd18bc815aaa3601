"""The forecasting entry point: validation, short and flat histories, and what the answer tells."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from analytics.engine.forecasting.combination import Combination, combine
from analytics.engine.forecasting.intervals import half_widths, path_errors, random_walk_half_widths
from analytics.engine.forecasting.seasonality import Seasonality, decompose
from analytics.engine.trend import MIN_POINTS as MIN_TREND_POINTS
from analytics.engine.trend import Trend, trend

MIN_LEVEL, MAX_LEVEL = 0.5, 0.99
# Work grows with history x horizon: older points barely move a smoothing model, and a longer horizon
# than this is a guess whatever the model.
MAX_HISTORY = 2000
MAX_HORIZON = 1000
# Below this many points only a naive forecast is honest, with a wide interval and a warning.
MIN_MODEL_POINTS = 6
# Fewer points than this is a short history: the answer carries a warning.
SHORT_HISTORY = 12
# The season length of each interval of a series, for callers that know the interval.
SEASON_LENGTHS = {"hour": 24, "day": 7, "week": 52, "month": 12, "quarter": 4, "year": 1}


@dataclass(frozen=True)
class Forecast:
    """`mean`, `lower` and `upper` (read-only arrays of the horizon's length) are the point forecast and
    the central prediction interval at `level`; `model` names what was combined; `seasonal_strength`
    (0-1) is None when no seasonality was found at `season_length`; `trend` is that of the seasonally
    adjusted history (analytics.engine.trend), None below its minimum of points."""

    mean: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float
    model: str
    season_length: int
    seasonal_strength: float | None
    trend: Trend | None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for band in (self.mean, self.lower, self.upper):
            band.setflags(write=False)


def validate(values: np.ndarray | list[float], horizon: int, level: float) -> np.ndarray:
    series = validate_history(values, horizon)
    check_level(level)
    return series


def validate_history(values: np.ndarray | list[float], horizon: int) -> np.ndarray:
    series = np.asarray(values, dtype=float)
    if series.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {series.shape}")
    if series.size == 0:
        raise ValueError("values must hold at least one point")
    if not np.all(np.isfinite(series)):
        raise ValueError("values must all be finite (no NaN or infinity)")
    if (
        isinstance(horizon, bool)
        or not isinstance(horizon, int | np.integer)
        or not 1 <= horizon <= MAX_HORIZON
    ):
        raise ValueError(f"horizon must be an integer from 1 to {MAX_HORIZON}, got {horizon!r}")
    return series


def check_level(level: float) -> None:
    if not (isinstance(level, int | float) and MIN_LEVEL <= level <= MAX_LEVEL):
        raise ValueError(f"level must be between {MIN_LEVEL} and {MAX_LEVEL}, got {level!r}")


def check_season_length(season_length: int | None) -> int:
    """The season length asked for, 1 (no season) when None."""
    if season_length is not None and (
        isinstance(season_length, bool)
        or not isinstance(season_length, int | np.integer)
        or season_length < 1
    ):
        raise ValueError(f"season_length must be a positive integer, got {season_length!r}")
    return int(season_length or 1)


def history_warnings(points: int, season_length: int) -> list[str]:
    warnings = []
    if points < SHORT_HISTORY:
        warnings.append(f"short history ({points} points): the forecast is rough and its interval wide")
    if points >= MIN_MODEL_POINTS and season_length > 1 and points < 3 * season_length:
        warnings.append(f"seasonality not tested: it needs three seasons ({3 * season_length} points)")
    return warnings


@dataclass(frozen=True)
class Fit:
    """The combination fitted to a history of at least MIN_MODEL_POINTS: its paths from every origin
    (the last row is the forecast) and their errors where the history knows the answer."""

    combination: Combination
    seasonality: Seasonality | None
    errors: np.ndarray


def fit(series: np.ndarray, horizon: int, season_length: int) -> Fit:
    seasonality = decompose(series, season_length)
    combination = combine(series, horizon, season_length, seasonality)
    first_origin = max(season_length, 3) if seasonality is not None else 3
    errors = path_errors(series, combination.paths, first_origin)
    return Fit(combination=combination, seasonality=seasonality, errors=errors)


def forecast(
    values: np.ndarray | list[float], horizon: int, *, season_length: int | None = None, level: float = 0.95
) -> Forecast:
    """Forecast `horizon` steps after `values` (equally spaced, oldest first) with a central prediction
    interval at `level`. `season_length` is the number of steps in a season (24 for hourly data, 7 for
    daily, 12 for monthly, ...); the seasonality is tested and used only when the history shows it.
    Only the last MAX_HISTORY points are used."""
    series = validate(values, horizon, level)[-MAX_HISTORY:]
    m = check_season_length(season_length)
    warnings = history_warnings(series.size, m)
    if series.size < MIN_MODEL_POINTS:
        return _naive(series, horizon, level, m, warnings)
    fitted = fit(series, horizon, m)
    combination, seasonality = fitted.combination, fitted.seasonality
    mean = combination.paths[-1]
    widths = half_widths(fitted.errors, level, step_scale(series), combination.parameters)
    adjusted = series if seasonality is None else seasonality.adjust(series)
    return Forecast(
        mean=mean,
        lower=mean - widths,
        upper=mean + widths,
        level=level,
        model=" + ".join(combination.names),
        season_length=m,
        seasonal_strength=None if seasonality is None else seasonality.strength,
        trend=trend_or_none(adjusted),
        warnings=warnings,
    )


def step_scale(series: np.ndarray) -> float:
    """A one-step spread when no error of the model is known: the root mean square change (the spread
    of a random walk's steps), else a tenth of the level (a single point), else zero (a single zero)."""
    if series.size > 1:
        changes = np.diff(series)
        if changes.any():
            return float(np.sqrt(np.mean(changes**2)))
    return 0.1 * float(np.abs(series).mean())


def _naive(series: np.ndarray, horizon: int, level: float, m: int, warnings: list[str]) -> Forecast:
    """A handful of points: the last value, with a random-walk band from the changes seen, widened for
    how little was seen (Student's t with as many degrees of freedom as changes)."""
    mean = np.full(horizon, series[-1])
    widths = random_walk_half_widths(level, step_scale(series), series.size - 1, horizon)
    return Forecast(
        mean=mean,
        lower=mean - widths,
        upper=mean + widths,
        level=level,
        model="naive",
        season_length=m,
        seasonal_strength=None,
        trend=trend_or_none(series),
        warnings=warnings,
    )


def trend_or_none(history: np.ndarray) -> Trend | None:
    return trend(history) if history.size >= MIN_TREND_POINTS else None
