"""Social media insights: performance, platform comparison and engagement trends.

An engagement is a like, a comment or a share; the engagement rate is engagements per reach.
"""

from __future__ import annotations

from typing import Any

from analytics.enums import ServiceName
from analytics.insight_metrics import POST_COMMENTS, POST_CREATED, POST_LIKES, POST_REACH, POST_SHARES
from analytics.ports import UnitOfWork
from analytics.schemas.insights import (
    EngagementPoint,
    EngagementTrends,
    PlatformComparison,
    PlatformFigures,
    SocialPerformance,
)
from analytics.services.insights.figures import (
    Totals,
    by_dimension,
    change,
    in_order,
    over_time,
    per,
    percent,
    totals,
)
from analytics.services.insights.period import InsightPeriod
from analytics.statistics import Interval

SERVICE = ServiceName.SOCIAL_MEDIA


def _engagement(likes: float, comments: float, shares: float, reach: float) -> dict[str, Any]:
    engagements = likes + comments + shares
    return {
        "likes": likes,
        "comments": comments,
        "shares": shares,
        "engagements": engagements,
        "reach": reach,
        "engagement_rate_percent": percent(engagements, reach),
    }


def _engagement_of(figures: Totals) -> dict[str, Any]:
    return _engagement(
        *(figures.sum(metric) for metric in (POST_LIKES, POST_COMMENTS, POST_SHARES, POST_REACH))
    )


def social_performance(uow: UnitOfWork, period: InsightPeriod) -> SocialPerformance:
    now, before = totals(uow, period, SERVICE), totals(uow, period.previous(), SERVICE)
    engagement = _engagement_of(now)
    posts = now.sum(POST_CREATED)
    return SocialPerformance(
        period=period.shown(),
        posts=posts,
        engagements_per_post=per(engagement["engagements"], posts),
        engagements_change=change(engagement["engagements"], _engagement_of(before)["engagements"]),
        **engagement,
    )


def platform_comparison(uow: UnitOfWork, period: InsightPeriod) -> PlatformComparison:
    """Per platform, from the raw rows (see figures.by_dimension); most engagements first."""
    by_platform = by_dimension(uow, period, SERVICE, "platform")
    figures = {value: _engagement_of(totals) for value, totals in by_platform.items()}
    everything = sum(f["engagements"] for f in figures.values())
    rows = [
        PlatformFigures(
            platform=value,
            posts=by_platform[value].sum(POST_CREATED),
            share_of_engagements_percent=percent(figures[value]["engagements"], everything),
            **figures[value],
        )
        for value in in_order(by_platform)
        if by_platform[value].sum(POST_CREATED) or figures[value]["engagements"] or figures[value]["reach"]
    ]
    rows.sort(key=lambda row: -row.engagements)
    return PlatformComparison(period=period.shown(), platforms=rows)


def engagement_trends(uow: UnitOfWork, period: InsightPeriod, interval: Interval) -> EngagementTrends:
    metrics = (POST_LIKES, POST_COMMENTS, POST_SHARES, POST_REACH)
    series = over_time(uow, period, SERVICE, interval, metrics)
    columns = [series.sum(metric) for metric in metrics]
    return EngagementTrends(
        period=period.shown(),
        interval=interval,
        points=[
            EngagementPoint(start=start, **_engagement(*values))
            for start, *values in zip(series.buckets, *columns, strict=True)
        ],
    )
