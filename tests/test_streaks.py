"""Streak arithmetic on the learner's local days: time zones, DST, midnight, moving zones."""

from datetime import UTC, date, datetime

from bot.core.streaks import Streak, extend, local_day, status


def days(*isodays: str) -> Streak:
    streak = Streak()
    for day in isodays:
        streak = extend(streak, date.fromisoformat(day))
    return streak


def test_consecutive_days_extend_and_same_day_changes_nothing():
    streak = days("2026-03-01", "2026-03-01", "2026-03-02", "2026-03-03")
    assert (streak.current, streak.best, streak.last_day) == (3, 3, date(2026, 3, 3))


def test_missed_day_resets_current_but_keeps_best():
    streak = days("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-05")
    assert (streak.current, streak.best) == (1, 3)


def test_an_earlier_day_after_moving_west_changes_nothing():
    streak = days("2026-03-01", "2026-03-02")
    assert extend(streak, date(2026, 3, 1)) == streak


def test_local_day_follows_the_learners_zone_around_midnight():
    moment = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    assert local_day(moment, "UTC") == date(2026, 6, 1)
    assert local_day(moment, "Europe/Berlin") == date(2026, 6, 2)
    assert local_day(moment, "America/Los_Angeles") == date(2026, 6, 1)


def test_dst_spring_forward_and_fall_back_days_count_once_each():
    # Berlin springs forward on 2026-03-29 (23 hours) and falls back on 2026-10-25 (25 hours).
    zone = "Europe/Berlin"
    spring = [datetime(2026, 3, 28, 22, 59, tzinfo=UTC), datetime(2026, 3, 29, 21, 59, tzinfo=UTC)]
    assert [local_day(m, zone) for m in spring] == [date(2026, 3, 28), date(2026, 3, 29)]
    autumn = [datetime(2026, 10, 24, 22, 1, tzinfo=UTC), datetime(2026, 10, 25, 22, 59, tzinfo=UTC)]
    assert [local_day(m, zone) for m in autumn] == [date(2026, 10, 25), date(2026, 10, 25)]
    streak = Streak()
    for moment in [*spring, *autumn]:
        streak = extend(streak, local_day(moment, zone))
    assert (streak.current, streak.best) == (1, 2)


def test_status_shows_zero_after_a_missed_day_and_whether_today_counts():
    streak = days("2026-03-01", "2026-03-02")
    assert status(streak, date(2026, 3, 2)).counts_today
    yesterday = status(streak, date(2026, 3, 3))
    assert (yesterday.current, yesterday.counts_today) == (2, False)
    lapsed = status(streak, date(2026, 3, 4))
    assert (lapsed.current, lapsed.best) == (0, 2)
