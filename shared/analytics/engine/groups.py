"""Whether groups of observations differ by more than chance: one-way analysis of variance.

The F statistic is the spread of the group means (weighted by their sizes) over the spread inside the
groups; its upper tail under "every group has the same mean" is the p-value. It assumes roughly normal
values of similar variance in every group, so the p-value is a guide for daily totals, not a proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analytics.engine.array_checks import as_series
from analytics.engine.distributions import f_upper_tail

MIN_GROUPS = 2
MIN_POINTS_PER_GROUP = 2


@dataclass(frozen=True)
class GroupDifference:
    groups: int
    n: int  # observations in all
    # None when nothing varies inside the groups: then the p-value is 0 if their means differ, else 1.
    f_statistic: float | None
    p_value: float
    between_degrees_of_freedom: int
    within_degrees_of_freedom: int


def compare_groups(samples: Sequence[npt.ArrayLike]) -> GroupDifference:
    """One-way ANOVA of the samples (at least two groups of at least two observations each)."""
    if len(samples) < MIN_GROUPS:
        raise ValueError(f"comparing needs at least {MIN_GROUPS} groups, got {len(samples)}")
    groups = [
        as_series(sample, name=f"group {i}", minimum=MIN_POINTS_PER_GROUP) for i, sample in enumerate(samples)
    ]
    values = np.concatenate(groups)
    n, k = values.size, len(groups)
    grand_mean = values.mean()
    between = sum(group.size * (group.mean() - grand_mean) ** 2 for group in groups)
    within = sum(float(np.sum((group - group.mean()) ** 2)) for group in groups)
    between_df, within_df = k - 1, n - k
    if within == 0:
        f_statistic, p_value = None, (0.0 if between > 0 else 1.0)
    else:
        f_statistic = float((between / between_df) / (within / within_df))
        p_value = f_upper_tail(f_statistic, between_df, within_df)
    return GroupDifference(
        groups=k,
        n=n,
        f_statistic=f_statistic,
        p_value=p_value,
        between_degrees_of_freedom=between_df,
        within_degrees_of_freedom=within_df,
    )
