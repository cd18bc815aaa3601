"""Advanced analytics (spec/003, /api/v1/advanced): predictions, forecasts, comparisons, calculations."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from analytics.enums import MetricType, ServiceName
from analytics.schemas.common import Name, RequestBody
from analytics.schemas.statistics import Aggregate
from analytics.schemas.time import DateOrTimestamp
from analytics.statistics import Interval

CONFIDENCE_DESCRIPTION = "Central probability of the prediction interval, from 0.5 to 0.99"


class CalendarPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class SeriesSelection(RequestBody):
    """Which metrics make the series, as the statistics endpoints' filters pick them, and how each period's
    value is computed from them."""

    model_config = ConfigDict(extra="forbid")

    service_name: ServiceName | None = None
    metric_type: MetricType | None = None
    metric_name: Name | None = None
    dimensions: dict[Annotated[str, Field(min_length=1, max_length=100)], str] = Field(
        default_factory=dict, description="Only metrics whose dimensions hold these values", max_length=16
    )
    agg: Aggregate = Field(Aggregate.SUM, description="Each period's value: sum, avg, count, min, max or p95")
    tz: str = Field(
        "UTC", description="IANA time zone of the periods' boundaries", examples=["Europe/Berlin"]
    )


class PredictionRequest(SeriesSelection):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "service_name": "partners_crm",
                    "metric_type": "donation",
                    "prediction_days": 30,
                    "confidence_level": 0.95,
                }
            ]
        },
    )

    prediction_days: int = Field(30, ge=1, le=365, description="Days to predict after today")
    confidence_level: float = Field(0.95, ge=0.5, le=0.99, description=CONFIDENCE_DESCRIPTION)
    history_days: int = Field(730, ge=7, le=2000, description="Whole days before today the model learns from")


class ForecastRequest(SeriesSelection):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "metric_name": "donation_received",
                    "period": "month",
                    "periods": 6,
                    "confidence_level": 0.9,
                    "tz": "America/New_York",
                }
            ]
        },
    )

    period: CalendarPeriod = CalendarPeriod.MONTH
    periods: int = Field(6, ge=1, le=24, description="Periods to forecast after the current one begins")
    confidence_level: float = Field(0.95, ge=0.5, le=0.99, description=CONFIDENCE_DESCRIPTION)
    history_periods: int | None = Field(
        None,
        ge=2,
        le=2000,
        description="Whole periods to learn from (default: 730 days, 156 weeks, 60 months, "
        "40 quarters or 15 years)",
    )


class TrendAnswer(BaseModel):
    direction: Literal["increasing", "decreasing", "stable"]
    slope_per_period: float = Field(description="Theil-Sen slope, in the series' unit per period")
    strength: float = Field(description="|Kendall's tau|, 0 (no tendency) to 1 (every point beyond the last)")
    p_value: float = Field(description="Of the Mann-Kendall test of no trend; `stable` unless below 0.05")


class Seasonality(BaseModel):
    period: int = Field(description="Periods in one season (7 days, 52 weeks, 12 months, 4 quarters)")
    strength: float = Field(description="0 to 1: the share of the variation the season explains")


class Accuracy(BaseModel):
    """How the same model did on the end of the history it was not shown."""

    holdout_periods: int
    mase: float | None = Field(
        description="Mean absolute error over the seasonal naive forecast's (below 1 beats it)"
    )
    smape: float = Field(description="Symmetric mean absolute percentage error, 0 to 200")
    coverage: float = Field(description="Share of the held-out values inside the prediction interval")


class PeriodValue(BaseModel):
    start: dt.datetime = Field(description="The period's local start")
    value: float


class PredictedValue(PeriodValue):
    lower: float
    upper: float


class ProjectionAnswer(BaseModel):
    selection: SeriesSelection
    period: CalendarPeriod
    confidence_level: float
    history: list[PeriodValue] = Field(description="The whole periods the model learnt from, oldest first")
    trend: TrendAnswer | None = Field(description="Of the seasonally adjusted history; null below 4 periods")
    seasonality: Seasonality | None = Field(description="Null when the history shows none")
    model: str = Field(description="The simple models combined")
    accuracy: Accuracy | None = Field(description="Null when the history is too short to hold some back")
    warnings: list[str]


class PredictionAnswer(ProjectionAnswer):
    predictions: list[PredictedValue] = Field(description="One per day after today")


class ForecastAnswer(ProjectionAnswer):
    forecast: list[PredictedValue] = Field(description="One per period, from the current one on")


class CompareBy(StrEnum):
    SERVICE = "service"
    TIME_PERIOD = "time_period"
    SEGMENT = "segment"


class ComparisonRequest(SeriesSelection):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"compare_by": "segment", "metric_name": "donation_received", "dimension": "partner_type"},
                {"compare_by": "time_period", "metric_type": "donation", "periods": 3},
            ]
        },
    )

    compare_by: CompareBy
    start_date: DateOrTimestamp | None = Field(None, description="Default: 30 whole days before today")
    end_date: DateOrTimestamp | None = Field(None, description="Included when a date; default: yesterday")
    dimension: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="The dimension whose values are the segments (segment)",
    )
    periods: int = Field(
        1, ge=1, le=12, description="Earlier periods of the same length to compare (time_period)"
    )


class ComparedGroup(BaseModel):
    name: str
    start: dt.datetime
    end: dt.datetime
    value: float | None = Field(
        description="`agg` of the group's metrics in its period; null when it has none"
    )
    share_percent: float | None = Field(description="Of the total of all groups (sum and count only)")
    difference_from_mean_percent: float | None


class GroupTest(BaseModel):
    method: str
    f_statistic: float | None
    p_value: float
    significant: bool = Field(description="Whether p < 0.05: the groups differ by more than chance")
    observations: int


class ComparisonAnswer(BaseModel):
    compare_by: CompareBy
    selection: SeriesSelection
    groups: list[ComparedGroup] = Field(description="Largest value first (time periods: newest first)")
    best: str | None
    worst: str | None
    mean: float | None
    standard_deviation: float | None
    variance: float | None
    coefficient_of_variation: float | None = Field(description="Standard deviation over the mean")
    test: GroupTest | None = Field(description="Of the groups' daily values; null with fewer than two groups")
    insights: list[str]


class CalculationPeriod(RequestBody):
    start_date: DateOrTimestamp | None = Field(None, description="Default: 90 whole days before today")
    end_date: DateOrTimestamp | None = Field(None, description="Included when a date; default: yesterday")
    interval: Interval = Field(Interval.DAY, description="The buckets the series are compared on")
    tz: str = "UTC"


class CorrelationRequest(CalculationPeriod):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "calculation": "correlation",
                    "x": {"metric_name": "post_created"},
                    "y": {"metric_name": "reach"},
                }
            ]
        },
    )

    calculation: Literal["correlation"]
    x: SeriesSelection
    y: SeriesSelection


class RegressionRequest(CalculationPeriod):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "calculation": "regression",
                    "target": {"metric_name": "donation_received"},
                    "predictors": [{"metric_name": "notification_opened"}, {"metric_name": "post_likes"}],
                }
            ]
        },
    )

    calculation: Literal["regression"]
    target: SeriesSelection
    predictors: list[SeriesSelection] = Field(min_length=1, max_length=10)


class AnomalyRequest(CalculationPeriod):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "calculation": "anomaly_detection",
                    "series": {"metric_name": "notification_delivered"},
                    "interval": "day",
                }
            ]
        },
    )

    calculation: Literal["anomaly_detection"]
    series: SeriesSelection
    threshold: float = Field(0.55, gt=0, le=1, description="Score from which a point is flagged")
    cooldown: int | None = Field(
        None,
        ge=0,
        le=1000,
        description="Points after a flag in which no other is raised, so one incident is one alert "
        "(default: a day of hours, a week of days, 4 weeks or 3 months)",
    )


class TrendRequest(CalculationPeriod):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "calculation": "trend",
                    "series": {"metric_name": "beneficiaries_reached"},
                    "interval": "week",
                    "start_date": "2026-01-01",
                }
            ]
        },
    )

    calculation: Literal["trend"]
    series: SeriesSelection


class ClusteringRequest(CalculationPeriod):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "calculation": "clustering",
                    "group_by": "partner_id",
                    "features": [
                        {"metric_name": "donation_received", "agg": "count"},
                        {"metric_name": "donation_received", "agg": "avg"},
                    ],
                }
            ]
        },
    )

    calculation: Literal["clustering"]
    group_by: str = Field(
        min_length=1,
        max_length=100,
        description="The dimension whose values are clustered (partner_id, project_id)",
    )
    features: list[SeriesSelection] = Field(
        min_length=1, max_length=10, description="One value per member each"
    )
    k: int | None = Field(
        None, ge=2, le=10, description="Clusters wanted; chosen by silhouette when left out"
    )


CalculationRequest = (
    CorrelationRequest | RegressionRequest | AnomalyRequest | TrendRequest | ClusteringRequest
)


class CorrelationAnswer(BaseModel):
    calculation: Literal["correlation"] = "correlation"
    n: int = Field(description="Buckets where both series have a value")
    pearson_r: float
    pearson_p_value: float
    spearman_rho: float
    spearman_p_value: float
    parameters: dict[str, Any]


class RegressionAnswer(BaseModel):
    calculation: Literal["regression"] = "regression"
    n: int
    intercept: float
    coefficients: list[float] = Field(description="One per predictor, in their order")
    standard_errors: list[float] = Field(description="Of the intercept, then of each coefficient")
    p_values: list[float] = Field(description="Of the intercept, then of each coefficient")
    r_squared: float
    adjusted_r_squared: float
    residuals: dict[str, float] = Field(
        description="min, first_quartile, median, third_quartile, max, standard_error"
    )
    parameters: dict[str, Any]


class ScoredPoint(BaseModel):
    start: dt.datetime
    value: float
    score: float = Field(description="0 to 1; from the points up to this one only")
    is_anomaly: bool


class AnomalyAnswer(BaseModel):
    calculation: Literal["anomaly_detection"] = "anomaly_detection"
    points: list[ScoredPoint]
    anomalies: list[ScoredPoint] = Field(description="The flagged points")
    parameters: dict[str, Any]


class TrendCalculation(TrendAnswer):
    calculation: Literal["trend"] = "trend"
    n: int
    parameters: dict[str, Any]


class Cluster(BaseModel):
    cluster: int = Field(description="Numbered by size, largest first")
    size: int
    centroid: dict[str, float] = Field(description="Each feature's mean in the cluster, in its own unit")
    members: list[str]


class ClusteringAnswer(BaseModel):
    calculation: Literal["clustering"] = "clustering"
    k: int
    silhouette: float = Field(description="-1 to 1: near 1 for compact, well separated clusters")
    silhouette_by_k: dict[int, float]
    clusters: list[Cluster]
    parameters: dict[str, Any]


CalculationAnswer = CorrelationAnswer | RegressionAnswer | AnomalyAnswer | TrendCalculation | ClusteringAnswer
