"""Calculations over metric series: correlation, regression, anomaly detection, trend and clustering.

Each series is the selection's value per bucket of the request's period; series compared with each other
are aligned on the buckets where all of them have a value (sums and counts are zero in an empty bucket).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np

from analytics.engine.anomalies import detect_anomalies
from analytics.engine.clustering import kmeans
from analytics.engine.relationships import correlation, regression
from analytics.engine.trend import trend
from analytics.errors import InvalidRequest
from analytics.ports import UnitOfWork
from analytics.schemas.advanced import (
    AnomalyAnswer,
    AnomalyRequest,
    CalculationAnswer,
    CalculationPeriod,
    CalculationRequest,
    Cluster,
    ClusteringAnswer,
    ClusteringRequest,
    CorrelationAnswer,
    CorrelationRequest,
    RegressionAnswer,
    RegressionRequest,
    ScoredPoint,
    SeriesSelection,
    TrendCalculation,
    TrendRequest,
)
from analytics.schemas.statistics import Aggregate, Fill
from analytics.services.advanced.series import ADDITIVE, period_or_last_days, selection_query
from analytics.services.statistics import statistics, time_series
from analytics.statistics import (
    GROUP_OF_INTERVAL,
    MAX_BUCKETS,
    Interval,
    StatisticsQuery,
    zone_of,
)

DEFAULT_DAYS = 90
# One incident is one alert: no new flag within a day of hours, a week of days, and so on.
COOLDOWN = {Interval.HOUR: 24, Interval.DAY: 7, Interval.WEEK: 4, Interval.MONTH: 3}
MAX_MEMBERS = 10_000  # clustered entities; more is a question to narrow first


def calculate(uow: UnitOfWork, request: CalculationRequest, now: dt.datetime) -> CalculationAnswer:
    """The calculation `request.calculation` names; a ValueError of the engine (too few points, a constant
    series) is a 400 that says why."""
    try:
        if isinstance(request, CorrelationRequest):
            return _correlation(uow, request, now)
        if isinstance(request, RegressionRequest):
            return _regression(uow, request, now)
        if isinstance(request, AnomalyRequest):
            return _anomalies(uow, request, now)
        if isinstance(request, TrendRequest):
            return _trend(uow, request, now)
        return _clustering(uow, request, now)
    except ValueError as exc:
        raise InvalidRequest(f"the {request.calculation} cannot be computed: {exc}") from exc


def _period(request: CalculationPeriod, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return period_or_last_days(request.start_date, request.end_date, request.tz, now, DEFAULT_DAYS)


def _query(
    selection: SeriesSelection, request: CalculationPeriod, now: dt.datetime, group_by: str
) -> StatisticsQuery:
    start, end = _period(request, now)
    return selection_query(selection, start, end, request.tz, (group_by,))


def _aligned(
    uow: UnitOfWork, selections: list[SeriesSelection], request: CalculationPeriod, now: dt.datetime
) -> tuple[list[dt.datetime], np.ndarray]:
    """Bucket starts and a row per bucket of the selections' values, where all of them have one."""
    columns = []
    buckets: list[dt.datetime] = []
    for selection in selections:
        query = _query(selection, request, now, GROUP_OF_INTERVAL[request.interval])
        answer = time_series(uow, query, selection.agg, Fill.ZERO if selection.agg in ADDITIVE else Fill.NULL)
        if len(answer.buckets) > MAX_BUCKETS:
            raise InvalidRequest(f"{len(answer.buckets)} buckets: at most {MAX_BUCKETS}; shorten the period")
        buckets = answer.buckets
        columns.append(answer.series[0].values if answer.series else [None] * len(buckets))
    rows = [
        (start, [float(value) for value in values])
        for start, *values in zip(buckets, *columns, strict=True)
        if all(value is not None for value in values)
    ]
    matrix = np.array([values for _, values in rows], dtype=float).reshape(len(rows), len(selections))
    return [start for start, _ in rows], matrix


def _parameters(request: CalculationPeriod, now: dt.datetime, **more: Any) -> dict[str, Any]:
    start, end = _period(request, now)
    zone = zone_of(request.tz)
    return {
        "start": start.astimezone(zone).isoformat(),
        "end": end.astimezone(zone).isoformat(),
        "interval": request.interval.value,
        "tz": request.tz,
        **more,
    }


def _correlation(uow: UnitOfWork, request: CorrelationRequest, now: dt.datetime) -> CorrelationAnswer:
    _, values = _aligned(uow, [request.x, request.y], request, now)
    found = correlation(values[:, 0], values[:, 1])
    return CorrelationAnswer(
        n=found.n,
        pearson_r=found.pearson_r,
        pearson_p_value=found.pearson_p_value,
        spearman_rho=found.spearman_rho,
        spearman_p_value=found.spearman_p_value,
        parameters=_parameters(request, now),
    )


def _regression(uow: UnitOfWork, request: RegressionRequest, now: dt.datetime) -> RegressionAnswer:
    _, values = _aligned(uow, [request.target, *request.predictors], request, now)
    fitted = regression(values[:, 1:], values[:, 0])
    return RegressionAnswer(
        n=fitted.n,
        intercept=fitted.intercept,
        coefficients=fitted.coefficients,
        standard_errors=fitted.standard_errors,
        p_values=fitted.p_values,
        r_squared=fitted.r_squared,
        adjusted_r_squared=fitted.adjusted_r_squared,
        residuals=dataclasses.asdict(fitted.residuals),
        parameters=_parameters(request, now),
    )


def _anomalies(uow: UnitOfWork, request: AnomalyRequest, now: dt.datetime) -> AnomalyAnswer:
    starts, values = _aligned(uow, [request.series], request, now)
    cooldown = COOLDOWN[request.interval] if request.cooldown is None else request.cooldown
    found = detect_anomalies(values[:, 0], threshold=request.threshold, cooldown=cooldown)
    zone = zone_of(request.tz)
    points = [
        ScoredPoint(start=start.astimezone(zone), value=value, score=float(score), is_anomaly=bool(flag))
        for start, value, score, flag in zip(starts, values[:, 0], found.scores, found.flags, strict=True)
    ]
    return AnomalyAnswer(
        points=points,
        anomalies=[point for point in points if point.is_anomaly],
        parameters=_parameters(request, now, **found.parameters),
    )


def _trend(uow: UnitOfWork, request: TrendRequest, now: dt.datetime) -> TrendCalculation:
    _, values = _aligned(uow, [request.series], request, now)
    found = trend(values[:, 0])
    return TrendCalculation(
        n=found.n,
        direction=found.direction.value,
        slope_per_period=found.slope_per_period,
        strength=found.strength,
        p_value=found.p_value,
        parameters=_parameters(request, now, significance=found.significance),
    )


def _clustering(uow: UnitOfWork, request: ClusteringRequest, now: dt.datetime) -> ClusteringAnswer:
    """Each member (a value of the `group_by` dimension) as a point of its features' values in the period;
    a member without metrics of a feature has 0 there for sums and counts, else it is left out."""
    field = f"dimensions.{request.group_by}"
    features: list[dict[str, float]] = []
    for selection in request.features:
        answer = statistics(
            uow, _query(selection, request, now, field), percentiles=selection.agg is Aggregate.P95
        )
        if len(answer.groups) > MAX_MEMBERS:
            raise InvalidRequest(
                f"{len(answer.groups)} values of {request.group_by}: at most {MAX_MEMBERS} can be clustered; "
                "narrow the selection"
            )
        features.append(
            {
                str(group.group[field]): float(value)
                for group in answer.groups
                if group.group[field] is not None
                and (value := getattr(group, str(selection.agg))) is not None
            }
        )
    members = sorted(set().union(*features))
    points = []
    kept = []
    for member in members:
        row = [
            feature.get(member, 0.0 if selection.agg in ADDITIVE else None)
            for feature, selection in zip(features, request.features, strict=True)
        ]
        if all(value is not None for value in row):
            points.append(row)
            kept.append(member)
    found = kmeans(np.array(points, dtype=float).reshape(len(points), len(features)), request.k)
    names = [_feature_name(selection, i) for i, selection in enumerate(request.features)]
    clusters = [
        Cluster(
            cluster=label,
            size=found.sizes[label],
            centroid=dict(zip(names, found.centroids[label], strict=True)),
            members=[
                member
                for member, member_label in zip(kept, found.labels, strict=True)
                if member_label == label
            ],
        )
        for label in range(found.k)
    ]
    return ClusteringAnswer(
        k=found.k,
        silhouette=found.silhouette,
        silhouette_by_k=found.silhouette_by_k,
        clusters=clusters,
        parameters=_parameters(request, now, group_by=request.group_by, members=len(kept), features=names),
    )


def _feature_name(selection: SeriesSelection, index: int) -> str:
    subject = (
        selection.metric_name or selection.metric_type or selection.service_name or f"feature {index + 1}"
    )
    return f"{selection.agg} of {subject}"
