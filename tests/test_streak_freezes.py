"""Streak freezes on fixed dates: earned on every 7th day, at most 2, spent one per missed
day, lost with the streak when a gap is longer than the freezes; moving time zones."""

from datetime import UTC, date, datetime, timedelta

from bot.core.streaks import Streak, extend, local_day, moved, status

START = date(2026, 3, 2)  # a Monday
NONE_YET = Streak()


def practise(streak: Streak, *days: date) -> Streak:
    for day in days:
        streak = extend(streak, day)
    return streak


def run(first: date, count: int, streak: Streak = NONE_YET) -> Streak:
    """`count` consecutive days of practice from `first`."""
    return practise(streak, *(first + timedelta(days=n) for n in range(count)))


def test_the_seventh_day_in_a_row_earns_a_freeze_and_not_before():
    six = run(START, 6)
    assert (six.current, six.freezes) == (6, 0)
    seven = extend(six, START + timedelta(days=6))
    assert (seven.current, seven.freezes) == (7, 1)
    again = extend(seven, START + timedelta(days=6))
    assert again == seven, "a second answer the same day earns nothing more"


def test_freezes_are_earned_every_seven_days_up_to_two():
    assert run(START, 13).freezes == 1
    assert run(START, 14).freezes == 2
    capped = run(START, 28)
    assert (capped.current, capped.freezes) == (28, 2)


def test_a_missed_day_spends_one_freeze_and_keeps_the_streak_without_extending_it():
    seven = run(START, 7)  # 2 Mar .. 8 Mar, one freeze
    after_gap = extend(seven, date(2026, 3, 10))  # 9 Mar missed
    assert (after_gap.current, after_gap.best, after_gap.freezes) == (8, 8, 0)
    assert after_gap.last_day == date(2026, 3, 10)


def test_two_freezes_cover_two_missed_days_in_a_row_or_apart():
    fourteen = run(START, 14)  # 2 Mar .. 15 Mar, two freezes
    together = extend(fourteen, date(2026, 3, 18))  # 16 and 17 Mar missed
    assert (together.current, together.freezes) == (15, 0)
    apart = practise(fourteen, date(2026, 3, 17), date(2026, 3, 19))  # 16 and 18 Mar missed
    assert (apart.current, apart.freezes) == (16, 0)


def test_a_gap_longer_than_the_freezes_resets_the_streak_and_uses_them_up():
    fourteen = run(START, 14)  # two freezes
    reset = extend(fourteen, date(2026, 3, 19))  # 16, 17, 18 Mar missed: three days
    assert (reset.current, reset.best, reset.freezes) == (1, 14, 0)
    no_freeze = extend(run(START, 3), date(2026, 3, 6))  # 5 Mar missed, nothing to cover it
    assert (no_freeze.current, no_freeze.freezes) == (1, 0)


def test_a_frozen_day_does_not_count_towards_the_next_freeze():
    seven = run(START, 7)  # freeze 1 at 8 Mar
    bridged = extend(seven, date(2026, 3, 10))  # 9 Mar frozen: streak 8, no freeze left
    thirteen = run(date(2026, 3, 11), 5, bridged)  # 11 .. 15 Mar: streak 13
    assert (thirteen.current, thirteen.freezes) == (13, 0)
    fourteen = extend(thirteen, date(2026, 3, 16))
    assert (fourteen.current, fourteen.freezes) == (14, 1)


def test_the_earned_freeze_lands_after_the_spent_one_at_the_cap():
    twenty = run(START, 20)  # 2 Mar .. 21 Mar: streak 20, two freezes
    spent_then_earned = extend(twenty, date(2026, 3, 23))  # 22 Mar frozen, day 21 earns
    assert (spent_then_earned.current, spent_then_earned.freezes) == (21, 2)


def test_status_spends_freezes_on_days_already_missed_and_says_if_today_counts():
    seven = run(START, 7)  # last practice Sun 8 Mar, one freeze
    today = status(seven, date(2026, 3, 8))
    assert (today.current, today.freezes, today.counts_today, today.frozen_days) == (7, 1, True, 0)
    next_day = status(seven, date(2026, 3, 9))
    assert (next_day.current, next_day.freezes, next_day.counts_today) == (7, 1, False)
    covered = status(seven, date(2026, 3, 10))  # 9 Mar missed, the freeze covers it
    assert (covered.current, covered.freezes, covered.frozen_days) == (7, 0, 1)
    lapsed = status(seven, date(2026, 3, 11))  # 9 and 10 Mar missed, one freeze
    assert (lapsed.current, lapsed.best, lapsed.freezes) == (0, 7, 0)


def test_status_counts_down_to_the_next_freeze_and_stops_at_the_cap():
    assert status(run(START, 5), date(2026, 3, 6)).next_freeze_in == 2
    assert status(run(START, 7), date(2026, 3, 8)).next_freeze_in == 7
    assert status(run(START, 14), date(2026, 3, 15)).next_freeze_in is None
    assert status(Streak(), START).next_freeze_in == 7


def test_days_are_the_learners_local_days_around_midnight():
    # A learner in Tokyo answers at 23:30 and at 00:30 local time: two days, one hour apart.
    zone = "Asia/Tokyo"
    evening = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)  # 23:30 on 2 Mar in Tokyo
    streak = practise(
        Streak(), local_day(evening, zone), local_day(evening + timedelta(hours=1), zone)
    )
    assert (streak.current, streak.last_day) == (2, date(2026, 3, 3))
    # The same two moments in Los Angeles fall on one local day.
    la = practise(
        Streak(),
        local_day(evening, "America/Los_Angeles"),
        local_day(evening + timedelta(hours=1), "America/Los_Angeles"),
    )
    assert la.current == 1


def test_moving_east_takes_the_last_practice_to_the_new_zones_day_so_no_freeze_is_spent():
    # Practised every day to Mon 9 Mar, last at 20:00 in New York (01:00 on 10 Mar UTC).
    last_practice = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    streak = run(date(2026, 3, 3), 7)  # 3 .. 9 Mar: streak 7, one freeze
    assert local_day(last_practice, "America/New_York") == date(2026, 3, 9)
    # Then to Tokyo, where that practice was on Tue 10 Mar; the next answer is on Wed 11 Mar.
    in_tokyo = moved(streak, local_day(last_practice, "Asia/Tokyo"))
    assert in_tokyo.last_day == date(2026, 3, 10)
    assert status(in_tokyo, date(2026, 3, 11)).frozen_days == 0
    after = extend(in_tokyo, date(2026, 3, 11))
    assert (after.current, after.freezes) == (8, 1), "no day was missed, no freeze spent"
    # Without the move, 10 Mar would look missed and cost the freeze.
    assert extend(streak, date(2026, 3, 11)).freezes == 0


def test_moving_west_counts_no_day_twice_and_the_next_day_still_extends():
    # Last practice 09:00 on Tue 10 Mar in Tokyo (00:00 UTC), counted for 10 Mar.
    last_practice = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    streak = run(date(2026, 3, 4), 7)  # 4 .. 10 Mar
    in_new_york = moved(streak, local_day(last_practice, "America/New_York"))  # Mon 9 Mar
    same_day = extend(in_new_york, date(2026, 3, 9))
    assert same_day.current == 7, "the New York day of the last practice counts once"
    next_day = extend(same_day, date(2026, 3, 10))
    assert (next_day.current, next_day.freezes) == (8, 1)


def test_an_earlier_day_never_changes_the_streak_or_spends_a_freeze():
    streak = run(START, 7)
    assert extend(streak, START) == streak
    assert moved(Streak(), START) == Streak(), "no practice yet: nothing to move"
