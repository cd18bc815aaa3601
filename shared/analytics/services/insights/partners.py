"""Partner insights: statistics, donation trends, engagement and the breakdown by partner type."""

from __future__ import annotations

from analytics.enums import ServiceName
from analytics.insight_metrics import ACTIVE_PARTNERS, DONATION_RECEIVED, NEW_PARTNER, PARTNER_INTERACTION
from analytics.ports import UnitOfWork
from analytics.schemas.insights import (
    DonationPoint,
    DonationTrends,
    InteractionType,
    PartnerBreakdown,
    PartnerEngagement,
    PartnerStatistics,
    PartnerTypeFigures,
)
from analytics.services.insights.figures import (
    by_dimension,
    change,
    in_order,
    over_time,
    per,
    percent,
    snapshot,
    totals,
)
from analytics.services.insights.period import InsightPeriod
from analytics.statistics import Interval

SERVICE = ServiceName.PARTNERS_CRM


def partner_statistics(uow: UnitOfWork, period: InsightPeriod) -> PartnerStatistics:
    now, before = totals(uow, period, SERVICE), totals(uow, period.previous(), SERVICE)
    donations = now.of(DONATION_RECEIVED)
    return PartnerStatistics(
        period=period.shown(),
        new_partners=now.sum(NEW_PARTNER),
        active_partners=snapshot(uow, period, ACTIVE_PARTNERS),
        donations_total=donations.sum,
        donations_count=donations.count,
        average_donation=per(donations.sum, donations.count) or 0.0,
        donations_change=change(donations.sum, before.sum(DONATION_RECEIVED)),
        interactions=now.sum(PARTNER_INTERACTION),
    )


def donation_trends(uow: UnitOfWork, period: InsightPeriod, interval: Interval) -> DonationTrends:
    series = over_time(uow, period, SERVICE, interval, (DONATION_RECEIVED,), counts=True)
    sums, counts = series.sum(DONATION_RECEIVED), series.count(DONATION_RECEIVED)
    previous = totals(uow, period.previous(), SERVICE).sum(DONATION_RECEIVED)
    total, count = sum(sums), round(sum(counts))
    return DonationTrends(
        period=period.shown(),
        interval=interval,
        total=total,
        count=count,
        change=change(total, previous),
        points=[
            DonationPoint(start=start, total=value, count=round(n), average=per(value, n) or 0.0)
            for start, value, n in zip(series.buckets, sums, counts, strict=True)
        ],
    )


def partner_engagement(uow: UnitOfWork, period: InsightPeriod) -> PartnerEngagement:
    """Interactions per interaction type come from the raw rows (see figures.by_dimension)."""
    by_type = by_dimension(uow, period, SERVICE, "interaction_type")
    counted = {value: figures.sum(PARTNER_INTERACTION) for value, figures in by_type.items()}
    interactions = sum(counted.values())
    active = snapshot(uow, period, ACTIVE_PARTNERS)
    before = totals(uow, period.previous(), SERVICE).sum(PARTNER_INTERACTION)
    return PartnerEngagement(
        period=period.shown(),
        interactions=interactions,
        active_partners=active,
        interactions_per_active_partner=per(interactions, active.value),
        change=change(interactions, before),
        by_interaction_type=[
            InteractionType(
                interaction_type=value,
                interactions=counted[value],
                share_percent=percent(counted[value], interactions),
            )
            for value in in_order(counted)
            if counted[value]
        ],
    )


def partner_breakdown(uow: UnitOfWork, period: InsightPeriod) -> PartnerBreakdown:
    """New partners and donations per partner type, from the raw rows (see figures.by_dimension)."""
    by_type = by_dimension(uow, period, SERVICE, "partner_type")
    donated = sum(figures.sum(DONATION_RECEIVED) for figures in by_type.values())
    rows = []
    for value in in_order(by_type):
        figures = by_type[value]
        donations = figures.of(DONATION_RECEIVED)
        new = figures.sum(NEW_PARTNER)
        if donations.count or new:
            rows.append(
                PartnerTypeFigures(
                    partner_type=value,
                    new_partners=new,
                    donations_total=donations.sum,
                    donations_count=donations.count,
                    share_of_donations_percent=percent(donations.sum, donated),
                )
            )
    return PartnerBreakdown(period=period.shown(), partner_types=rows)
