"""Project insights: statistics, impact, completion rates and beneficiary trends."""

from __future__ import annotations

from analytics.enums import ServiceName
from analytics.insight_metrics import (
    ACTIVE_PROJECTS,
    BENEFICIARIES_REACHED,
    PROJECT_COMPLETED,
    PROJECT_CREATED,
)
from analytics.ports import UnitOfWork
from analytics.schemas.insights import (
    BeneficiaryTrends,
    ProjectCompletion,
    ProjectImpact,
    ProjectStatistics,
    ProjectTypeCompletion,
    ProjectTypeImpact,
    ValuePoint,
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

SERVICE = ServiceName.PROJECTS


def project_statistics(uow: UnitOfWork, period: InsightPeriod) -> ProjectStatistics:
    now = totals(uow, period, SERVICE)
    created, completed = now.sum(PROJECT_CREATED), now.sum(PROJECT_COMPLETED)
    return ProjectStatistics(
        period=period.shown(),
        projects_created=created,
        projects_completed=completed,
        active_projects=snapshot(uow, period, ACTIVE_PROJECTS),
        beneficiaries_reached=now.sum(BENEFICIARIES_REACHED),
        completion_rate_percent=percent(completed, created),
    )


def project_impact(uow: UnitOfWork, period: InsightPeriod) -> ProjectImpact:
    """Beneficiaries and completed projects per project type come from the raw rows."""
    by_type = by_dimension(uow, period, SERVICE, "project_type")
    reached = sum(figures.sum(BENEFICIARIES_REACHED) for figures in by_type.values())
    completed = sum(figures.sum(PROJECT_COMPLETED) for figures in by_type.values())
    before = totals(uow, period.previous(), SERVICE).sum(BENEFICIARIES_REACHED)
    rows = [
        ProjectTypeImpact(
            project_type=value,
            beneficiaries_reached=figures.sum(BENEFICIARIES_REACHED),
            projects_completed=figures.sum(PROJECT_COMPLETED),
            share_percent=percent(figures.sum(BENEFICIARIES_REACHED), reached),
        )
        for value in in_order(by_type)
        if (figures := by_type[value]).sum(BENEFICIARIES_REACHED, PROJECT_COMPLETED)
    ]
    return ProjectImpact(
        period=period.shown(),
        beneficiaries_reached=reached,
        projects_completed=completed,
        beneficiaries_per_completed_project=per(reached, completed),
        change=change(reached, before),
        by_project_type=rows,
    )


def completion_rates(uow: UnitOfWork, period: InsightPeriod) -> ProjectCompletion:
    """Completed per created, overall and per project type (from the raw rows)."""
    by_type = by_dimension(uow, period, SERVICE, "project_type")
    created = sum(figures.sum(PROJECT_CREATED) for figures in by_type.values())
    completed = sum(figures.sum(PROJECT_COMPLETED) for figures in by_type.values())
    rows = [
        ProjectTypeCompletion(
            project_type=value,
            projects_created=figures.sum(PROJECT_CREATED),
            projects_completed=figures.sum(PROJECT_COMPLETED),
            completion_rate_percent=percent(figures.sum(PROJECT_COMPLETED), figures.sum(PROJECT_CREATED)),
        )
        for value in in_order(by_type)
        if (figures := by_type[value]).sum(PROJECT_CREATED, PROJECT_COMPLETED)
    ]
    return ProjectCompletion(
        period=period.shown(),
        projects_created=created,
        projects_completed=completed,
        completion_rate_percent=percent(completed, created),
        by_project_type=rows,
    )


def beneficiary_trends(uow: UnitOfWork, period: InsightPeriod, interval: Interval) -> BeneficiaryTrends:
    series = over_time(uow, period, SERVICE, interval, (BENEFICIARIES_REACHED,))
    values = series.sum(BENEFICIARIES_REACHED)
    total = sum(values)
    previous = totals(uow, period.previous(), SERVICE).sum(BENEFICIARIES_REACHED)
    return BeneficiaryTrends(
        period=period.shown(),
        interval=interval,
        total=total,
        change=change(total, previous),
        points=[
            ValuePoint(start=start, value=value) for start, value in zip(series.buckets, values, strict=True)
        ],
    )
