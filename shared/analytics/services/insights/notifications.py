"""Notification insights: statistics, delivery rates over time and channel effectiveness.

Delivery and failure rates are per notification sent; open and click rates per notification delivered.
"""

from __future__ import annotations

from analytics.enums import ServiceName
from analytics.insight_metrics import (
    NOTIFICATION_CLICKED,
    NOTIFICATION_DELIVERED,
    NOTIFICATION_FAILED,
    NOTIFICATION_OPENED,
    NOTIFICATION_SENT,
)
from analytics.ports import UnitOfWork
from analytics.schemas.insights import (
    ChannelEffectiveness,
    ChannelFigures,
    DeliveryPoint,
    DeliveryRates,
    NotificationFigures,
    NotificationStatistics,
)
from analytics.services.insights.figures import Totals, by_dimension, in_order, over_time, percent, totals
from analytics.services.insights.period import InsightPeriod
from analytics.statistics import Interval

SERVICE = ServiceName.NOTIFICATION
COUNTED = (
    NOTIFICATION_SENT,
    NOTIFICATION_DELIVERED,
    NOTIFICATION_FAILED,
    NOTIFICATION_OPENED,
    NOTIFICATION_CLICKED,
)


def _figures(of: Totals) -> NotificationFigures:
    sent, delivered, failed, opened, clicked = (of.sum(metric) for metric in COUNTED)
    return NotificationFigures(
        sent=sent,
        delivered=delivered,
        failed=failed,
        opened=opened,
        clicked=clicked,
        delivery_rate_percent=percent(delivered, sent),
        failure_rate_percent=percent(failed, sent),
        open_rate_percent=percent(opened, delivered),
        click_rate_percent=percent(clicked, delivered),
    )


def notification_statistics(uow: UnitOfWork, period: InsightPeriod) -> NotificationStatistics:
    figures = _figures(totals(uow, period, SERVICE))
    return NotificationStatistics(period=period.shown(), **figures.model_dump())


def delivery_rates(uow: UnitOfWork, period: InsightPeriod, interval: Interval) -> DeliveryRates:
    metrics = (NOTIFICATION_SENT, NOTIFICATION_DELIVERED, NOTIFICATION_FAILED)
    series = over_time(uow, period, SERVICE, interval, metrics)
    sent, delivered, failed = (series.sum(metric) for metric in metrics)
    return DeliveryRates(
        period=period.shown(),
        interval=interval,
        sent=sum(sent),
        delivered=sum(delivered),
        failed=sum(failed),
        delivery_rate_percent=percent(sum(delivered), sum(sent)),
        points=[
            DeliveryPoint(start=start, sent=s, delivered=d, failed=f, delivery_rate_percent=percent(d, s))
            for start, s, d, f in zip(series.buckets, sent, delivered, failed, strict=True)
        ],
    )


def _effectiveness(channel: ChannelFigures) -> tuple[float, float, float]:
    return (
        channel.click_rate_percent or 0.0,
        channel.open_rate_percent or 0.0,
        channel.delivery_rate_percent or 0.0,
    )


def channel_effectiveness(uow: UnitOfWork, period: InsightPeriod) -> ChannelEffectiveness:
    """Per channel, from the raw rows (see figures.by_dimension)."""
    by_channel = by_dimension(uow, period, SERVICE, "channel")
    channels = [
        ChannelFigures(channel=value, **_figures(by_channel[value]).model_dump())
        for value in in_order(by_channel)
        if by_channel[value].sum(*COUNTED)
    ]
    named = [channel for channel in channels if channel.channel is not None and channel.sent]
    best = max(named, key=_effectiveness, default=None)
    return ChannelEffectiveness(
        period=period.shown(), channels=channels, most_effective_channel=best.channel if best else None
    )
