"""Answers of the domain insights (/api/v1/analytics/...) and of the executive summary.

Counts and sums are 0 where a service has sent nothing; a rate or change whose denominator is 0 is null
(0 of 0 is no rate). Rates and shares are percentages (0 to 100).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from analytics.enums import GoalOutlook, MetricType
from analytics.statistics import Interval

RATE = "In percent; null when its denominator is 0"


class Period(BaseModel):
    start: dt.datetime = Field(description="Inclusive, in the period's time zone")
    end: dt.datetime = Field(description="Exclusive, in the period's time zone")
    tz: str


class Answer(BaseModel):
    period: Period


class Change(BaseModel):
    """A figure against the period of the same length just before."""

    current: float
    previous: float
    change: float
    change_percent: float | None = Field(description="null when the previous figure is 0")


class Snapshot(BaseModel):
    """The latest value of a daily snapshot metric within the period (0 when none was sent)."""

    value: float
    as_of: dt.date | None = Field(description="The local day of that value; null when none was sent")


class OverTime(Answer):
    interval: Interval


# Partners


class PartnerStatistics(Answer):
    new_partners: float
    active_partners: Snapshot
    donations_total: float
    donations_count: int
    average_donation: float = Field(description="0 when there were no donations")
    donations_change: Change
    interactions: float


class DonationPoint(BaseModel):
    start: dt.datetime
    total: float
    count: int
    average: float


class DonationTrends(OverTime):
    total: float
    count: int
    change: Change
    points: list[DonationPoint]


class InteractionType(BaseModel):
    interaction_type: str | None = Field(description="null for interactions sent without one")
    interactions: float
    share_percent: float | None = Field(description=RATE)


class PartnerEngagement(Answer):
    interactions: float
    active_partners: Snapshot
    interactions_per_active_partner: float | None = Field(description="null without active partners")
    change: Change
    by_interaction_type: list[InteractionType]


class PartnerTypeFigures(BaseModel):
    partner_type: str | None = Field(description="null for metrics sent without one")
    new_partners: float
    donations_total: float
    donations_count: int
    share_of_donations_percent: float | None = Field(description=RATE)


class PartnerBreakdown(Answer):
    partner_types: list[PartnerTypeFigures]


# Projects


class ProjectStatistics(Answer):
    projects_created: float
    projects_completed: float
    active_projects: Snapshot
    beneficiaries_reached: float
    completion_rate_percent: float | None = Field(description="Completed per created in the period. " + RATE)


class ProjectTypeImpact(BaseModel):
    project_type: str | None
    beneficiaries_reached: float
    projects_completed: float
    share_percent: float | None = Field(description="Of all beneficiaries. " + RATE)


class ProjectImpact(Answer):
    beneficiaries_reached: float
    projects_completed: float
    beneficiaries_per_completed_project: float | None
    change: Change
    by_project_type: list[ProjectTypeImpact]


class ProjectTypeCompletion(BaseModel):
    project_type: str | None
    projects_created: float
    projects_completed: float
    completion_rate_percent: float | None = Field(description=RATE)


class ProjectCompletion(Answer):
    projects_created: float
    projects_completed: float
    completion_rate_percent: float | None = Field(description="Completed per created. " + RATE)
    by_project_type: list[ProjectTypeCompletion]


class ValuePoint(BaseModel):
    start: dt.datetime
    value: float


class BeneficiaryTrends(OverTime):
    total: float
    change: Change
    points: list[ValuePoint]


# Social media


class EngagementFigures(BaseModel):
    likes: float
    comments: float
    shares: float
    engagements: float = Field(description="Likes, comments and shares")
    reach: float
    engagement_rate_percent: float | None = Field(description="Engagements per reach. " + RATE)


class SocialPerformance(Answer, EngagementFigures):
    posts: float
    engagements_per_post: float | None
    engagements_change: Change


class PlatformFigures(EngagementFigures):
    platform: str | None
    posts: float
    share_of_engagements_percent: float | None = Field(description=RATE)


class PlatformComparison(Answer):
    platforms: list[PlatformFigures] = Field(description="Most engagements first")


class EngagementPoint(EngagementFigures):
    start: dt.datetime


class EngagementTrends(OverTime):
    points: list[EngagementPoint]


# Notifications


class NotificationFigures(BaseModel):
    sent: float
    delivered: float
    failed: float
    opened: float
    clicked: float
    delivery_rate_percent: float | None = Field(description="Delivered per sent. " + RATE)
    failure_rate_percent: float | None = Field(description="Failed per sent. " + RATE)
    open_rate_percent: float | None = Field(description="Opened per delivered. " + RATE)
    click_rate_percent: float | None = Field(description="Clicked per delivered. " + RATE)


class NotificationStatistics(Answer, NotificationFigures):
    pass


class DeliveryPoint(BaseModel):
    start: dt.datetime
    sent: float
    delivered: float
    failed: float
    delivery_rate_percent: float | None = Field(description=RATE)


class DeliveryRates(OverTime):
    sent: float
    delivered: float
    failed: float
    delivery_rate_percent: float | None = Field(description=RATE)
    points: list[DeliveryPoint]


class ChannelFigures(NotificationFigures):
    channel: str | None


class ChannelEffectiveness(Answer):
    channels: list[ChannelFigures] = Field(description="By channel name")
    most_effective_channel: str | None = Field(
        description="The channel with the highest click rate (then open rate, then delivery rate)"
    )


# Executive summary


class GoalAtRisk(BaseModel):
    name: str
    metric_type: MetricType
    target_value: float
    current_value: float
    unit: str | None
    start_date: dt.date
    end_date: dt.date
    progress_percent: float = Field(description="current_value per target_value")
    elapsed_percent: float = Field(description="Share of the goal's days up to the period's last day")
    probability: float | None = Field(description="Of reaching the target by end_date, as last computed")
    status: GoalOutlook | None = Field(description="at_risk or off_track")


class ExecutiveSummary(Answer):
    previous_period: Period
    donations: Change = Field(description="Total donated, against the previous period")
    donations_count: int
    new_partners: float
    active_partners: Snapshot
    active_projects: Snapshot
    projects_completed: float
    beneficiaries_reached: float
    social_engagements: float
    social_engagement_rate_percent: float | None = Field(description=RATE)
    notifications_sent: float
    notification_delivery_rate_percent: float | None = Field(description=RATE)
    active_goals: int
    goals_at_risk: list[GoalAtRisk] = Field(description="Furthest behind first")
