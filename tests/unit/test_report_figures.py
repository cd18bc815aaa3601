"""How the report turns an insight's answers for its periods into a figure: comparisons only where the
comparison period holds data, a rate's change in percentage points, a breakdown's items largest first."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.reports.content import Answers, Measure
from analytics.schemas.report_content import Unit


@dataclass(frozen=True)
class Sent:
    """An insight's answer, cut down: how many were sent and the rate delivered."""

    sent: float
    delivery_rate: float | None


SENT = Measure[Sent]("sent", "Sent", Unit.COUNT, lambda a: a.sent)
RATE = Measure[Sent]("delivery_rate", "Delivery rate", Unit.PERCENT, lambda a: a.delivery_rate)


def has_data(answer: Sent) -> bool:
    return answer.sent > 0


def test_a_period_without_data_is_not_compared_and_one_with_data_is() -> None:
    answers = Answers(Sent(200, 95.0), Sent(0, None), Sent(100, 90.0)).with_data(has_data)

    assert answers is not None
    sent = SENT.of(answers)
    assert (sent.value, sent.previous) == (200, None)
    assert sent.year_earlier is not None
    assert (sent.year_earlier.value, sent.year_earlier.change, sent.year_earlier.change_percent) == (
        100,
        100,
        100.0,
    )


def test_the_report_period_without_data_has_no_figures() -> None:
    assert Answers(Sent(0, None), Sent(100, 90.0), None).with_data(has_data) is None


def test_a_rate_changes_in_percentage_points_never_in_percent_of_itself() -> None:
    answers = Answers(Sent(200, 95.0), Sent(100, 90.0), None)

    rate = RATE.of(answers, key_figure=True)

    assert rate.previous is not None
    assert (rate.unit, rate.previous.value, rate.previous.change, rate.previous.change_percent) == (
        Unit.PERCENT,
        90.0,
        5.0,
        None,
    )
    assert rate.key_figure and rate.year_earlier is None


def test_a_rate_of_nothing_has_no_value_and_no_change() -> None:
    rate = RATE.of(Answers(Sent(0, None), Sent(100, 90.0), None))

    assert rate.value is None
    assert rate.previous is not None and (rate.previous.value, rate.previous.change) == (90.0, None)


def test_a_breakdown_item_is_compared_with_the_same_item_where_it_was_there() -> None:
    answers = Answers(
        {"email": Sent(150, 97.0), "sms": Sent(50, 99.0)},
        {"email": Sent(100, 96.0)},
        None,
    )

    items = answers.items(lambda rows: dict(rows.items()))

    email, sms = SENT.of(items["email"]), SENT.of(items["sms"])
    assert email.previous is not None and email.previous.change_percent == 50.0
    assert sms.previous is None
