"""Seasonality: the M4 competition's autocorrelation test, classical decomposition and its strength."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# One-sided 90% normal quantile of the M4 benchmark's seasonality test.
_Z90 = 1.645


def autocorrelations(values: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample autocorrelations at lags 0..max_lag (zeros for a constant series)."""
    centred = values - values.mean()
    denominator = float(centred @ centred)
    if denominator == 0.0:
        return np.zeros(max_lag + 1)
    n = len(values)
    return np.array([centred[lag:] @ centred[: n - lag] for lag in range(max_lag + 1)]) / denominator


def is_seasonal(values: np.ndarray, season_length: int) -> bool:
    """The M4 benchmark's test: the autocorrelation at the season's lag lies outside its 90% band.

    Needs three full seasons; shorter histories are treated as not seasonal."""
    n = len(values)
    if season_length <= 1 or n < 3 * season_length:
        return False
    acf = autocorrelations(values, season_length)
    limit = _Z90 * np.sqrt((1 + 2 * np.sum(acf[1:season_length] ** 2)) / n)
    return bool(abs(acf[season_length]) > limit)


def centred_moving_average(values: np.ndarray, season_length: int) -> np.ndarray:
    """The trend-cycle of classical decomposition, NaN where the window does not fit."""
    m = season_length
    weights = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.full(len(values), np.nan)
    inner = np.convolve(values, weights, mode="valid")
    offset = (len(weights) - 1) // 2
    trend[offset : offset + len(inner)] = inner
    return trend


@dataclass(frozen=True)
class Seasonality:
    """Seasonal indices of classical decomposition; position i of the series has index i % length."""

    length: int
    indices: np.ndarray
    multiplicative: bool
    strength: float

    def at(self, positions: np.ndarray) -> np.ndarray:
        return self.indices[positions % self.length]

    def adjust(self, values: np.ndarray) -> np.ndarray:
        own = self.at(np.arange(len(values)))
        return values / own if self.multiplicative else values - own

    def restore(self, adjusted: np.ndarray, positions: np.ndarray) -> np.ndarray:
        own = self.at(positions)
        return adjusted * own if self.multiplicative else adjusted + own


def decompose(values: np.ndarray, season_length: int) -> Seasonality | None:
    """Classical decomposition when the seasonality test passes: multiplicative when every value is
    positive, additive otherwise. None when the series shows no seasonality at that length."""
    if not is_seasonal(values, season_length):
        return None
    m = season_length
    multiplicative = bool(np.all(values > 0))
    trend = centred_moving_average(values, m)
    detrended = values / trend if multiplicative else values - trend
    phases = np.arange(len(values)) % m
    known = np.isfinite(detrended)
    sums = np.bincount(phases[known], weights=detrended[known], minlength=m)
    counts = np.bincount(phases[known], minlength=m)
    indices = sums / np.maximum(counts, 1)
    indices = indices / indices.mean() if multiplicative else indices - indices.mean()
    seasonal = indices[phases[known]]
    remainder = detrended[known] / seasonal if multiplicative else detrended[known] - seasonal
    spread = float(np.var(detrended[known]))
    strength = 0.0 if spread == 0.0 else float(np.clip(1.0 - np.var(remainder) / spread, 0.0, 1.0))
    return Seasonality(length=m, indices=indices, multiplicative=multiplicative, strength=strength)
