"""The platform's domain insights: /api/v1/analytics/{partners,projects,social-media,notifications}/...

Every endpoint reads the stored metrics that analytics.insight_metrics names (its description lists
them), for `start_date`..`end_date` (default: the last 30 days) in the time zone `tz`.
"""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from analytics.auth import Action
from analytics.http import configure_resolver, documented, read_json_body, require, resolve, write_json
from analytics.insight_metrics import reads
from analytics.observability import logger, tracer
from analytics.schemas import insights as answers
from analytics.schemas.time import DateOrTimestamp
from analytics.services.insights import notifications, partners, projects, social
from analytics.services.insights.period import InsightPeriod
from analytics.statistics import Interval
from analytics.statistics_params import TimeZone
from analytics.wiring import unit_of_work

app = APIGatewayHttpResolver(
    enable_validation=True, json_body_deserializer=read_json_body, serializer=write_json
)
configure_resolver(app)

BASE = "/api/v1/analytics"
Start = Annotated[
    DateOrTimestamp | None,
    Query(
        description="From this local date or instant (default: the 30 whole local days up to the end)",
        examples=["2025-01-01"],
    ),
]
End = Annotated[
    DateOrTimestamp | None,
    Query(
        description="Up to this local date (whole day) or before this instant (default: today, local)",
        examples=["2025-12-24"],
    ),
]
Every = Annotated[Interval, Query(description="The trend's buckets: hour, day, week or month (local)")]
BREAKDOWN = (
    "\n\nThe breakdown reads the period's whole UTC days from the daily dimension rollups (built by the "
    "daily maintenance) and the rest of the period from the raw rows."
)
NOTHING_SENT = "\n\nWhere nothing was sent, counts are 0 and rates null."


def _period(start_date: Any, end_date: Any, tz: str) -> InsightPeriod:
    require(app, Action.READ)
    return InsightPeriod.of(start_date, end_date, tz)


def _doc(path: str, text: str, breakdown: bool = False) -> str:
    return text + (BREAKDOWN if breakdown else "") + NOTHING_SENT + "\n\n" + reads(path)


# Partners


@app.get(
    f"{BASE}/partners/statistics",
    **documented(400),
    summary="Partner statistics",
    description=_doc(
        "/partners/statistics",
        "New partners, the latest count of active partners, donations (total, count, average, change "
        "against the previous period of the same length) and interactions.",
    ),
    tags=["Partner analytics"],
)
def get_partner_statistics(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.PartnerStatistics:
    return partners.partner_statistics(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/partners/donations",
    **documented(400),
    summary="Donation trends",
    description=_doc(
        "/partners/donations",
        "Donations per interval (total, count, average), with the period's total against the previous "
        "period of the same length.",
    ),
    tags=["Partner analytics"],
)
def get_donation_trends(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC", interval: Every = Interval.DAY
) -> answers.DonationTrends:
    return partners.donation_trends(unit_of_work(), _period(start_date, end_date, tz), interval)


@app.get(
    f"{BASE}/partners/engagement",
    **documented(400),
    summary="Partner engagement",
    description=_doc(
        "/partners/engagement",
        "Interactions with partners, per active partner and per interaction type, with the change "
        "against the previous period.",
        breakdown=True,
    ),
    tags=["Partner analytics"],
)
def get_partner_engagement(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.PartnerEngagement:
    return partners.partner_engagement(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/partners/breakdown",
    **documented(400),
    summary="Partners and donations by partner type",
    description=_doc(
        "/partners/breakdown",
        "New partners and donations per partner type, with each type's share of the donations.",
        breakdown=True,
    ),
    tags=["Partner analytics"],
)
def get_partner_breakdown(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.PartnerBreakdown:
    return partners.partner_breakdown(unit_of_work(), _period(start_date, end_date, tz))


# Projects


@app.get(
    f"{BASE}/projects/statistics",
    **documented(400),
    summary="Project statistics",
    description=_doc(
        "/projects/statistics",
        "Projects created and completed, the latest count of active projects, beneficiaries reached and "
        "the completion rate (completed per created).",
    ),
    tags=["Project analytics"],
)
def get_project_statistics(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.ProjectStatistics:
    return projects.project_statistics(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/projects/impact",
    **documented(400),
    summary="Project impact",
    description=_doc(
        "/projects/impact",
        "Beneficiaries reached (against the previous period), per completed project and per project type.",
        breakdown=True,
    ),
    tags=["Project analytics"],
)
def get_project_impact(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.ProjectImpact:
    return projects.project_impact(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/projects/completion",
    **documented(400),
    summary="Project completion rates",
    description=_doc(
        "/projects/completion",
        "Projects completed per project created in the period, overall and per project type.",
        breakdown=True,
    ),
    tags=["Project analytics"],
)
def get_completion_rates(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.ProjectCompletion:
    return projects.completion_rates(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/projects/beneficiaries",
    **documented(400),
    summary="Beneficiary trends",
    description=_doc(
        "/projects/beneficiaries",
        "Beneficiaries reached per interval, with the total against the previous period.",
    ),
    tags=["Project analytics"],
)
def get_beneficiary_trends(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC", interval: Every = Interval.DAY
) -> answers.BeneficiaryTrends:
    return projects.beneficiary_trends(unit_of_work(), _period(start_date, end_date, tz), interval)


# Social media


@app.get(
    f"{BASE}/social-media/performance",
    **documented(400),
    summary="Social media performance",
    description=_doc(
        "/social-media/performance",
        "Posts, likes, comments, shares, reach, the engagement rate (engagements per reach) and "
        "engagements per post, with the change in engagements against the previous period.",
    ),
    tags=["Social media analytics"],
)
def get_social_performance(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.SocialPerformance:
    return social.social_performance(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/social-media/platforms",
    **documented(400),
    summary="Platform comparison",
    description=_doc(
        "/social-media/platforms",
        "The performance figures per platform, most engagements first, with each platform's share.",
        breakdown=True,
    ),
    tags=["Social media analytics"],
)
def get_platform_comparison(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.PlatformComparison:
    return social.platform_comparison(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/social-media/engagement",
    **documented(400),
    summary="Social engagement trends",
    description=_doc(
        "/social-media/engagement",
        "Likes, comments, shares, reach and the engagement rate per interval.",
    ),
    tags=["Social media analytics"],
)
def get_engagement_trends(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC", interval: Every = Interval.DAY
) -> answers.EngagementTrends:
    return social.engagement_trends(unit_of_work(), _period(start_date, end_date, tz), interval)


# Notifications


@app.get(
    f"{BASE}/notifications/statistics",
    **documented(400),
    summary="Notification statistics",
    description=_doc(
        "/notifications/statistics",
        "Notifications sent, delivered, failed, opened and clicked, with delivery and failure rates "
        "(per sent) and open and click rates (per delivered).",
    ),
    tags=["Notification analytics"],
)
def get_notification_statistics(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.NotificationStatistics:
    return notifications.notification_statistics(unit_of_work(), _period(start_date, end_date, tz))


@app.get(
    f"{BASE}/notifications/delivery",
    **documented(400),
    summary="Delivery rates",
    description=_doc(
        "/notifications/delivery",
        "Sent, delivered and failed notifications and the delivery rate, per interval and overall.",
    ),
    tags=["Notification analytics"],
)
def get_delivery_rates(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC", interval: Every = Interval.DAY
) -> answers.DeliveryRates:
    return notifications.delivery_rates(unit_of_work(), _period(start_date, end_date, tz), interval)


@app.get(
    f"{BASE}/notifications/channels",
    **documented(400),
    summary="Channel effectiveness",
    description=_doc(
        "/notifications/channels",
        "The notification figures and rates per channel, and the most effective channel (highest click "
        "rate, then open rate, then delivery rate).",
        breakdown=True,
    ),
    tags=["Notification analytics"],
)
def get_channel_effectiveness(
    start_date: Start = None, end_date: End = None, tz: TimeZone = "UTC"
) -> answers.ChannelEffectiveness:
    return notifications.channel_effectiveness(unit_of_work(), _period(start_date, end_date, tz))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return resolve(app, event, context)
