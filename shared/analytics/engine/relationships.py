"""Statistical relationships between series: correlation (Pearson and Spearman) and linear regression.

p-values are two-sided, from Student's t with n - 2 (correlation) or n - k - 1 (regression on k
predictors) degrees of freedom, Spearman's through the same t approximation on the rank correlation.
A perfect relationship has p-value 0; a t statistic of a coefficient estimated with no error at all is
reported as +-inf.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analytics.engine.array_checks import FloatArray, as_matrix, as_series, same_length
from analytics.engine.distributions import student_t_two_sided_p

MIN_CORRELATION_POINTS = 3


@dataclass(frozen=True)
class Correlation:
    n: int
    pearson_r: float
    pearson_p_value: float
    spearman_rho: float
    spearman_p_value: float


@dataclass(frozen=True)
class ResidualSummary:
    minimum: float
    first_quartile: float
    median: float
    third_quartile: float
    maximum: float
    standard_error: float  # the residual standard error: sqrt(RSS / residual degrees of freedom)


@dataclass(frozen=True)
class Regression:
    """y = intercept + sum(coefficients[j] * X[:, j]). `standard_errors`, `t_values` and `p_values` hold
    the intercept's first, then one per column of X."""

    n: int
    intercept: float
    coefficients: list[float]
    standard_errors: list[float]
    t_values: list[float]
    p_values: list[float]
    r_squared: float
    adjusted_r_squared: float
    residual_degrees_of_freedom: int
    residuals: ResidualSummary


def correlation(x: npt.ArrayLike, y: npt.ArrayLike) -> Correlation:
    """Pearson's r and Spearman's rho of two paired series, with their two-sided p-values."""
    xs = as_series(x, name="x", minimum=MIN_CORRELATION_POINTS)
    ys = as_series(y, name="y", minimum=MIN_CORRELATION_POINTS)
    same_length(xs, ys, names=("x", "y"))
    for name, series in (("x", xs), ("y", ys)):
        if np.ptp(series) == 0:
            raise ValueError(f"correlation is undefined: {name} is constant (every value is {series[0]:g})")
    n = xs.size
    r = _pearson(xs, ys)
    rho = _pearson(_ranks(xs), _ranks(ys))
    return Correlation(
        n=n,
        pearson_r=r,
        pearson_p_value=_correlation_p_value(r, n),
        spearman_rho=rho,
        spearman_p_value=_correlation_p_value(rho, n),
    )


def regression(X: npt.ArrayLike, y: npt.ArrayLike) -> Regression:
    """Ordinary least squares of y on the columns of X (one predictor may be given as a 1-D array),
    with an intercept."""
    ys = as_series(y, name="y", minimum=1)
    predictors = as_matrix(X, name="X", minimum_rows=1)
    same_length(predictors, ys, names=("X", "y"))
    n, p = predictors.shape
    if n < p + 2:
        raise ValueError(
            f"regression on {p} predictor(s) with an intercept needs at least {p + 2} points, got {n}"
        )
    if np.ptp(ys) == 0:
        raise ValueError(f"regression is undefined: y is constant (every value is {ys[0]:g})")
    design = np.column_stack([np.ones(n), predictors])
    constant = [j for j in range(p) if np.ptp(predictors[:, j]) == 0]
    if constant:
        raise ValueError(f"X column(s) {constant} are constant: the intercept already fits a constant")
    if np.linalg.matrix_rank(design) < p + 1:
        raise ValueError("the columns of X are linearly dependent (collinear): drop the redundant ones")
    q, r = np.linalg.qr(design)  # through QR, not the normal equations, for accuracy
    beta = np.linalg.solve(r, q.T @ ys)
    residuals = ys - design @ beta
    dof = n - p - 1
    rss = float(residuals @ residuals)
    tss = float(np.sum((ys - ys.mean()) ** 2))
    r_squared = min(1.0, max(0.0, 1.0 - rss / tss))
    sigma2 = rss / dof
    r_inverse = np.linalg.solve(r, np.eye(p + 1))
    errors = np.sqrt(sigma2 * np.sum(r_inverse**2, axis=1))  # diag of sigma2 (X'X)^-1 = sigma2 R^-1 R^-T
    t_values = [_t_value(float(b), float(se)) for b, se in zip(beta, errors, strict=True)]
    quartiles = np.quantile(residuals, [0.0, 0.25, 0.5, 0.75, 1.0])
    return Regression(
        n=n,
        intercept=float(beta[0]),
        coefficients=[float(b) for b in beta[1:]],
        standard_errors=[float(se) for se in errors],
        t_values=t_values,
        p_values=[student_t_two_sided_p(t, dof) for t in t_values],
        r_squared=r_squared,
        adjusted_r_squared=1.0 - (1.0 - r_squared) * (n - 1) / dof,
        residual_degrees_of_freedom=dof,
        residuals=ResidualSummary(
            minimum=float(quartiles[0]),
            first_quartile=float(quartiles[1]),
            median=float(quartiles[2]),
            third_quartile=float(quartiles[3]),
            maximum=float(quartiles[4]),
            standard_error=math.sqrt(sigma2),
        ),
    )


def _pearson(x: FloatArray, y: FloatArray) -> float:
    dx, dy = x - x.mean(), y - y.mean()
    r = float(dx @ dy / math.sqrt(float(dx @ dx) * float(dy @ dy)))
    return min(1.0, max(-1.0, r))


def _ranks(values: FloatArray) -> FloatArray:
    """Ranks from 1, ties sharing their average rank."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], ordered.size]
    average = (starts + ends + 1) / 2.0  # ranks starts+1 .. ends, averaged
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def _correlation_p_value(r: float, n: int) -> float:
    if abs(r) >= 1.0:
        return 0.0
    dof = n - 2
    return student_t_two_sided_p(r * math.sqrt(dof / (1.0 - r * r)), dof)


def _t_value(coefficient: float, error: float) -> float:
    if error > 0:
        return coefficient / error
    return 0.0 if coefficient == 0 else math.copysign(math.inf, coefficient)
