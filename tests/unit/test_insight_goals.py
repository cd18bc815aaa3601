"""Goals at risk and the insight period, on hand-picked dates."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.enums import GoalStatus, MetricType
from analytics.errors import InvalidRequest
from analytics.goal_progress import outlook_of
from analytics.schemas.report_content import GoalProgress
from analytics.services.insights import InsightPeriod
from analytics.services.insights.executive import elapsed_share, goals_at_risk

TEN_DAYS = (dt.date(2025, 3, 1), dt.date(2025, 3, 10))


def goal(
    name: str = "Goal",
    current: float = 40.0,
    target: float = 100.0,
    days: tuple[dt.date, dt.date] = TEN_DAYS,
    status: GoalStatus = GoalStatus.ACTIVE,
    probability: float | None = None,
) -> GoalProgress:
    return GoalProgress(
        probability=probability,
        outlook=None if probability is None else outlook_of(probability),
        name=name,
        metric_type=MetricType.DONATION,
        target_value=target,
        current_value=current,
        unit="USD",
        progress_percentage=current / target * 100 if target else 55.0,
        status=status,
        start_date=days[0],
        end_date=days[1],
    )


@pytest.mark.parametrize(
    ("as_of", "share"),
    [
        (dt.date(2025, 2, 20), 0.0),  # not started
        (dt.date(2025, 3, 1), 0.1),  # its first day counts
        (dt.date(2025, 3, 5), 0.5),
        (dt.date(2025, 3, 10), 1.0),
        (dt.date(2025, 4, 1), 1.0),  # over
    ],
)
def test_elapsed_share_counts_whole_days_up_to_and_including_as_of(as_of: dt.date, share: float) -> None:
    assert elapsed_share(goal(), as_of) == pytest.approx(share)


def test_a_goal_is_at_risk_when_its_chance_of_reaching_the_target_is_below_on_track() -> None:
    goals = [
        goal("Likely", current=40, probability=0.8),
        goal("Doubtful", current=40, probability=0.5),
        goal("Unlikely", current=10, probability=0.1),
        goal("Never computed", current=0),
        goal("Cancelled", current=0, status=GoalStatus.CANCELLED, probability=0.0),
        goal("Achieved", current=20, status=GoalStatus.ACHIEVED, probability=0.1),
    ]

    at_risk = goals_at_risk(goals, dt.date(2025, 3, 5))

    assert [(g.name, g.status, g.probability, g.progress_percent) for g in at_risk] == [
        ("Unlikely", "off_track", 0.1, 10.0),
        ("Doubtful", "at_risk", 0.5, 40.0),
    ]
    assert [g.elapsed_percent for g in at_risk] == [50.0, 50.0]


def test_a_goal_without_a_positive_target_uses_its_stored_percentage() -> None:
    assert [g.progress_percent for g in goals_at_risk([goal(target=0.0, probability=0.2)], TEN_DAYS[1])] == [
        55.0
    ]


def test_the_period_of_dates_is_whole_local_days_and_the_previous_one_as_long() -> None:
    period = InsightPeriod.of(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "Europe/Berlin")

    assert (period.start, period.end) == (
        dt.datetime(2025, 2, 28, 23, tzinfo=dt.UTC),  # CET
        dt.datetime(2025, 3, 31, 22, tzinfo=dt.UTC),  # CEST
    )
    assert (period.first_day, period.last_day) == (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    previous = period.previous()
    assert (previous.end, previous.length) == (period.start, period.length)
    assert period.shown().start.isoformat() == "2025-03-01T00:00:00+01:00"


def test_the_default_period_is_30_days_to_the_end_of_this_hour() -> None:
    period = InsightPeriod.of(None, None)

    assert period.length == dt.timedelta(days=30)
    assert period.end.minute == 0 and period.end > dt.datetime.now(dt.UTC)


def test_a_reversed_period_or_unknown_zone_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="after start_date"):
        InsightPeriod.of(dt.date(2025, 3, 2), dt.date(2025, 3, 1))
    with pytest.raises(InvalidRequest, match="unknown time zone"):
        InsightPeriod.of(None, None, "Nowhere/City")
