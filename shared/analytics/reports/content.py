"""What a report holds: a section per domain (fundraising, partners, projects and beneficiaries, social
media, notifications, goals), each figure in its own unit and never added across units, against the
previous calendar period of the same kind and the same period a year earlier (analytics.reports.periods).

Every figure is an answer of the domain insights (analytics.services.insights), asked once per period, or
a goal's progress as the goals' own computation kept it: the report restates none of their rules. A
domain without data in the report's period is left out, with a line saying so; a comparison period
without data for a domain gives its figures no comparison.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from typing import Generic, TypeVar

from analytics.enums import GoalOutlook, GoalStatus, ReportType, ServiceName
from analytics.insight_metrics import BENEFICIARIES_REACHED, DONATION_RECEIVED, NEW_PARTNER
from analytics.ports import UnitOfWork
from analytics.reports import periods
from analytics.reports.periods import Days
from analytics.schemas.insights import (
    NotificationStatistics,
    PartnerBreakdown,
    PartnerStatistics,
    ProjectStatistics,
    SocialPerformance,
)
from analytics.schemas.report_content import (
    Breakdown,
    BreakdownItem,
    CategoryChart,
    ChartSeries,
    Comparison,
    Figure,
    GoalRow,
    LeftOut,
    ReportContent,
    ReportDefinition,
    ReportPeriod,
    Section,
    SectionKey,
    TimeChart,
    Unit,
    local_midnight,
)
from analytics.services.insights import notifications, partners, projects, social
from analytics.services.insights.executive import elapsed_share, goals_at_risk, progress_percent
from analytics.services.insights.figures import change
from analytics.services.insights.period import InsightPeriod
from analytics.statistics import Interval

LONGEST_DAILY_SERIES = 93  # days (a quarter); longer periods are charted month by month
USD, PEOPLE = Unit(DONATION_RECEIVED.unit), Unit(BENEFICIARIES_REACHED.unit)
COUNT, PERCENT = Unit(NEW_PARTNER.unit), Unit.PERCENT
TITLES = {
    SectionKey.FUNDRAISING: "Fundraising",
    SectionKey.PARTNERS: "Partners",
    SectionKey.PROJECTS: "Projects and beneficiaries",
    SectionKey.SOCIAL_MEDIA: "Social media",
    SectionKey.NOTIFICATIONS: "Notifications",
    SectionKey.GOALS: "Goals",
}
# The service each domain's figures come from; goals may measure any.
SERVICE_OF = {
    SectionKey.FUNDRAISING: ServiceName.PARTNERS_CRM,
    SectionKey.PARTNERS: ServiceName.PARTNERS_CRM,
    SectionKey.PROJECTS: ServiceName.PROJECTS,
    SectionKey.SOCIAL_MEDIA: ServiceName.SOCIAL_MEDIA,
    SectionKey.NOTIFICATIONS: ServiceName.NOTIFICATION,
}

T = TypeVar("T")
R = TypeVar("R")


def interval_of(report_type: ReportType, days: int) -> Interval:
    if report_type is ReportType.DAILY:
        return Interval.HOUR
    if report_type is ReportType.ANNUAL or days > LONGEST_DAILY_SERIES:
        return Interval.MONTH
    return Interval.DAY


@dataclass(frozen=True)
class Answers(Generic[T]):
    """One insight's answers for the report's period and its comparison periods (None: no such period, or
    no data in it)."""

    current: T
    previous: T | None
    year_earlier: T | None

    def with_data(self, has_data: Callable[[T], bool]) -> Answers[T] | None:
        """None when the report's period holds no data; comparisons only where their period holds some."""
        if not has_data(self.current):
            return None
        return Answers(
            self.current,
            self.previous if self.previous is not None and has_data(self.previous) else None,
            self.year_earlier if self.year_earlier is not None and has_data(self.year_earlier) else None,
        )

    def items(self, rows: Callable[[T], dict[str | None, R]]) -> dict[str | None, Answers[R]]:
        """A breakdown's items of the report's period, each with its answers in the comparison periods."""
        before = rows(self.previous) if self.previous is not None else {}
        earlier = rows(self.year_earlier) if self.year_earlier is not None else {}
        return {
            name: Answers(row, before.get(name), earlier.get(name))
            for name, row in rows(self.current).items()
        }


@dataclass(frozen=True)
class Measure(Generic[T]):
    """How a figure is read from an insight's answer, and what it is called."""

    key: str
    label: str
    unit: Unit
    read: Callable[[T], float | None]
    higher_is_better: bool = True

    def of(self, answers: Answers[T], *, key_figure: bool = False, as_of: dt.date | None = None) -> Figure:
        value = self.read(answers.current)
        return Figure(
            key=self.key,
            label=self.label,
            unit=self.unit,
            value=value,
            as_of=as_of,
            previous=self._against(value, answers.previous),
            year_earlier=self._against(value, answers.year_earlier),
            key_figure=key_figure,
            higher_is_better=self.higher_is_better,
        )

    def _against(self, value: float | None, answer: T | None) -> Comparison | None:
        before = self.read(answer) if answer is not None else None
        if before is None:
            return None
        if value is None:
            return Comparison(value=before, change=None, change_percent=None)
        moved = change(value, before)
        relative = None if self.unit is Unit.PERCENT else moved.change_percent
        return Comparison(value=before, change=moved.change, change_percent=relative)


@dataclass(frozen=True)
class Ask:
    """The report's questions: each insight for the report's period and its comparison periods."""

    uow: UnitOfWork
    current: InsightPeriod
    previous: InsightPeriod
    year_earlier: InsightPeriod | None
    interval: Interval
    label: str
    top: int

    def each(self, question: Callable[[UnitOfWork, InsightPeriod], T]) -> Answers[T]:
        return Answers(
            question(self.uow, self.current),
            question(self.uow, self.previous),
            question(self.uow, self.year_earlier) if self.year_earlier is not None else None,
        )

    def over_time(self, question: Callable[[UnitOfWork, InsightPeriod, Interval], T]) -> T:
        return question(self.uow, self.current, self.interval)

    def breakdown(
        self,
        key: str,
        title: str,
        dimension: str,
        items: dict[str | None, Answers[R]],
        measures: list[Measure[R]],
    ) -> Breakdown:
        """Items largest first by the first measure, at most `top` of them."""
        first = measures[0].read
        ordered = sorted(items.items(), key=lambda item: (-(first(item[1].current) or 0.0), item[0] is None))
        shown = ordered[: self.top]
        return Breakdown(
            key=key,
            title=title,
            dimension=dimension,
            items=[
                BreakdownItem(name=name, figures=[measure.of(answers) for measure in measures])
                for name, answers in shown
            ],
            not_shown=len(ordered) - len(shown),
        )

    def time_chart(self, title: str, unit: Unit, points: list[tuple[dt.datetime, float | None]]) -> TimeChart:
        starts, values = zip(*points, strict=True) if points else ((), ())
        return TimeChart(
            title=f"{title} per {self.interval.value}",
            unit=unit,
            interval=self.interval,
            starts=list(starts),
            series=[ChartSeries(name=self.label, values=list(values))],
        )


def build_report_content(uow: UnitOfWork, definition: ReportDefinition, now: dt.datetime) -> ReportContent:
    """`now` (aware) decides the default period: the last full day, week, month or year before it."""
    parameters, report_type = definition.parameters, definition.report_type
    days = Days(*parameters.days(report_type, now))
    before = periods.previous(report_type, days)
    earlier = periods.year_earlier(report_type, days)
    tz = parameters.tz
    ask = Ask(
        uow=uow,
        current=InsightPeriod.of(days.first, days.last, tz),
        previous=InsightPeriod.of(before.first, before.last, tz),
        year_earlier=InsightPeriod.of(earlier.first, earlier.last, tz) if earlier else None,
        interval=interval_of(report_type, days.count),
        label=periods.label(report_type, days),
        top=parameters.top_metrics,
    )
    asked = set(parameters.services)
    built: list[Section | LeftOut] = []
    if ServiceName.PARTNERS_CRM in asked:
        statistics = ask.each(partners.partner_statistics)
        by_type = ask.each(partners.partner_breakdown)
        built += [_fundraising(ask, statistics, by_type), _partners(ask, statistics, by_type)]
    if ServiceName.PROJECTS in asked:
        built.append(_projects(ask))
    if ServiceName.SOCIAL_MEDIA in asked:
        built.append(_social_media(ask))
    if ServiceName.NOTIFICATION in asked:
        built.append(_notifications(ask))
    built.append(_goals(uow, days, parameters.service_name))
    sections = [part for part in built if isinstance(part, Section)]
    compared_a_year_back = any(f.year_earlier for section in sections for f in _every_figure(section))
    return ReportContent(
        title=definition.name,
        report_type=report_type,
        time_zone=tz,
        generated_at=now.astimezone(local_midnight(days.first, tz).tzinfo),
        period=_period(report_type, days, tz),
        previous_period=_period(report_type, before, tz),
        year_earlier_period=_period(report_type, earlier, tz) if earlier and compared_a_year_back else None,
        interval=ask.interval,
        sections=sections,
        left_out=[part for part in built if isinstance(part, LeftOut)],
    )


def _period(report_type: ReportType, days: Days, tz: str) -> ReportPeriod:
    return ReportPeriod(
        label=periods.label(report_type, days),
        first_day=days.first,
        last_day=days.last,
        start=local_midnight(days.first, tz),
        end=local_midnight(days.last + dt.timedelta(days=1), tz),
    )


def _every_figure(section: Section) -> Iterable[Figure]:
    yield from section.figures
    for breakdown in section.breakdowns:
        for item in breakdown.items:
            yield from item.figures


def _left_out(key: SectionKey, reason: str) -> LeftOut:
    return LeftOut(key=key, title=TITLES[key], reason=reason)


def _snapshot_figure(measure: Measure[T], answers: Answers[T], as_of: dt.date | None) -> list[Figure]:
    """A daily snapshot's figure (its latest day in the period), when it was sent in the period."""
    return [measure.of(answers, as_of=as_of)] if as_of is not None else []


# Fundraising and partners: the partners insights.

DONATED = Measure[PartnerStatistics]("donations_total", "Donations", USD, lambda s: s.donations_total)
GIFTS = Measure[PartnerStatistics]("donations_count", "Gifts", COUNT, lambda s: s.donations_count)
AVERAGE_GIFT = Measure[PartnerStatistics]("average_gift", "Average gift", USD, lambda s: s.average_donation)
NEW_PARTNERS = Measure[PartnerStatistics]("new_partners", "New partners", COUNT, lambda s: s.new_partners)
ACTIVE_PARTNERS = Measure[PartnerStatistics](
    "active_partners",
    "Active partners",
    COUNT,
    lambda s: s.active_partners.value if s.active_partners.as_of else None,
)
INTERACTIONS = Measure[PartnerStatistics]("interactions", "Interactions", COUNT, lambda s: s.interactions)


def _fundraising(
    ask: Ask,
    statistics: Answers[PartnerStatistics],
    by_type: Answers[PartnerBreakdown],
) -> Section | LeftOut:
    key = SectionKey.FUNDRAISING
    donations = statistics.with_data(lambda s: s.donations_count > 0)
    if donations is None:
        return _left_out(key, "No donations were recorded in this period.")
    types = by_type.with_data(lambda b: any(t.donations_count for t in b.partner_types))
    trend = ask.over_time(partners.donation_trends)
    breakdowns = []
    if types is not None:
        givers = types.items(lambda b: {t.partner_type: t for t in b.partner_types if t.donations_count})
        breakdowns.append(
            ask.breakdown(
                "donations_by_partner_type",
                "Donations by partner type",
                "Partner type",
                givers,
                [
                    Measure("donations_total", "Donations", USD, lambda t: t.donations_total),
                    Measure("donations_count", "Gifts", COUNT, lambda t: t.donations_count),
                    Measure("share", "Share of donations", PERCENT, lambda t: t.share_of_donations_percent),
                ],
            )
        )
    return Section(
        key=key,
        title=TITLES[key],
        figures=[
            DONATED.of(donations, key_figure=True),
            GIFTS.of(donations, key_figure=True),
            AVERAGE_GIFT.of(donations),
        ],
        chart=ask.time_chart("Donations", USD, [(p.start, p.total) for p in trend.points]),
        breakdowns=breakdowns,
        notes=["Donations in USD, as the partners CRM sends them; the average gift is donations per gift."],
    )


def _partners(
    ask: Ask,
    statistics: Answers[PartnerStatistics],
    by_type: Answers[PartnerBreakdown],
) -> Section | LeftOut:
    key = SectionKey.PARTNERS
    found = statistics.with_data(lambda s: bool(s.new_partners or s.interactions or s.active_partners.as_of))
    if found is None:
        return _left_out(key, "No partners, partner snapshots or interactions were recorded in this period.")
    breakdowns = []
    joined = by_type.with_data(lambda b: any(t.new_partners for t in b.partner_types))
    if joined is not None:
        newcomers = joined.items(lambda b: {t.partner_type: t for t in b.partner_types if t.new_partners})
        breakdowns.append(
            ask.breakdown(
                "new_partners_by_partner_type",
                "New partners by partner type",
                "Partner type",
                newcomers,
                [Measure("new_partners", "New partners", COUNT, lambda t: t.new_partners)],
            )
        )
    engagement = ask.each(partners.partner_engagement).with_data(lambda e: e.interactions > 0)
    if engagement is not None:
        kinds = engagement.items(lambda e: {t.interaction_type: t for t in e.by_interaction_type})
        breakdowns.append(
            ask.breakdown(
                "interactions_by_type",
                "Interactions by type",
                "Interaction type",
                kinds,
                [
                    Measure("interactions", "Interactions", COUNT, lambda t: t.interactions),
                    Measure("share", "Share of interactions", PERCENT, lambda t: t.share_percent),
                ],
            )
        )
    return Section(
        key=key,
        title=TITLES[key],
        figures=[
            NEW_PARTNERS.of(found, key_figure=True),
            *_snapshot_figure(ACTIVE_PARTNERS, found, found.current.active_partners.as_of),
            INTERACTIONS.of(found),
        ],
        chart=_category_chart(breakdowns[0]) if breakdowns else None,
        breakdowns=breakdowns,
        notes=["Active partners: the daily snapshot of the period's last day that has one."],
    )


def _category_chart(breakdown: Breakdown, measure: int = 0) -> CategoryChart:
    """A breakdown's first (or chosen) figure per item."""
    figures = [item.figures[measure] for item in breakdown.items]
    return CategoryChart(
        title=breakdown.title,
        unit=figures[0].unit,
        categories=[item.name or "(not given)" for item in breakdown.items],
        series=[ChartSeries(name=figures[0].label, values=[f.value for f in figures])],
    )


# Projects and beneficiaries: the projects insights.

BENEFICIARIES = Measure[ProjectStatistics](
    "beneficiaries_reached", "Beneficiaries reached", PEOPLE, lambda s: s.beneficiaries_reached
)
COMPLETED = Measure[ProjectStatistics](
    "projects_completed", "Projects completed", COUNT, lambda s: s.projects_completed
)
STARTED = Measure[ProjectStatistics](
    "projects_created", "Projects started", COUNT, lambda s: s.projects_created
)
ACTIVE_PROJECTS = Measure[ProjectStatistics](
    "active_projects",
    "Active projects",
    COUNT,
    lambda s: s.active_projects.value if s.active_projects.as_of else None,
)
COMPLETION_RATE = Measure[ProjectStatistics](
    "completion_rate", "Completion rate", PERCENT, lambda s: s.completion_rate_percent
)


def _projects(ask: Ask) -> Section | LeftOut:
    key = SectionKey.PROJECTS
    found = ask.each(projects.project_statistics).with_data(
        lambda s: bool(
            s.beneficiaries_reached or s.projects_created or s.projects_completed or s.active_projects.as_of
        )
    )
    if found is None:
        return _left_out(key, "No projects or beneficiaries were recorded in this period.")
    breakdowns = []
    impact = ask.each(projects.project_impact).with_data(lambda i: bool(i.by_project_type))
    if impact is not None:
        breakdowns.append(
            ask.breakdown(
                "by_project_type",
                "Beneficiaries by project type",
                "Project type",
                impact.items(lambda i: {t.project_type: t for t in i.by_project_type}),
                [
                    Measure(
                        "beneficiaries_reached",
                        "Beneficiaries reached",
                        PEOPLE,
                        lambda t: t.beneficiaries_reached,
                    ),
                    Measure(
                        "projects_completed", "Projects completed", COUNT, lambda t: t.projects_completed
                    ),
                    Measure("share", "Share of beneficiaries", PERCENT, lambda t: t.share_percent),
                ],
            )
        )
    trend = ask.over_time(projects.beneficiary_trends)
    return Section(
        key=key,
        title=TITLES[key],
        figures=[
            BENEFICIARIES.of(found, key_figure=True),
            COMPLETED.of(found, key_figure=True),
            STARTED.of(found),
            *_snapshot_figure(ACTIVE_PROJECTS, found, found.current.active_projects.as_of),
            COMPLETION_RATE.of(found),
        ],
        chart=ask.time_chart("Beneficiaries reached", PEOPLE, [(p.start, p.value) for p in trend.points]),
        breakdowns=breakdowns,
        notes=[
            "Completion rate: projects completed per project started in the period. Active projects: the "
            "daily snapshot of the period's last day that has one."
        ],
    )


# Social media: the social media insights.

ENGAGEMENT_RATE = Measure[SocialPerformance](
    "engagement_rate", "Engagement rate", PERCENT, lambda p: p.engagement_rate_percent
)
ENGAGEMENTS = Measure[SocialPerformance]("engagements", "Engagements", COUNT, lambda p: p.engagements)
REACH = Measure[SocialPerformance]("reach", "Reach", COUNT, lambda p: p.reach)
POSTS = Measure[SocialPerformance]("posts", "Posts", COUNT, lambda p: p.posts)


def _social_media(ask: Ask) -> Section | LeftOut:
    key = SectionKey.SOCIAL_MEDIA
    found = ask.each(social.social_performance).with_data(lambda p: bool(p.posts or p.engagements or p.reach))
    if found is None:
        return _left_out(key, "No posts, engagements or reach were recorded in this period.")
    breakdowns = []
    platforms = ask.each(social.platform_comparison).with_data(lambda c: bool(c.platforms))
    if platforms is not None:
        breakdowns.append(
            ask.breakdown(
                "by_platform",
                "By platform",
                "Platform",
                platforms.items(lambda c: {p.platform: p for p in c.platforms}),
                [
                    Measure("engagements", "Engagements", COUNT, lambda p: p.engagements),
                    Measure("reach", "Reach", COUNT, lambda p: p.reach),
                    Measure(
                        "engagement_rate", "Engagement rate", PERCENT, lambda p: p.engagement_rate_percent
                    ),
                    Measure("posts", "Posts", COUNT, lambda p: p.posts),
                ],
            )
        )
    trend = ask.over_time(social.engagement_trends)
    return Section(
        key=key,
        title=TITLES[key],
        figures=[
            ENGAGEMENT_RATE.of(found, key_figure=True),
            ENGAGEMENTS.of(found),
            REACH.of(found),
            POSTS.of(found),
        ],
        chart=ask.time_chart(
            "Engagement rate", PERCENT, [(p.start, p.engagement_rate_percent) for p in trend.points]
        ),
        breakdowns=breakdowns,
        notes=["Engagements: likes, comments and shares. Engagement rate: engagements per reach."],
    )


# Notifications: the notifications insights.

SENT = Measure[NotificationStatistics]("sent", "Notifications sent", COUNT, lambda n: n.sent)
DELIVERY_RATE = Measure[NotificationStatistics](
    "delivery_rate", "Delivery rate", PERCENT, lambda n: n.delivery_rate_percent
)
OPEN_RATE = Measure[NotificationStatistics]("open_rate", "Open rate", PERCENT, lambda n: n.open_rate_percent)
CLICK_RATE = Measure[NotificationStatistics](
    "click_rate", "Click rate", PERCENT, lambda n: n.click_rate_percent
)


def _notifications(ask: Ask) -> Section | LeftOut:
    key = SectionKey.NOTIFICATIONS
    found = ask.each(notifications.notification_statistics).with_data(lambda n: bool(n.sent or n.delivered))
    if found is None:
        return _left_out(key, "No notifications were sent in this period.")
    breakdowns = []
    channels = ask.each(notifications.channel_effectiveness).with_data(lambda c: bool(c.channels))
    if channels is not None:
        breakdowns.append(
            ask.breakdown(
                "by_channel",
                "By channel",
                "Channel",
                channels.items(lambda c: {ch.channel: ch for ch in c.channels}),
                [
                    Measure("sent", "Sent", COUNT, lambda c: c.sent),
                    Measure("delivery_rate", "Delivery rate", PERCENT, lambda c: c.delivery_rate_percent),
                    Measure("open_rate", "Open rate", PERCENT, lambda c: c.open_rate_percent),
                    Measure("click_rate", "Click rate", PERCENT, lambda c: c.click_rate_percent),
                ],
            )
        )
    return Section(
        key=key,
        title=TITLES[key],
        figures=[
            SENT.of(found),
            DELIVERY_RATE.of(found, key_figure=True),
            OPEN_RATE.of(found),
            CLICK_RATE.of(found),
        ],
        chart=_rates_by_channel(breakdowns[0]) if breakdowns else None,
        breakdowns=breakdowns,
        notes=["Delivery rate: delivered per sent. Open and click rates: opened and clicked per delivered."],
    )


def _rates_by_channel(by_channel: Breakdown) -> CategoryChart:
    rates = [1, 2, 3]  # the breakdown's delivery, open and click rates
    return CategoryChart(
        title="Rates by channel",
        unit=PERCENT,
        categories=[item.name or "(not given)" for item in by_channel.items],
        series=[
            ChartSeries(
                name=by_channel.items[0].figures[rate].label,
                values=[item.figures[rate].value for item in by_channel.items],
            )
            for rate in rates
        ],
    )


# Goals: their progress as the goals' own computation last kept it.


def _goals(uow: UnitOfWork, days: Days, services: list[ServiceName] | None) -> Section | LeftOut:
    key = SectionKey.GOALS
    with uow:
        overlapping = uow.goals.overlapping(days.first, days.last)
    goals = [
        goal
        for goal in overlapping
        if goal.status is not GoalStatus.CANCELLED and (services is None or goal.service_name in services)
    ]
    if not goals:
        return _left_out(key, "No goal's dates overlap this period.")
    active = [goal for goal in goals if goal.status is GoalStatus.ACTIVE]
    on_track = [goal for goal in active if goal.outlook is GoalOutlook.ON_TRACK]
    at_risk = [
        goal for goal in active if goal.name in {risky.name for risky in goals_at_risk(active, days.last)}
    ]
    achieved = [goal for goal in goals if goal.status is GoalStatus.ACHIEVED]
    failed = [goal for goal in goals if goal.status is GoalStatus.FAILED]

    def count(key: str, label: str, found: Sized, *, better: bool = True) -> Figure:
        """How many goals stand so: a standing, with no earlier period to compare with."""
        return Figure(
            key=key,
            label=label,
            unit=COUNT,
            value=len(found),
            previous=None,
            year_earlier=None,
            higher_is_better=better,
        )

    rows = [
        GoalRow(
            name=goal.name,
            metric_type=goal.metric_type,
            unit=goal.unit,
            current_value=goal.current_value,
            target_value=goal.target_value,
            progress_percent=progress_percent(goal),
            elapsed_percent=elapsed_share(goal, days.last) * 100,
            status=goal.status,
            outlook=goal.outlook,
            probability=goal.probability,
            start_date=goal.start_date,
            end_date=goal.end_date,
        )
        for goal in goals
    ]
    return Section(
        key=key,
        title=TITLES[key],
        compared=False,
        figures=[
            count("goals", "Goals", goals),
            count("on_track", "On track", on_track).model_copy(
                update={"key_figure": True, "note": f"of {len(active)} active"}
            ),
            count("at_risk", "At risk or off track", at_risk, better=False),
            count("achieved", "Achieved", achieved),
            count("failed", "Failed", failed, better=False),
        ],
        chart=CategoryChart(
            title="Progress towards each goal's target",
            unit=PERCENT,
            categories=[row.name for row in rows],
            series=[ChartSeries(name="Progress", values=[row.progress_percent for row in rows])],
        ),
        goals=rows,
        notes=[
            "The goals whose dates overlap the period (cancelled ones left out), with their progress and "
            "chance of reaching the target as the goals' own computation last kept them."
        ],
    )
