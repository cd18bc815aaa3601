"""Input checks shared by the engine's entry points: one clear ValueError instead of a NaN answer."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def as_series(values: npt.ArrayLike, *, name: str, minimum: int) -> FloatArray:
    """`values` as a 1-D float array of at least `minimum` finite numbers."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional series, got shape {array.shape}")
    if array.size < minimum:
        raise ValueError(f"{name} needs at least {minimum} points, got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds non-finite values (NaN or infinity) at index {_first_bad(array)}")
    return array


def as_matrix(values: npt.ArrayLike, *, name: str, minimum_rows: int) -> FloatArray:
    """`values` as a 2-D float array (a 1-D input is one column) of finite numbers."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"{name} must be a 2-D array of rows by columns, got shape {array.shape}")
    if array.shape[0] < minimum_rows:
        raise ValueError(f"{name} needs at least {minimum_rows} rows, got {array.shape[0]}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} holds non-finite values (NaN or infinity) in row {_first_bad(array)}")
    return array


def same_length(first: FloatArray, second: FloatArray, *, names: tuple[str, str]) -> None:
    if first.shape[0] != second.shape[0]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same length, got {first.shape[0]} and {second.shape[0]}"
        )


def _first_bad(array: FloatArray) -> int:
    bad = ~np.isfinite(array)
    rows = bad if bad.ndim == 1 else bad.any(axis=1)
    return int(np.argmax(rows))
