"""Standard cron expressions: validation, translation to EventBridge, next runs; EventBridge expressions."""

from __future__ import annotations

import datetime as dt

import pytest

from analytics.cron import CronSchedule, EventBridgeSchedule
from analytics.errors import InvalidRequest

UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("standard", "eventbridge"),
    [
        ("0 0 * * *", "cron(0 0 * * ? *)"),
        ("*/15 9-17 * * MON-FRI", "cron(0/15 9-17 ? * MON-FRI *)"),
        ("30 6 * * 1-5", "cron(30 6 ? * MON-FRI *)"),
        ("0 0 * * 0", "cron(0 0 ? * SUN *)"),
        ("0 0 * * 7", "cron(0 0 ? * SUN *)"),
        ("0 0 * * sun,sat", "cron(0 0 ? * SUN,SAT *)"),
        ("0 0 * * 5-7", "cron(0 0 ? * SUN,FRI-SAT *)"),
        ("0 12 * * */2", "cron(0 12 ? * SUN,TUE,THU,SAT *)"),
        ("0 0 1 jan,Jul *", "cron(0 0 1 1,7 ? *)"),
        ("0 0 */2 */3 *", "cron(0 0 1/2 1/3 ? *)"),
        ("5/20 * * * *", "cron(5/20 * * * ? *)"),
        ("0-30/10 8,20 1,15 * *", "cron(0,10,20,30 8,20 1,15 * ? *)"),
        ("@hourly", "cron(0 * * * ? *)"),
        ("@weekly", "cron(0 0 ? * SUN *)"),
        ("@monthly", "cron(0 0 1 * ? *)"),
        ("@ANNUALLY", "cron(0 0 1 1 ? *)"),
    ],
)
def test_standard_cron_translates_to_an_eventbridge_expression(standard: str, eventbridge: str) -> None:
    # Given a standard cron expression
    schedule = CronSchedule.parse(standard)

    # When it is translated for an EventBridge rule
    translated = schedule.eventbridge_expression()

    # Then it is the 6-field form with exactly one '?' and weekdays by name
    assert translated == eventbridge


def test_restricting_both_day_fields_cannot_be_translated_and_the_error_suggests_one() -> None:
    # Given a schedule on the 1st of the month or on Mondays (standard cron: either day runs it)
    schedule = CronSchedule.parse("0 9 1 * MON")

    # When it is translated, then EventBridge's limit is explained with both alternatives
    with pytest.raises(InvalidRequest) as caught:
        schedule.eventbridge_expression()
    message = str(caught.value)
    assert "EventBridge cannot express" in message
    assert "'0 9 1 * *'" in message
    assert "'0 9 * * MON'" in message


def test_restricting_both_day_fields_runs_on_either_day() -> None:
    # Given the 13th of the month or Fridays
    schedule = CronSchedule.parse("0 0 13 * FRI")

    # When the next runs are asked for, starting Wed 2025-06-11
    first = schedule.next_run(at(2025, 6, 11))
    second = schedule.next_run(first)

    # Then Friday the 13th comes first, then the next Friday (the 20th), not only Friday-the-13ths
    assert (first, second) == (at(2025, 6, 13), at(2025, 6, 20))


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("* * * *", "has 4 fields; expected 5: minute hour day-of-month month day-of-week"),
        ("0 0 * * * *", "has 6 fields; expected 5"),
        ("", "has 0 fields"),
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("0 24 * * *", "hour 24 is out of range 0-23"),
        ("0 0 0 * *", "day-of-month 0 is out of range 1-31"),
        ("0 0 * 13 *", "month 13 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week 8 is out of range 0-7"),
        ("*/0 * * * *", "minute step 0 is out of range 1-59"),
        ("*/x * * * *", "minute step 'x' is not a number"),
        ("0 5-1 * * *", "hour range 5-1 starts after it ends"),
        ("0 0 * FOO *", "month 'FOO' is not a number or a name JAN-DEC"),
        ("0 0 * * FUN", "day-of-week 'FUN' is not a number or a name SUN-SAT"),
        ("JAN * * * *", "minute 'JAN' is not a number"),
        ("1,,2 * * * *", "minute has an empty list item in '1,,2'"),
        ("0 0 ? * *", "day-of-month '?' is not a number"),
        ("-5 * * * *", "minute '' is not a number"),
        ("@reboot", "unknown macro; expected one of @hourly"),
    ],
)
def test_every_error_names_the_expression_the_field_and_the_problem(expression: str, problem: str) -> None:
    # When a malformed expression is parsed, then the 400 says which expression and what is wrong
    with pytest.raises(InvalidRequest) as caught:
        CronSchedule.parse(expression)
    assert str(caught.value).startswith(f"cron expression {expression!r}: ")
    assert problem in str(caught.value)


def test_the_out_of_range_message_reads_exactly_as_documented() -> None:
    with pytest.raises(
        InvalidRequest, match=r"^cron expression '61 \* \* \* \*': minute 61 is out of range 0-59$"
    ):
        CronSchedule.parse("61 * * * *")


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("0 0 * * *", at(2025, 3, 1, 12, 30), at(2025, 3, 2)),  # daily
        ("0 0 * * *", at(2025, 3, 2), at(2025, 3, 3)),  # strictly after a run
        ("0 * * * *", at(2025, 3, 1, 12, 0), at(2025, 3, 1, 13)),  # hourly
        ("*/15 * * * *", at(2025, 3, 1, 12, 44), at(2025, 3, 1, 12, 45)),
        ("0 0 * * 0", at(2025, 3, 3), at(2025, 3, 9)),  # weekly: Monday -> next Sunday
        ("0 9 * * MON-FRI", at(2025, 3, 7, 10), at(2025, 3, 10, 9)),  # Friday after 9 -> Monday
        ("0 0 1 * *", at(2025, 3, 15), at(2025, 4, 1)),  # monthly
        ("0 0 29 2 *", at(2025, 3, 1), at(2028, 2, 29)),  # leap day
        ("0 0 29 2 *", at(2096, 3, 1), at(2104, 2, 29)),  # 2100 is not a leap year
        ("0 0 31 * *", at(2025, 3, 31, 1), at(2025, 5, 31)),  # end of month skips 30-day April
        ("0 0 1 1 *", at(2025, 12, 31, 23, 59), at(2026, 1, 1)),  # year rollover
        ("59 23 31 12 *", at(2025, 12, 31, 23, 59), at(2026, 12, 31, 23, 59)),
    ],
)
def test_next_run_is_the_first_matching_minute_strictly_after(
    expression: str, after: dt.datetime, expected: dt.datetime
) -> None:
    assert CronSchedule.parse(expression).next_run(after) == expected


def test_next_run_works_in_utc_whatever_the_given_zone() -> None:
    # Given 23:30 on 1 March in UTC-5, which is 04:30 on 2 March UTC
    after = dt.datetime(2025, 3, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    # When the next daily 06:00 run is asked for
    result = CronSchedule.parse("0 6 * * *").next_run(after)

    # Then it is 06:00 UTC on 2 March, returned in UTC
    assert result == at(2025, 3, 2, 6)
    assert result.tzinfo is UTC


def test_next_run_ignores_seconds_but_stays_strictly_after() -> None:
    schedule = CronSchedule.parse("* * * * *")
    assert schedule.next_run(at(2025, 3, 1, 10, 0) + dt.timedelta(seconds=30)) == at(2025, 3, 1, 10, 1)


@pytest.mark.parametrize("expression", ["0 0 30 2 *", "0 0 31 4,6,9,11 *"])
def test_a_schedule_that_never_runs_is_refused_instead_of_searched_forever(expression: str) -> None:
    with pytest.raises(InvalidRequest, match="never runs"):
        CronSchedule.parse(expression).next_run(at(2025, 1, 1))


def test_a_naive_datetime_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        CronSchedule.parse("0 0 * * *").next_run(dt.datetime(2025, 1, 1))


def test_matches_looks_at_the_minute() -> None:
    schedule = CronSchedule.parse("30 9 * * MON")
    assert schedule.matches(at(2025, 3, 3, 9, 30) + dt.timedelta(seconds=59))
    assert not schedule.matches(at(2025, 3, 3, 9, 31))
    assert not schedule.matches(at(2025, 3, 4, 9, 30))  # a Tuesday


ROUND_TRIP = [
    "0 0 * * *",
    "*/15 9-17 * * MON-FRI",
    "*/7 */5 * * *",
    "0 0 * * 0",
    "0 0 * * 7",
    "45 23 * * 5-7",
    "0 */3 * * */2",
    "0 0 1,15 * *",
    "0 0 */2 * *",
    "10-40/15 1 * jan-mar,dec *",
    "5/20 * 2-4 * *",
    "@weekly",
]


@pytest.mark.parametrize("expression", ROUND_TRIP)
def test_translated_rules_fire_in_exactly_the_minutes_the_cron_schedule_runs(expression: str) -> None:
    # Given a cron schedule and the EventBridge rule it translates to
    schedule = CronSchedule.parse(expression)
    rule = EventBridgeSchedule.parse(schedule.eventbridge_expression())

    # When every minute of a week across a month and year boundary is checked
    start = at(2025, 12, 27)
    minutes = [start + dt.timedelta(minutes=n) for n in range(7 * 24 * 60)]

    # Then the rule fires in exactly the minutes the schedule runs (and in some of them)
    runs = [minute for minute in minutes if schedule.matches(minute)]
    assert runs
    assert [minute for minute in minutes if rule.fires_at(minute)] == runs


@pytest.mark.parametrize("expression", ROUND_TRIP)
def test_translated_rules_agree_on_the_next_runs_over_a_year(expression: str) -> None:
    schedule = CronSchedule.parse(expression)
    rule = EventBridgeSchedule.parse(schedule.eventbridge_expression())
    ours, theirs = at(2025, 1, 1), at(2025, 1, 1)
    for _ in range(300):
        ours, theirs = schedule.next_run(ours), rule.next_fire(theirs)
        assert ours == theirs


def test_eventbridge_cron_reads_weekdays_from_sunday_as_one() -> None:
    # Given a rule on day-of-week 2 (EventBridge: Monday) and one on 1 (Sunday)
    monday, sunday = (
        EventBridgeSchedule.parse("cron(0 8 ? * 2 *)"),
        EventBridgeSchedule.parse("cron(0 8 ? * 1 *)"),
    )

    # Then 2025-03-03 (a Monday) is Monday's and 2025-03-02 is Sunday's
    assert monday.fires_at(at(2025, 3, 3, 8)) and not monday.fires_at(at(2025, 3, 2, 8))
    assert sunday.fires_at(at(2025, 3, 2, 8)) and not sunday.fires_at(at(2025, 3, 3, 8))


def test_eventbridge_cron_honours_the_year_field() -> None:
    rule = EventBridgeSchedule.parse("cron(0 0 1 1 ? 2040-2041)")
    assert rule.next_fire(at(2025, 6, 1)) == at(2040, 1, 1)
    assert not rule.fires_at(at(2039, 1, 1))
    with pytest.raises(InvalidRequest, match="never runs"):
        rule.next_fire(at(2041, 6, 1))


@pytest.mark.parametrize(
    ("expression", "fires", "does_not_fire", "after", "next_fire"),
    [
        ("rate(1 hour)", at(2025, 3, 1, 7), at(2025, 3, 1, 7, 1), at(2025, 3, 1, 7), at(2025, 3, 1, 8)),
        (
            "rate(60 minutes)",
            at(2025, 3, 1, 7),
            at(2025, 3, 1, 7, 30),
            at(2025, 3, 1, 7, 1),
            at(2025, 3, 1, 8),
        ),
        ("rate(1 day)", at(2025, 3, 1), at(2025, 3, 1, 1), at(2025, 3, 1, 0, 1), at(2025, 3, 2)),
        (
            "rate(5 minutes)",
            at(2025, 3, 1, 7, 5),
            at(2025, 3, 1, 7, 6),
            at(2025, 3, 1, 7, 6),
            at(2025, 3, 1, 7, 10),
        ),
        ("rate(1 minutes)", at(2025, 3, 1, 7, 6), None, at(2025, 3, 1, 7, 6), at(2025, 3, 1, 7, 7)),
        ("rate(2 days)", at(2025, 3, 1), at(2025, 3, 2), at(2025, 3, 1), at(2025, 3, 3)),
    ],
)
def test_rates_fire_on_multiples_of_the_rate_since_the_epoch(
    expression: str,
    fires: dt.datetime,
    does_not_fire: dt.datetime | None,
    after: dt.datetime,
    next_fire: dt.datetime,
) -> None:
    rule = EventBridgeSchedule.parse(expression)
    assert rule.fires_at(fires + dt.timedelta(seconds=42))
    if does_not_fire is not None:
        assert not rule.fires_at(does_not_fire)
    assert rule.next_fire(after) == next_fire


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("rate(0 minutes)", "rate 0 must be at least 1"),
        ("rate(5 weeks)", "rate unit 'weeks' is not minute(s), hour(s) or day(s)"),
        ("rate(five minutes)", "expected rate(<number> <minutes|hours|days>)"),
        ("every 5 minutes", "expected cron(...) or rate(...)"),
        ("cron(0 0 * * ?)", "has 5 fields; expected 6: minute hour day-of-month month day-of-week year"),
        ("cron(0 0 * * * *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 0 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 0 ? * 0 *)", "day-of-week 0 is out of range 1-7"),
        ("cron(0 0 ? * MON/2 *)", "day-of-week takes no steps ('/') in EventBridge"),
        ("cron(0 0 1 1 ? 1969)", "year 1969 is out of range 1970-2199"),
        ("cron(0 0 L * ? *)", "not supported by the local runner: 'L' in day-of-month"),
        ("cron(0 0 15W * ? *)", "not supported by the local runner: 'W' in day-of-month"),
        ("cron(0 0 ? * 3#2 *)", "not supported by the local runner: '#' in day-of-week"),
        ("cron(0 0 ? * 6L *)", "not supported by the local runner: 'L' in day-of-week"),
    ],
)
def test_bad_eventbridge_expressions_are_refused_with_the_problem(expression: str, problem: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        EventBridgeSchedule.parse(expression)
    assert str(caught.value).startswith(f"schedule expression {expression!r}: ")
    assert problem in str(caught.value)


def test_eventbridge_names_that_contain_special_letters_are_still_names() -> None:
    # JUL has an L and WED a W: they are month and weekday names, not the unsupported wildcards
    rule = EventBridgeSchedule.parse("cron(0 0 ? JUL WED *)")
    assert rule.fires_at(at(2025, 7, 2))  # a Wednesday in July
    assert not rule.fires_at(at(2025, 7, 3))
