"""The metrics the domain insights (/api/v1/analytics/...) read: one catalogue, so the endpoints, their
OpenAPI descriptions and the README name the same metrics sibling services send.

Names, types, units and dimensions follow the integration guide's examples (spec/002); where it gives
none (active partners and projects, partner interactions, clicked notifications) the names follow its
naming rules (snake_case, descriptive, with the action).
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.enums import MetricType, ServiceName


@dataclass(frozen=True)
class InsightMetric:
    service: ServiceName
    metric_type: MetricType
    name: str
    unit: str
    meaning: str
    dimensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names read as this metric

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def describe(self) -> str:
        dimensions = f"; dimensions {', '.join(self.dimensions)}" if self.dimensions else ""
        also = f" (or `{'`, `'.join(self.aliases)}`)" if self.aliases else ""
        return (
            f"`{self.name}`{also}: service `{self.service}`, type `{self.metric_type}`, "
            f"unit {self.unit}{dimensions}. {self.meaning}"
        )


P, PR = ServiceName.PARTNERS_CRM, ServiceName.PROJECTS
S, N = ServiceName.SOCIAL_MEDIA, ServiceName.NOTIFICATION

# Partners CRM
NEW_PARTNER = InsightMetric(
    P,
    MetricType.PARTNER,
    "new_partner",
    "count",
    "Value 1 per partner registered.",
    ("partner_type", "country"),
)
ACTIVE_PARTNERS = InsightMetric(
    P,
    MetricType.PARTNER,
    "active_partners",
    "count",
    "A daily snapshot: how many partners are active; the latest day's value is shown.",
)
DONATION_RECEIVED = InsightMetric(
    P,
    MetricType.DONATION,
    "donation_received",
    "USD",
    "The amount of one donation.",
    ("partner_type", "partner_id", "currency"),
)
PARTNER_INTERACTION = InsightMetric(
    P,
    MetricType.ENGAGEMENT,
    "partner_interaction",
    "count",
    "Value 1 per contact with a partner (call, meeting, e-mail, visit).",
    ("interaction_type", "partner_type"),
)

# Projects
PROJECT_CREATED = InsightMetric(
    PR, MetricType.PROJECT, "project_created", "count", "Value 1 per project started.", ("project_type",)
)
PROJECT_COMPLETED = InsightMetric(
    PR,
    MetricType.PROJECT,
    "project_completed",
    "count",
    "Value 1 per project completed.",
    ("project_type", "duration_days"),
)
ACTIVE_PROJECTS = InsightMetric(
    PR,
    MetricType.PROJECT,
    "active_projects",
    "count",
    "A daily snapshot: how many projects are running; the latest day's value is shown.",
)
BENEFICIARIES_REACHED = InsightMetric(
    PR,
    MetricType.BENEFICIARY,
    "beneficiaries_reached",
    "people",
    "People reached (summed).",
    ("project_type", "country"),
)

# Social media
POST_CREATED = InsightMetric(
    S, MetricType.SOCIAL_POST, "post_created", "count", "Value 1 per post.", ("platform", "content_type")
)
POST_LIKES = InsightMetric(S, MetricType.ENGAGEMENT, "post_likes", "count", "Likes (summed).", ("platform",))
POST_COMMENTS = InsightMetric(
    S, MetricType.ENGAGEMENT, "post_comments", "count", "Comments (summed).", ("platform",)
)
POST_SHARES = InsightMetric(
    S, MetricType.ENGAGEMENT, "post_shares", "count", "Shares (summed).", ("platform",)
)
POST_REACH = InsightMetric(
    S,
    MetricType.ENGAGEMENT,
    "reach",
    "count",
    "People reached (summed); the denominator of the engagement rate.",
    ("platform",),
    aliases=("post_reach",),
)
ENGAGEMENTS = (POST_LIKES, POST_COMMENTS, POST_SHARES)  # an engagement is a like, a comment or a share

# Notifications
NOTIFICATION_SENT = InsightMetric(
    N,
    MetricType.NOTIFICATION,
    "notification_sent",
    "count",
    "Notifications sent (summed: 1 per notification, or a batch's size).",
    ("channel", "template_id"),
)
NOTIFICATION_DELIVERED = InsightMetric(
    N, MetricType.NOTIFICATION, "notification_delivered", "count", "Notifications delivered.", ("channel",)
)
NOTIFICATION_FAILED = InsightMetric(
    N, MetricType.NOTIFICATION, "notification_failed", "count", "Notifications that failed.", ("channel",)
)
NOTIFICATION_OPENED = InsightMetric(
    N, MetricType.NOTIFICATION, "notification_opened", "count", "Notifications opened.", ("channel",)
)
NOTIFICATION_CLICKED = InsightMetric(
    N,
    MetricType.NOTIFICATION,
    "notification_clicked",
    "count",
    "Notifications whose link was followed.",
    ("channel",),
)

# What each endpoint reads, by its path below /api/v1/analytics.
ENDPOINT_METRICS: dict[str, tuple[InsightMetric, ...]] = {
    "/partners/statistics": (NEW_PARTNER, ACTIVE_PARTNERS, DONATION_RECEIVED, PARTNER_INTERACTION),
    "/partners/donations": (DONATION_RECEIVED,),
    "/partners/engagement": (PARTNER_INTERACTION, ACTIVE_PARTNERS),
    "/partners/breakdown": (NEW_PARTNER, DONATION_RECEIVED),
    "/projects/statistics": (PROJECT_CREATED, PROJECT_COMPLETED, ACTIVE_PROJECTS, BENEFICIARIES_REACHED),
    "/projects/impact": (BENEFICIARIES_REACHED, PROJECT_COMPLETED),
    "/projects/completion": (PROJECT_CREATED, PROJECT_COMPLETED),
    "/projects/beneficiaries": (BENEFICIARIES_REACHED,),
    "/social-media/performance": (POST_CREATED, *ENGAGEMENTS, POST_REACH),
    "/social-media/platforms": (POST_CREATED, *ENGAGEMENTS, POST_REACH),
    "/social-media/engagement": (*ENGAGEMENTS, POST_REACH),
    "/notifications/statistics": (
        NOTIFICATION_SENT,
        NOTIFICATION_DELIVERED,
        NOTIFICATION_FAILED,
        NOTIFICATION_OPENED,
        NOTIFICATION_CLICKED,
    ),
    "/notifications/delivery": (NOTIFICATION_SENT, NOTIFICATION_DELIVERED, NOTIFICATION_FAILED),
    "/notifications/channels": (
        NOTIFICATION_SENT,
        NOTIFICATION_DELIVERED,
        NOTIFICATION_FAILED,
        NOTIFICATION_OPENED,
        NOTIFICATION_CLICKED,
    ),
}
EXECUTIVE_METRICS: tuple[InsightMetric, ...] = (
    DONATION_RECEIVED,
    NEW_PARTNER,
    ACTIVE_PARTNERS,
    ACTIVE_PROJECTS,
    PROJECT_COMPLETED,
    BENEFICIARIES_REACHED,
    *ENGAGEMENTS,
    POST_REACH,
    NOTIFICATION_SENT,
    NOTIFICATION_DELIVERED,
)


def reads(path: str) -> str:
    """The OpenAPI description's list of what an endpoint reads."""
    return "Reads:\n" + "\n".join(f"- {metric.describe()}" for metric in ENDPOINT_METRICS[path])
