"""Comparisons of a metric by service, by segment (a dimension's values) or by time period (the period
against the ones of the same length before it): figures per group, their spread, whether the groups
differ by more than chance (a one-way ANOVA of their daily values), and sentences that say it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics as stats
from collections import defaultdict
from collections.abc import Sequence

from analytics.engine.groups import compare_groups
from analytics.enums import ServiceName
from analytics.errors import InvalidRequest
from analytics.ports import UnitOfWork
from analytics.schemas.advanced import (
    CompareBy,
    ComparedGroup,
    ComparisonAnswer,
    ComparisonRequest,
    GroupTest,
    SeriesSelection,
)
from analytics.schemas.statistics import Aggregate
from analytics.services.advanced.series import ADDITIVE, period_or_last_days, selection_query
from analytics.services.statistics import statistics
from analytics.statistics import StatisticsQuery, zone_of

DEFAULT_DAYS = 30
MAX_GROUPS = 50
SIGNIFICANCE = 0.05
ANOVA = "one-way ANOVA of the groups' daily values"


@dataclasses.dataclass(frozen=True)
class Group:
    name: str
    query: StatisticsQuery  # its metrics in its period, grouped by nothing


def compare(uow: UnitOfWork, request: ComparisonRequest, now: dt.datetime) -> ComparisonAnswer:
    start, end = period_or_last_days(request.start_date, request.end_date, request.tz, now, DEFAULT_DAYS)
    base = selection_query(request, start, end, request.tz)
    groups = _groups(uow, request, base)
    values = [_value(uow, group.query, request.agg) for group in groups]
    known = [value for value in values if value is not None]
    total = sum(known) if request.agg in ADDITIVE else None
    mean = stats.fmean(known) if known else None
    compared = [
        ComparedGroup(
            name=group.name,
            start=group.query.start.astimezone(zone_of(request.tz)),
            end=group.query.end.astimezone(zone_of(request.tz)),
            value=value,
            share_percent=value / total * 100 if value is not None and total else None,
            difference_from_mean_percent=(value - mean) / abs(mean) * 100
            if value is not None and mean
            else None,
        )
        for group, value in zip(groups, values, strict=True)
    ]
    if request.compare_by is not CompareBy.TIME_PERIOD:
        compared.sort(key=lambda group: (group.value is None, -(group.value or 0.0)))
    ranked = sorted((g for g in compared if g.value is not None), key=lambda g: g.value or 0.0)
    deviation = stats.pstdev(known) if len(known) > 1 else None
    test = _test(uow, groups, request.agg)
    answer = ComparisonAnswer(
        compare_by=request.compare_by,
        selection=SeriesSelection.model_validate(
            request.model_dump(include=set(SeriesSelection.model_fields))
        ),
        groups=compared,
        best=ranked[-1].name if ranked else None,
        worst=ranked[0].name if ranked else None,
        mean=mean,
        standard_deviation=deviation,
        variance=deviation**2 if deviation is not None else None,
        coefficient_of_variation=deviation / abs(mean) if deviation is not None and mean else None,
        test=test,
        insights=[],
    )
    return answer.model_copy(update={"insights": insights(answer, request.agg)})


def _groups(uow: UnitOfWork, request: ComparisonRequest, base: StatisticsQuery) -> list[Group]:
    if request.compare_by is CompareBy.TIME_PERIOD:
        length = base.end - base.start
        return [
            Group(
                name="current period" if back == 0 else f"{back} period{'s' if back > 1 else ''} before",
                query=dataclasses.replace(
                    base, start=base.start - back * length, end=base.end - back * length
                ),
            )
            for back in range(request.periods + 1)
        ]
    if request.compare_by is CompareBy.SEGMENT and not request.dimension:
        raise InvalidRequest("compare_by segment needs `dimension`: the key whose values are the segments")
    field = "service_name" if request.compare_by is CompareBy.SERVICE else f"dimensions.{request.dimension}"
    found = statistics(uow, dataclasses.replace(base, group_by=(field,)), percentiles=False).groups
    names = [str(row.group[field]) for row in found if row.group[field] is not None]
    if len(names) > MAX_GROUPS:
        raise InvalidRequest(
            f"{len(names)} groups match: compare at most {MAX_GROUPS}; narrow the selection with filters"
        )
    return [Group(name=name, query=_narrowed(base, request, name)) for name in names]


def _narrowed(base: StatisticsQuery, request: ComparisonRequest, name: str) -> StatisticsQuery:
    if request.compare_by is CompareBy.SERVICE:
        return dataclasses.replace(base, service_name=ServiceName(name))
    filters = dict(base.dimensions) | {str(request.dimension): name}
    return dataclasses.replace(base, dimensions=tuple(sorted(filters.items())))


def _value(uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate) -> float | None:
    [figures] = statistics(uow, query, percentiles=agg is Aggregate.P95).groups
    value = getattr(figures, str(agg))
    return float(value) if value is not None else None


def _test(uow: UnitOfWork, groups: list[Group], agg: Aggregate) -> GroupTest | None:
    """The ANOVA of each group's daily values (days without metrics are zero for sums and counts)."""
    samples: list[Sequence[float]] = [_daily_values(uow, group.query, agg) for group in groups]
    samples = [sample for sample in samples if len(sample) >= 2]
    if len(samples) < 2:
        return None
    difference = compare_groups(samples)
    return GroupTest(
        method=ANOVA,
        f_statistic=difference.f_statistic,
        p_value=difference.p_value,
        significant=difference.p_value < SIGNIFICANCE,
        observations=difference.n,
    )


def _daily_values(uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate) -> list[float]:
    days = statistics(uow, dataclasses.replace(query, group_by=("date",)), percentiles=agg is Aggregate.P95)
    by_day: dict[str, float] = defaultdict(float)
    for row in days.groups:
        value = getattr(row, str(agg))
        if value is not None:
            by_day[str(row.group["date"])] = float(value)
    if agg in ADDITIVE:
        span = math.ceil((query.end - query.start).total_seconds() / 86400)
        return [*by_day.values(), *[0.0] * max(0, span - len(by_day))]
    return list(by_day.values())


def insights(answer: ComparisonAnswer, agg: Aggregate) -> list[str]:
    """Short sentences a reader takes in at a glance, from the figures alone."""
    measured = [group for group in answer.groups if group.value is not None]
    if not measured:
        return ["No metrics match the selection in these periods."]
    sentences = []
    if answer.compare_by is CompareBy.TIME_PERIOD:
        current, *earlier = answer.groups
        if current.value is not None and earlier and earlier[0].value:
            change = (current.value - earlier[0].value) / abs(earlier[0].value) * 100
            direction = "above" if change >= 0 else "below"
            sentences.append(
                f"The current period's {agg} is {_number(current.value)}, {abs(change):.1f}% {direction} the "
                f"period before ({_number(earlier[0].value)})."
            )
    elif answer.best is not None and answer.worst is not None and len(measured) > 1:
        best = next(group for group in measured if group.name == answer.best)
        share = f" ({best.share_percent:.1f}% of the total)" if best.share_percent is not None else ""
        worst = next(group for group in measured if group.name == answer.worst)
        sentences.append(
            f"{best.name} leads with {_number(best.value)}{share}; {worst.name} is last with "
            f"{_number(worst.value)}."
        )
    if answer.coefficient_of_variation is not None:
        sentences.append(
            f"The groups' values vary by {answer.coefficient_of_variation * 100:.0f}% around their mean of "
            f"{_number(answer.mean)}."
        )
    if answer.test is not None:
        verdict = "larger than chance" if answer.test.significant else "within what chance would give"
        sentences.append(f"The difference between the groups is {verdict} (p = {answer.test.p_value:.3g}).")
    return sentences


def _number(value: float | None) -> str:
    if value is None:
        return "nothing"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
