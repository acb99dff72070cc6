"""Daily send times: local clock times in UTC, across DST changes and midnight."""

from datetime import UTC, date, datetime, time

import pytest

from bot.core.daily import at_local, first_due, next_due, parse_clock


@pytest.mark.parametrize(
    ("text", "expected"),
    [("08:30", time(8, 30)), ("8:05", time(8, 5)), (" 23.59 ", time(23, 59)), ("7h00", time(7))],
)
def test_clock_times_people_type(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["25:00", "12:60", "noon", "", "8", "08:30:00", "-1:00"])
def test_junk_is_not_a_time(text):
    assert parse_clock(text) is None


def test_send_time_follows_the_zone_offset_in_summer_and_winter():
    winter = at_local(date(2026, 1, 10), time(9), "Europe/Berlin")
    summer = at_local(date(2026, 7, 10), time(9), "Europe/Berlin")
    assert (winter.hour, summer.hour) == (8, 7)


def test_a_time_skipped_by_spring_forward_goes_out_an_hour_later():
    # Berlin, 2026-03-29: clocks jump from 02:00 to 03:00, so 02:30 does not exist.
    due = at_local(date(2026, 3, 29), time(2, 30), "Europe/Berlin")
    assert due == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    before = datetime(2026, 3, 28, 12, tzinfo=UTC)
    assert next_due(before, time(2, 30), "Europe/Berlin") == due
    after = next_due(due, time(2, 30), "Europe/Berlin")
    assert after == datetime(2026, 3, 30, 0, 30, tzinfo=UTC)  # 02:30 CEST next day


def test_a_time_repeated_by_fall_back_is_sent_once_at_its_first_occurrence():
    # Berlin, 2026-10-25: 02:30 happens twice (CEST, then CET).
    due = at_local(date(2026, 10, 25), time(2, 30), "Europe/Berlin")
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert next_due(due, time(2, 30), "Europe/Berlin").date() == date(2026, 10, 26)


def test_first_due_is_today_when_still_ahead_else_tomorrow():
    morning = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # 08:00 in Berlin
    assert first_due(morning, time(9), "Europe/Berlin") == datetime(2026, 5, 4, 7, tzinfo=UTC)
    exactly = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
    assert first_due(exactly, time(9), "Europe/Berlin") == exactly
    late = datetime(2026, 5, 4, 7, 1, tzinfo=UTC)
    assert first_due(late, time(9), "Europe/Berlin") == datetime(2026, 5, 5, 7, tzinfo=UTC)


def test_local_midnight_across_the_date_line():
    now = datetime(2026, 5, 4, 11, 0, tzinfo=UTC)  # 23:00 in Auckland, 01:00 in Samoa+1
    assert next_due(now, time(0, 0), "Pacific/Auckland") == datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    assert next_due(now, time(0, 0), "Pacific/Kiritimati") == datetime(
        2026, 5, 5, 10, 0, tzinfo=UTC
    )
