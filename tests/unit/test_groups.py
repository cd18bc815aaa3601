"""One-way analysis of variance: whether groups differ by more than chance."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.engine.distributions import f_upper_tail
from analytics.engine.groups import compare_groups


def test_a_textbook_anova_gives_its_f_and_p_value() -> None:
    # Three groups of six whose F(2, 15) is 9.26 (p = 0.0024), worked by hand
    answer = compare_groups([[6, 8, 4, 5, 3, 4], [8, 12, 9, 11, 6, 8], [13, 9, 11, 8, 7, 12]])

    assert answer.f_statistic == pytest.approx(9.2647, abs=1e-4)
    assert answer.p_value == pytest.approx(0.0024, abs=1e-4)
    assert (answer.between_degrees_of_freedom, answer.within_degrees_of_freedom, answer.n) == (2, 15, 18)


def test_samples_of_one_population_are_not_told_apart() -> None:
    rng = np.random.default_rng(7)

    answer = compare_groups([rng.normal(100, 10, 40) for _ in range(4)])

    assert answer.p_value > 0.05


def test_groups_without_spread_inside_differ_for_certain_or_not_at_all() -> None:
    assert compare_groups([[3, 3, 3], [5, 5]]).p_value == 0.0
    assert compare_groups([[3, 3], [3, 3]]).p_value == 1.0
    assert compare_groups([[3, 3], [3, 3]]).f_statistic is None


def test_the_f_tail_matches_known_quantiles() -> None:
    assert f_upper_tail(4.10, 2, 10) == pytest.approx(0.05, abs=5e-4)  # F(0.95; 2, 10) = 4.10
    assert f_upper_tail(0.0, 3, 7) == 1.0


@pytest.mark.parametrize("samples", [[[1, 2, 3]], [[1, 2], [3]], [[1, 2], [3, float("nan")]]])
def test_too_few_groups_or_points_or_a_nan_is_a_value_error(samples: list[list[float]]) -> None:
    with pytest.raises(ValueError):
        compare_groups(samples)
