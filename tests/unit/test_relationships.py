"""Correlation and regression: textbook values, exact fits, recovered coefficients, refused inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analytics.engine.distributions import regularized_incomplete_beta, student_t_two_sided_p
from analytics.engine.relationships import correlation, regression


def test_the_t_distribution_matches_its_table() -> None:
    # Given the two-sided 5% critical values of Student's t with 1, 10 and 30 degrees of freedom
    # Then their two-sided p-values are 0.05
    for t, dof in ((12.7062047, 1), (2.2281389, 10), (2.0422725, 30)):
        assert student_t_two_sided_p(t, dof) == pytest.approx(0.05, abs=1e-7)
    assert regularized_incomplete_beta(0.5, 2.0, 3.0) == pytest.approx(11 / 16, abs=1e-12)


def test_a_known_correlation_and_its_p_value() -> None:
    # Given five pairs whose Pearson r is sqrt(0.6) by hand (Sxy = 6, Sxx = 10, Syy = 6)
    x, y = [1, 2, 3, 4, 5], [2, 4, 5, 4, 5]

    # When correlated
    result = correlation(x, y)

    # Then r, its t = r * sqrt(3 / (1 - r^2)) = 2.1213 on 3 degrees of freedom, p = 0.1240
    assert result.n == 5
    assert result.pearson_r == pytest.approx(math.sqrt(0.6), abs=1e-12)
    assert result.pearson_p_value == pytest.approx(0.12403, abs=1e-4)
    # and Spearman's rho on ranks (1, 2.5, 4.5, 2.5, 4.5): 0.7379, p = 0.1546
    assert result.spearman_rho == pytest.approx(0.73786, abs=1e-4)
    assert result.spearman_p_value == pytest.approx(0.15462, abs=1e-4)


def test_a_monotonic_but_curved_relationship_is_a_perfect_spearman_rho() -> None:
    x = np.arange(1.0, 21.0)
    result = correlation(x, np.exp(x / 3))
    assert result.spearman_rho == pytest.approx(1.0)
    assert result.spearman_p_value == 0.0
    assert 0.7 < result.pearson_r < 0.9


def test_a_constant_series_has_no_correlation_and_says_so() -> None:
    with pytest.raises(ValueError, match="y is constant"):
        correlation([1, 2, 3, 4], [7, 7, 7, 7])


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1, 2], [3, 4], "at least 3 points"),
        ([1, 2, 3], [3, 4, 5, 6], "same length"),
        ([1, 2, float("nan")], [3, 4, 5], "non-finite"),
    ],
)
def test_bad_correlation_inputs_are_refused(x: list[float], y: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        correlation(x, y)


def test_a_perfect_line_has_r_squared_one() -> None:
    result = regression([1, 2, 3, 4, 5], [3, 5, 7, 9, 11])
    assert result.intercept == pytest.approx(1.0)
    assert result.coefficients == pytest.approx([2.0])
    assert result.r_squared == pytest.approx(1.0)
    assert result.adjusted_r_squared == pytest.approx(1.0)
    assert result.residuals.standard_error == pytest.approx(0.0, abs=1e-9)


def test_regression_recovers_known_coefficients_with_sensible_errors() -> None:
    # Given y = 1 + 2 a - 3 b + noise of standard deviation 0.5 over 400 points
    rng = np.random.default_rng(7)
    predictors = rng.normal(size=(400, 2))
    y = 1.0 + 2.0 * predictors[:, 0] - 3.0 * predictors[:, 1] + rng.normal(scale=0.5, size=400)

    # When regressed
    result = regression(predictors, y)

    # Then each coefficient is within three of its standard errors, which are near 0.5 / sqrt(400)
    truth = [1.0, 2.0, -3.0]
    estimates = [result.intercept, *result.coefficients]
    for estimate, true_value, error in zip(estimates, truth, result.standard_errors, strict=True):
        assert 0.015 < error < 0.04
        assert abs(estimate - true_value) < 3 * error
    assert result.residuals.standard_error == pytest.approx(0.5, rel=0.1)
    assert result.residual_degrees_of_freedom == 397
    assert all(p < 1e-50 for p in result.p_values[1:])
    assert 0.95 < result.adjusted_r_squared < result.r_squared < 1.0
    summary = result.residuals
    assert (
        summary.minimum < summary.first_quartile < summary.median < summary.third_quartile < summary.maximum
    )


def test_a_predictor_unrelated_to_y_is_not_significant() -> None:
    rng = np.random.default_rng(3)
    result = regression(rng.normal(size=200), rng.normal(size=200))
    assert result.p_values[1] > 0.01
    assert result.r_squared < 0.05


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([[1, 2], [2, 3], [3, 5]], [1, 2, 3], "at least 4 points"),
        ([1, 2, 3, 4], [5, 5, 5, 5], "y is constant"),
        ([[1, 2], [2, 4], [3, 6], [4, 8], [5, 1]], [1, 2, 3, 4, 5], None),
        ([[1, 2], [2, 4], [3, 6], [4, 8], [5, 10]], [1, 2, 3, 5, 4], "collinear"),
        ([[1, 3], [2, 3], [3, 3], [4, 3]], [1, 2, 3, 5], "constant"),
    ],
)
def test_bad_regression_inputs_are_refused(x: list[list[float]], y: list[float], message: str | None) -> None:
    if message is None:
        assert regression(x, y).n == 5
        return
    with pytest.raises(ValueError, match=message):
        regression(x, y)
