"""What each sibling service's export records become: metrics named as in the integration guide's
examples (spec/002), with the dimensions the domain insights read.

Every metric of a record gets the idempotency key `sync:<service>:<record id>:<metric name>`, so a record
read again (a re-run, an overlapping page, a full sync after incremental ones) is never counted twice,
and a record pushed by the service through the ingest queue with that key is not either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from analytics.enums import MetricType, SiblingService
from analytics.schemas.metrics import MetricCreate
from analytics.sync.contract import ExportRecord

Label = Annotated[str, Field(min_length=1, max_length=100)]
Count = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class RecordRejected(Exception):
    """A record that cannot become metrics; `errors` in the `{"loc", "msg", "type"}` shape."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))
        self.errors = errors


class Data(BaseModel):
    model_config = ConfigDict(extra="ignore")


@dataclass(frozen=True)
class Metric:
    """One metric a record yields, before the service, record id and timestamp are added."""

    metric_type: MetricType
    metric_name: str
    value: float
    unit: str = "count"
    dimensions: dict[str, Any] | None = None
    meta: dict[str, Any] | None = None


def dims(**values: Any) -> dict[str, Any]:
    """Dimensions without the absent ones."""
    return {key: value for key, value in values.items() if value is not None}


# Partners CRM ----------------------------------------------------------------------------------------
class PartnerData(Data):
    partner_type: Label | None = None
    country: Label | None = None


class DonationData(Data):
    amount: float = Field(ge=0, allow_inf_nan=False)
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    partner_id: Label | None = None
    partner_type: Label | None = None
    transaction_id: Label | None = None


class InteractionData(Data):
    interaction_type: Label
    partner_id: Label | None = None
    partner_type: Label | None = None


class SnapshotData(Data):
    count: Count


def partner(d: PartnerData) -> list[Metric]:
    return [
        Metric(
            MetricType.PARTNER,
            "new_partner",
            1,
            dimensions=dims(partner_type=d.partner_type, country=d.country),
        )
    ]


def donation(d: DonationData) -> list[Metric]:
    dimensions = dims(partner_id=d.partner_id, partner_type=d.partner_type, currency=d.currency)
    meta = dims(transaction_id=d.transaction_id)
    return [Metric(MetricType.DONATION, "donation_received", d.amount, d.currency, dimensions, meta)]


def interaction(d: InteractionData) -> list[Metric]:
    dimensions = dims(
        interaction_type=d.interaction_type, partner_type=d.partner_type, partner_id=d.partner_id
    )
    return [Metric(MetricType.ENGAGEMENT, "partner_interaction", 1, dimensions=dimensions)]


def active_partners(d: SnapshotData) -> list[Metric]:
    return [Metric(MetricType.PARTNER, "active_partners", d.count)]


# Projects --------------------------------------------------------------------------------------------
class ProjectData(Data):
    project_type: Label | None = None
    country: Label | None = None


class CompletedProjectData(ProjectData):
    duration_days: int | None = Field(None, ge=0)
    beneficiaries_count: Count | None = None


class BeneficiaryData(ProjectData):
    count: Count
    project_id: Label | None = None


def project_created(d: ProjectData) -> list[Metric]:
    return [Metric(MetricType.PROJECT, "project_created", 1, dimensions=dims(project_type=d.project_type))]


def project_completed(d: CompletedProjectData) -> list[Metric]:
    metrics = [
        Metric(
            MetricType.PROJECT,
            "project_completed",
            1,
            dimensions=dims(project_type=d.project_type, duration_days=d.duration_days),
        )
    ]
    if d.beneficiaries_count is not None:
        reached = dims(project_type=d.project_type, country=d.country)
        metrics.append(
            Metric(MetricType.BENEFICIARY, "beneficiaries_reached", d.beneficiaries_count, "people", reached)
        )
    return metrics


def beneficiaries(d: BeneficiaryData) -> list[Metric]:
    dimensions = dims(project_type=d.project_type, country=d.country, project_id=d.project_id)
    return [Metric(MetricType.BENEFICIARY, "beneficiaries_reached", d.count, "people", dimensions)]


def active_projects(d: SnapshotData) -> list[Metric]:
    return [Metric(MetricType.PROJECT, "active_projects", d.count)]


# Social media ----------------------------------------------------------------------------------------
class PostData(Data):
    platform: Label
    content_type: Label | None = None


class EngagementData(Data):
    platform: Label
    post_id: Label | None = None
    likes: Count | None = None
    comments: Count | None = None
    shares: Count | None = None
    reach: Count | None = None


ENGAGEMENT_METRICS = (
    ("likes", "post_likes"),
    ("comments", "post_comments"),
    ("shares", "post_shares"),
    ("reach", "reach"),
)


def post(d: PostData) -> list[Metric]:
    dimensions = dims(platform=d.platform, content_type=d.content_type)
    return [Metric(MetricType.SOCIAL_POST, "post_created", 1, dimensions=dimensions)]


def engagement(d: EngagementData) -> list[Metric]:
    dimensions = dims(platform=d.platform, post_id=d.post_id)
    counts = [(name, getattr(d, field)) for field, name in ENGAGEMENT_METRICS]
    return [
        Metric(MetricType.ENGAGEMENT, name, value, dimensions=dimensions)
        for name, value in counts
        if value is not None
    ]


# Notifications ---------------------------------------------------------------------------------------
class NotificationData(Data):
    channel: Label
    template_id: Label | None = None
    status: Literal["sent", "delivered", "failed", "opened", "clicked"] = "sent"


# A notification's status implies the steps before it: a clicked one was opened and delivered.
STEPS_OF_STATUS = {
    "sent": (),
    "delivered": ("notification_delivered",),
    "opened": ("notification_delivered", "notification_opened"),
    "clicked": ("notification_delivered", "notification_opened", "notification_clicked"),
    "failed": ("notification_failed",),
}


def notification(d: NotificationData) -> list[Metric]:
    sent = Metric(
        MetricType.NOTIFICATION,
        "notification_sent",
        1,
        dimensions=dims(channel=d.channel, template_id=d.template_id),
    )
    steps = [
        Metric(MetricType.NOTIFICATION, name, 1, dimensions=dims(channel=d.channel))
        for name in STEPS_OF_STATUS[d.status]
    ]
    return [sent, *steps]


# Auth and content ------------------------------------------------------------------------------------
class UserData(Data):
    method: Label | None = None


class ContentData(Data):
    content_type: Label | None = None


def user_registered(d: UserData) -> list[Metric]:
    return [Metric(MetricType.CONVERSION, "user_registered", 1, dimensions=dims(method=d.method))]


def user_login(d: UserData) -> list[Metric]:
    return [Metric(MetricType.ENGAGEMENT, "user_login", 1, dimensions=dims(method=d.method))]


def content_published(d: ContentData) -> list[Metric]:
    return [Metric(MetricType.CUSTOM, "content_published", 1, dimensions=dims(content_type=d.content_type))]


def content_viewed(d: ContentData) -> list[Metric]:
    return [Metric(MetricType.ENGAGEMENT, "content_viewed", 1, dimensions=dims(content_type=d.content_type))]


@dataclass(frozen=True)
class RecordType:
    data: type[Data]
    metrics: Callable[[Any], list[Metric]]
    meaning: str


MAPPING: dict[SiblingService, dict[str, RecordType]] = {
    SiblingService.PARTNERS_CRM: {
        "partner": RecordType(PartnerData, partner, "a partner registered → `new_partner`"),
        "donation": RecordType(
            DonationData, donation, "a donation → `donation_received` (amount, unit = currency)"
        ),
        "interaction": RecordType(
            InteractionData, interaction, "a contact with a partner → `partner_interaction`"
        ),
        "active_partners": RecordType(SnapshotData, active_partners, "a daily count → `active_partners`"),
    },
    SiblingService.PROJECTS: {
        "project_created": RecordType(ProjectData, project_created, "→ `project_created`"),
        "project_completed": RecordType(
            CompletedProjectData,
            project_completed,
            "→ `project_completed`, and `beneficiaries_reached` when `beneficiaries_count` is given",
        ),
        "beneficiaries": RecordType(
            BeneficiaryData, beneficiaries, "people reached → `beneficiaries_reached`"
        ),
        "active_projects": RecordType(SnapshotData, active_projects, "a daily count → `active_projects`"),
    },
    SiblingService.SOCIAL_MEDIA: {
        "post": RecordType(PostData, post, "a post published → `post_created`"),
        "engagement": RecordType(
            EngagementData,
            engagement,
            "counts gained by a post → `post_likes`, `post_comments`, `post_shares`, `reach`",
        ),
    },
    SiblingService.NOTIFICATION: {
        "notification": RecordType(
            NotificationData,
            notification,
            "→ `notification_sent`, plus `notification_delivered`, `_opened`, `_clicked` or `_failed` "
            "as `status` says",
        ),
    },
    SiblingService.AUTH: {
        "user_registered": RecordType(UserData, user_registered, "→ `user_registered` (conversion)"),
        "user_login": RecordType(UserData, user_login, "→ `user_login` (engagement)"),
    },
    SiblingService.CONTENT: {
        "content_published": RecordType(ContentData, content_published, "→ `content_published`"),
        "content_viewed": RecordType(ContentData, content_viewed, "→ `content_viewed` (engagement)"),
    },
}


def idempotency_key(service: SiblingService, record_id: str, metric_name: str) -> str:
    return f"sync:{service}:{record_id}:{metric_name}"


def parse_record(raw: Any) -> ExportRecord:
    try:
        return ExportRecord.model_validate(raw)
    except ValidationError as exc:
        raise RecordRejected(_errors(exc)) from exc


def metrics_of(service: SiblingService, record: ExportRecord) -> list[MetricCreate]:
    """The record's metrics, validated as pushed metrics are; RecordRejected says what is wrong."""
    kind = MAPPING[service].get(record.type)
    if kind is None:
        known = ", ".join(MAPPING[service])
        raise RecordRejected(
            [
                {
                    "loc": ["type"],
                    "msg": f"{service} records are of the types {known}",
                    "type": "unknown_record_type",
                }
            ]
        )
    try:
        data = kind.data.model_validate(record.data)
    except ValidationError as exc:
        raise RecordRejected(_errors(exc, prefix=["data"])) from exc
    try:
        return [
            MetricCreate.model_validate(
                {
                    "service_name": service.value,
                    "metric_type": metric.metric_type.value,
                    "metric_name": metric.metric_name,
                    "value": float(metric.value),
                    "unit": metric.unit,
                    "dimensions": metric.dimensions or {},
                    "timestamp": record.timestamp,
                    "meta": {
                        **(metric.meta or {}),
                        "sync_record_id": record.id,
                        "sync_record_type": record.type,
                    },
                    "idempotency_key": idempotency_key(service, record.id, metric.metric_name),
                }
            )
            for metric in kind.metrics(data)
        ]
    except ValidationError as exc:
        raise RecordRejected(_errors(exc, prefix=["metric"])) from exc


def record_metrics(service: SiblingService, raw: Any) -> tuple[ExportRecord, list[MetricCreate]]:
    record = parse_record(raw)
    return record, metrics_of(service, record)


def _errors(exc: ValidationError, prefix: list[str] | None = None) -> list[dict[str, Any]]:
    return [{"loc": [*(prefix or []), *e["loc"]], "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
