"""KPI goal use cases: create, read, list, change, delete, and their progress, measured from the metrics
(or set by hand), kept on the goal, and alerted on once per kind.

Progress is computed by analytics.goal_progress from the goal's days, read from the rollups; it is kept
on the goal by the daily `goal_update` rule, by `update-progress`, and by any read of a goal whose kept
progress is older than GOAL_PROGRESS_MAX_AGE_SECONDS. Each computation of an active goal may send
alerts, each kind once: the threshold reached, at risk, off track, achieved, failed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from analytics import goal_progress
from analytics.auth import Principal, may_change
from analytics.enums import GoalAggregation, GoalOutlook, GoalStatus
from analytics.errors import Conflict, Forbidden, InvalidRequest, NotFound, Unavailable
from analytics.observability import logger
from analytics.ports import UnitOfWork
from analytics.report_ports import GoalAlerting
from analytics.schemas.common import Page
from analytics.schemas.goals import (
    ComputedProgress,
    GoalCreate,
    GoalDayValue,
    GoalFilters,
    GoalForecast,
    GoalForecastItem,
    GoalProgressReport,
    GoalResponse,
    GoalUpdate,
    ProgressUpdate,
    StoredGoal,
    check_days,
)
from analytics.schemas.metrics import MetricFilters
from analytics.services.statistics import statistics
from analytics.settings import get_settings
from analytics.statistics import StatisticsQuery, period_in_zone, zone_of

# The figure of each aggregation in a day's statistics; a snapshot's day is its mean.
FIGURE = {
    GoalAggregation.SUM: "sum",
    GoalAggregation.COUNT: "count",
    GoalAggregation.AVG: "avg",
    GoalAggregation.MAX: "max",
    GoalAggregation.MIN: "min",
    GoalAggregation.LATEST: "avg",
}
ALERT_EVENTS = {
    "threshold": "GoalThresholdReached",
    "at_risk": "GoalAtRisk",
    "off_track": "GoalAtRisk",
    "achieved": "GoalAchieved",
    "failed": "GoalFailed",
}
FINAL_STATUS = {GoalOutlook.ACHIEVED: GoalStatus.ACHIEVED, GoalOutlook.FAILED: GoalStatus.FAILED}


Units = Callable[[], UnitOfWork]


def create_goal(uow: UnitOfWork, goal: GoalCreate, creator: Principal) -> GoalResponse:
    zone_of(goal.tz)  # an unknown zone is a 400 now, not at the first progress
    with uow:
        stored = uow.goals.add(goal, created_by=creator.subject)
    return GoalResponse.model_validate(stored.model_dump())


def list_goals(uow: UnitOfWork, filters: GoalFilters, skip: int, limit: int) -> Page[GoalResponse]:
    with uow:
        goals, total = uow.goals.find(filters, skip, limit)
    items = [GoalResponse.model_validate(goal.model_dump()) for goal in goals]
    return Page[GoalResponse](items=items, total=total, skip=skip, limit=limit)


def get_goal(units: Units, alerting: GoalAlerting, goal_id: uuid.UUID, now: dt.datetime) -> GoalResponse:
    goal = _stored(units(), goal_id)
    if _stale(goal, now):
        goal = _track(units, alerting, goal, now)[0]
    return GoalResponse.model_validate(goal.model_dump())


def update_goal(uow: UnitOfWork, goal_id: uuid.UUID, update: GoalUpdate, caller: Principal) -> GoalResponse:
    changes = update.model_dump(exclude_unset=True)
    if "tz" in changes:
        zone_of(changes["tz"])
    with uow:
        goal = uow.goals.get(goal_id, for_update=True)
        if goal is None:
            raise NotFound(f"goal {goal_id} not found")
        _check_owner(goal, caller)
        merged = goal.model_copy(update=changes)
        try:
            check_days(merged.start_date, merged.end_date)
        except ValueError as exc:
            raise InvalidRequest(str(exc)) from exc
        updated = uow.goals.update(goal_id, {**changes, "progress_updated_at": None})
    assert updated is not None, "a goal locked for the update is still there"
    return GoalResponse.model_validate(updated.model_dump())


def delete_goal(uow: UnitOfWork, goal_id: uuid.UUID, caller: Principal) -> None:
    with uow:
        goal = uow.goals.get(goal_id, for_update=True)
        if goal is None:
            raise NotFound(f"goal {goal_id} not found")
        _check_owner(goal, caller)
        uow.goals.delete(goal_id)


def goal_progress_report(
    units: Units, alerting: GoalAlerting, goal_id: uuid.UUID, now: dt.datetime
) -> GoalProgressReport:
    goal = _stored(units(), goal_id)
    if _stale(goal, now):
        goal, progress = _track(units, alerting, goal, now)
    else:
        progress = _measure(units(), goal, now)
    return _report(goal, progress, now)


def update_progress(
    units: Units,
    alerting: GoalAlerting,
    goal_id: uuid.UUID,
    update: ProgressUpdate,
    caller: Principal,
    now: dt.datetime,
) -> GoalProgressReport:
    """Computes the goal's progress from the metrics now, or records the value of a goal tracked by hand."""
    goal = _stored(units(), goal_id)
    _check_owner(goal, caller)
    if update.current_value is not None:
        if not goal.tracked_by_hand:
            raise Conflict(
                "this goal is measured from the metrics: leave current_value out to compute it now, or "
                "send the metrics themselves"
            )
        with units() as uow:
            uow.goals.record_value(goal_id, _today(goal, now), update.current_value)
        goal = _stored(units(), goal_id)
    elif goal.tracked_by_hand:
        raise InvalidRequest("this goal is tracked by hand: send its current_value")
    goal, progress = _track(units, alerting, goal, now)
    return _report(goal, progress, now)


def goal_forecasts(units: Units, alerting: GoalAlerting, now: dt.datetime) -> list[GoalForecastItem]:
    """Every active goal's forecast and chance, computed again where kept progress is stale."""
    with units() as uow:
        goals, _ = uow.goals.find(GoalFilters(status=GoalStatus.ACTIVE), 0, 10_000)
    items = []
    for goal in goals:
        progress = (
            _track(units, alerting, goal, now)[1] if _stale(goal, now) else _measure(units(), goal, now)
        )
        items.append(
            GoalForecastItem(
                goal_id=goal.id,
                name=goal.name,
                end_date=goal.end_date,
                target_value=goal.target_value,
                current_value=progress.current_value,
                forecast=_forecast(progress),
                probability=progress.probability,
                status=progress.outlook,
            )
        )
    return items


class GoalRound(BaseModel):
    goals: int
    achieved: int
    failed: int
    alerts: int


def update_all(units: Units, alerting: GoalAlerting, now: dt.datetime) -> GoalRound:
    """The daily `goal_update` rule: every active goal that has begun, computed, kept and alerted on."""
    with units() as uow:
        goals = uow.goals.tracking(now.date() + dt.timedelta(days=1))  # the earliest zones' today
    results = [
        _track_counting(units, alerting, goal, now) for goal in goals if goal.start_date <= _today(goal, now)
    ]
    return GoalRound(
        goals=len(results),
        achieved=sum(goal.status is GoalStatus.ACHIEVED for goal, _, _ in results),
        failed=sum(goal.status is GoalStatus.FAILED for goal, _, _ in results),
        alerts=sum(sent for _, _, sent in results),
    )


def _stored(uow: UnitOfWork, goal_id: uuid.UUID) -> StoredGoal:
    with uow:
        goal = uow.goals.get(goal_id)
    if goal is None:
        raise NotFound(f"goal {goal_id} not found")
    return goal


def _check_owner(goal: StoredGoal, caller: Principal) -> None:
    if not may_change(caller, goal.created_by):
        raise Forbidden("only the goal's creator or an admin may change it")


def _stale(goal: StoredGoal, now: dt.datetime) -> bool:
    if goal.status is not GoalStatus.ACTIVE:
        return False
    max_age = dt.timedelta(seconds=get_settings().GOAL_PROGRESS_MAX_AGE_SECONDS)
    return goal.progress_updated_at is None or now - goal.progress_updated_at >= max_age


def _today(goal: StoredGoal, now: dt.datetime) -> dt.date:
    return now.astimezone(zone_of(goal.tz)).date()


def _measure(uow: UnitOfWork, goal: StoredGoal, now: dt.datetime) -> goal_progress.Progress:
    today = _today(goal, now)
    definition = goal_progress.Goal(
        target=goal.target_value,
        direction=goal.direction,
        aggregation=goal.aggregation,
        start=goal.start_date,
        end=goal.end_date,
    )
    if goal.tracked_by_hand:
        return goal_progress.progress(definition, _days_by_hand(goal, today), today)
    first = min(goal.start_date, today - dt.timedelta(days=goal_progress.HISTORY_DAYS))
    last = min(today, goal.end_date)
    days = _days_measured(uow, goal, first, last) if first <= last else []
    latest = _latest_value(uow, goal, now) if goal.aggregation is GoalAggregation.LATEST else None
    return goal_progress.progress(definition, days, today, latest)


def _days_measured(
    uow: UnitOfWork, goal: StoredGoal, first: dt.date, last: dt.date
) -> list[goal_progress.Day]:
    start, end = period_in_zone(first, last, goal.tz)
    query = StatisticsQuery(
        start=start,
        end=end,
        service_name=goal.service_name,
        metric_type=goal.metric_type,
        metric_name=goal.metric_name,
        dimensions=tuple(sorted(goal.dimensions.items())),
        group_by=("date",),
        tz=goal.tz,
    )
    figure = FIGURE[goal.aggregation]
    by_day = {str(group.group["date"])[:10]: group for group in statistics(uow, query, False).groups}
    span = (last - first).days + 1
    days = []
    for offset in range(span):
        on = first + dt.timedelta(days=offset)
        figures = by_day.get(on.isoformat())
        value = _number(getattr(figures, figure)) if figures is not None else None
        days.append(goal_progress.Day(on, value, figures.count if figures is not None else 0))
    return days


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def _days_by_hand(goal: StoredGoal, today: dt.date) -> list[goal_progress.Day]:
    """Each day's change of a hand-set total (sum, count), or the value set that day (the others)."""
    set_on = {dt.date.fromisoformat(entry["date"]): float(entry["value"]) for entry in goal.manual_values}
    days, previous = [], 0.0
    day = goal.start_date
    while day <= min(today, goal.end_date):
        value = set_on.get(day)
        if value is not None and goal.aggregation in goal_progress.ADDITIVE:
            value, previous = value - previous, value
        days.append(goal_progress.Day(day, value))
        day += dt.timedelta(days=1)
    return days


def _latest_value(uow: UnitOfWork, goal: StoredGoal, now: dt.datetime) -> float | None:
    start, end = period_in_zone(goal.start_date, goal.end_date, goal.tz)
    filters = MetricFilters(
        service_name=goal.service_name,
        metric_type=goal.metric_type,
        metric_name=goal.metric_name,
        start=start,
        end=min(end, now),
        dimensions=goal.dimensions,
    )
    with uow:
        newest, _ = uow.metrics.find(filters, 0, 1)
    return newest[0].value if newest else None


def _track(
    units: Units, alerting: GoalAlerting, goal: StoredGoal, now: dt.datetime
) -> tuple[StoredGoal, goal_progress.Progress]:
    tracked, progress, _ = _track_counting(units, alerting, goal, now)
    return tracked, progress


def _track_counting(
    units: Units, alerting: GoalAlerting, goal: StoredGoal, now: dt.datetime
) -> tuple[StoredGoal, goal_progress.Progress, int]:
    """Computes and keeps an active goal's progress, then sends the alerts now due; answers the goal as
    kept, its progress and how many alerts this call sent."""
    progress = _measure(units(), goal, now)
    forecast = progress.forecast
    computed = ComputedProgress(
        current_value=progress.current_value,
        progress_percentage=progress.progress_percentage,
        forecast_value=forecast.value if forecast else None,
        forecast_lower=forecast.lower if forecast else None,
        forecast_upper=forecast.upper if forecast else None,
        probability=progress.probability,
        outlook=progress.outlook,
        status=FINAL_STATUS.get(progress.outlook, goal.status),
        computed_at=now,
    )
    with units() as uow:
        uow.goals.save_progress(goal.id, computed)
    kept = goal.model_copy(update=computed.model_dump(exclude={"computed_at"}) | {"progress_updated_at": now})
    sent = sum(_alert(units, alerting, kept, progress, kind) for kind in _alerts_due(kept, progress))
    return kept, progress, sent


def _alerts_due(goal: StoredGoal, progress: goal_progress.Progress) -> list[str]:
    due = []
    if goal.alert_threshold is not None and progress.progress_percentage >= goal.alert_threshold:
        due.append("threshold")
    if progress.outlook.value in ALERT_EVENTS:
        due.append(progress.outlook.value)
    return [kind for kind in due if kind not in goal.alerts_sent]


def _alert(
    units: Units, alerting: GoalAlerting, goal: StoredGoal, progress: goal_progress.Progress, kind: str
) -> bool:
    """Claims the alert on the goal, then publishes and e-mails it; a claim that cannot be delivered is
    given back so that the next computation tries again. False when another run claimed it first."""
    with units() as uow:
        if not uow.goals.claim_alert(goal.id, kind):
            return False
    detail = {
        "goal_id": str(goal.id),
        "name": goal.name,
        "alert": kind,
        "status": progress.outlook.value,
        "current_value": progress.current_value,
        "target_value": goal.target_value,
        "unit": goal.unit,
        "progress_percentage": round(progress.progress_percentage, 2),
        "probability": round(progress.probability, 4),
        "end_date": goal.end_date.isoformat(),
        "progress_url": _progress_url(goal.id),
    }
    try:
        alerting.events.publish(ALERT_EVENTS[kind], detail)
        recipients = goal.alert_recipients or _address_of(goal.created_by)
        if recipients:
            alerting.mailer.send(
                sender=alerting.sender,
                recipients=recipients,
                subject=_subject(goal, kind),
                text=_message(goal, progress, kind),
                attachment=None,
            )
    except Unavailable:
        with units() as uow:
            uow.goals.release_alert(goal.id, kind)
        logger.exception("goal alert not delivered; it is tried again", extra={"goal_id": str(goal.id)})
        return False
    return True


def _address_of(subject: str | None) -> list[str]:
    """The creator's address when their token's subject is one (else alerts only go to the bus)."""
    return [subject] if subject is not None and "@" in subject.strip("@") else []


def _progress_url(goal_id: uuid.UUID) -> str:
    base = (get_settings().PUBLIC_API_URL or "").rstrip("/")
    return f"{base}/api/v1/goals/{goal_id}/progress"


def _subject(goal: StoredGoal, kind: str) -> str:
    if kind == "threshold":
        return f"Goal {goal.name!r} reached {goal.alert_threshold:g}%"
    what = {
        "at_risk": "is at risk",
        "off_track": "is off track",
        "achieved": "is achieved",
        "failed": "ended short",
    }
    return f"Goal {goal.name!r} {what[kind]}"


def _message(goal: StoredGoal, progress: goal_progress.Progress, kind: str) -> str:
    unit = f" {goal.unit}" if goal.unit else ""
    lines = [
        _subject(goal, kind) + ".",
        "",
        f"Value now: {progress.current_value:,.2f}{unit} of {goal.target_value:,.2f}{unit} "
        f"({progress.progress_percentage:.1f}%), {progress.days_left} days left (ends {goal.end_date}).",
        f"Chance of reaching the target: {progress.probability:.0%}.",
    ]
    if progress.forecast is not None:
        lines.append(
            f"Forecast at the end: {progress.forecast.value:,.2f}{unit} "
            f"(90% between {progress.forecast.lower:,.2f} and {progress.forecast.upper:,.2f})."
        )
    lines += ["", f"Progress: {_progress_url(goal.id)}"]
    return "\n".join(lines)


def _forecast(progress: goal_progress.Progress) -> GoalForecast | None:
    forecast = progress.forecast
    if forecast is None:
        return None
    return GoalForecast(
        value=forecast.value, lower=forecast.lower, upper=forecast.upper, level=goal_progress.LEVEL
    )


def _report(goal: StoredGoal, progress: goal_progress.Progress, now: dt.datetime) -> GoalProgressReport:
    return GoalProgressReport(
        goal_id=goal.id,
        name=goal.name,
        unit=goal.unit,
        direction=goal.direction,
        aggregation=goal.aggregation,
        current_value=progress.current_value,
        target_value=goal.target_value,
        progress_percentage=progress.progress_percentage,
        remaining=progress.remaining,
        days_total=progress.days_total,
        days_elapsed=progress.days_elapsed,
        days_left=progress.days_left,
        needed_per_day=progress.needed_per_day,
        actual_per_day=progress.actual_per_day,
        projected_completion_date=progress.projected_completion_date,
        forecast=_forecast(progress),
        probability=progress.probability,
        status=progress.outlook,
        tracked_by_hand=goal.tracked_by_hand,
        daily=[GoalDayValue(date=day, value=value, cumulative=total) for day, value, total in progress.daily],
        computed_at=now,
        warnings=progress.warnings,
    )
