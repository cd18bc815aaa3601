"""The executive summary: every service's headline figures for a period, and the goals at risk.

A goal is at risk when it is active and its progress, as the goals' own computation last kept it
(analytics.goal_progress: the chance of reaching its target), says at_risk or off_track. Goals that are
achieved, failed or cancelled are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from analytics.enums import GoalOutlook, GoalStatus, ServiceName
from analytics.insight_metrics import (
    ACTIVE_PARTNERS,
    ACTIVE_PROJECTS,
    BENEFICIARIES_REACHED,
    DONATION_RECEIVED,
    ENGAGEMENTS,
    NEW_PARTNER,
    NOTIFICATION_DELIVERED,
    NOTIFICATION_SENT,
    POST_REACH,
    PROJECT_COMPLETED,
)
from analytics.ports import UnitOfWork
from analytics.schemas.insights import ExecutiveSummary, GoalAtRisk
from analytics.schemas.report_content import GoalProgress
from analytics.services.insights.figures import Totals, change, percent, snapshot, totals_by_service
from analytics.services.insights.period import InsightPeriod

NO_METRICS = Totals({})


def executive_summary(uow: UnitOfWork, period: InsightPeriod) -> ExecutiveSummary:
    """Read from the rollups (two grouped questions, one per period, and one per snapshot) and the goals
    overlapping the period."""
    previous = period.previous()
    now = totals_by_service(uow, period)
    before = totals_by_service(uow, previous)
    partners = now.get(ServiceName.PARTNERS_CRM, NO_METRICS)
    projects = now.get(ServiceName.PROJECTS, NO_METRICS)
    social = now.get(ServiceName.SOCIAL_MEDIA, NO_METRICS)
    notifications = now.get(ServiceName.NOTIFICATION, NO_METRICS)
    donated_before = before.get(ServiceName.PARTNERS_CRM, NO_METRICS).sum(DONATION_RECEIVED)
    engagements = social.sum(*ENGAGEMENTS)
    sent = notifications.sum(NOTIFICATION_SENT)
    with uow:
        goals = uow.goals.overlapping(period.first_day, period.last_day)
    active = [goal for goal in goals if goal.status is GoalStatus.ACTIVE]
    return ExecutiveSummary(
        period=period.shown(),
        previous_period=previous.shown(),
        donations=change(partners.sum(DONATION_RECEIVED), donated_before),
        donations_count=partners.of(DONATION_RECEIVED).count,
        new_partners=partners.sum(NEW_PARTNER),
        active_partners=snapshot(uow, period, ACTIVE_PARTNERS),
        active_projects=snapshot(uow, period, ACTIVE_PROJECTS),
        projects_completed=projects.sum(PROJECT_COMPLETED),
        beneficiaries_reached=projects.sum(BENEFICIARIES_REACHED),
        social_engagements=engagements,
        social_engagement_rate_percent=percent(engagements, social.sum(POST_REACH)),
        notifications_sent=sent,
        notification_delivery_rate_percent=percent(notifications.sum(NOTIFICATION_DELIVERED), sent),
        active_goals=len(active),
        goals_at_risk=goals_at_risk(active, period.last_day),
    )


def elapsed_share(goal: GoalProgress, as_of: dt.date) -> float:
    """The share of the goal's days from its first day up to and including `as_of` (0 to 1)."""
    days = (goal.end_date - goal.start_date).days + 1
    elapsed = (min(as_of, goal.end_date) - goal.start_date).days + 1
    return min(max(elapsed, 0), days) / days


def progress_percent(goal: GoalProgress) -> float:
    """current_value per target_value in percent; the stored percentage where the target is not positive."""
    if goal.target_value > 0:
        return goal.current_value / goal.target_value * 100
    return goal.progress_percentage


def goals_at_risk(goals: Iterable[GoalProgress], as_of: dt.date) -> list[GoalAtRisk]:
    """The active goals whose kept outlook is at risk or off track, least likely to be reached first."""
    risky = [
        goal
        for goal in goals
        if goal.status is GoalStatus.ACTIVE and goal.outlook in (GoalOutlook.AT_RISK, GoalOutlook.OFF_TRACK)
    ]
    risky.sort(key=lambda goal: (goal.probability if goal.probability is not None else 0.0, goal.name))
    return [
        GoalAtRisk(
            name=goal.name,
            metric_type=goal.metric_type,
            target_value=goal.target_value,
            current_value=goal.current_value,
            unit=goal.unit,
            start_date=goal.start_date,
            end_date=goal.end_date,
            progress_percent=progress_percent(goal),
            elapsed_percent=elapsed_share(goal, as_of) * 100,
            probability=goal.probability,
            status=goal.outlook,
        )
        for goal in risky
    ]
