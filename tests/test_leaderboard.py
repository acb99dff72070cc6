"""The group leaderboard from fixed answers: each member's first answer on the group's local
day, ranked by score, then by who got it first."""

from datetime import UTC, date, datetime, timedelta

from bot.core.leaderboard import Score, leaderboard

DAY = date(2026, 5, 4)
NOON = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return NOON + timedelta(minutes=minutes)


def test_first_answer_per_member_then_earliest_among_equals():
    scores = [
        Score(1, "Ada", 60, at(0)),
        Score(1, "Ada", 100, at(30)),  # a later, better answer (the model answer pasted)
        Score(2, "Bob", 90, at(10)),
        Score(3, "Cy", 90, at(5)),
        Score(4, "Dee", 40, at(20)),
        Score(4, "Dee", 95, at(20)),  # the same instant: the first given counts
    ]
    ranking = leaderboard(scores, DAY, "UTC")
    assert [(s.name, s.score, s.answered_at) for s in ranking] == [
        ("Cy", 90, at(5)),
        ("Bob", 90, at(10)),
        ("Ada", 60, at(0)),
        ("Dee", 40, at(20)),
    ]


def test_only_answers_on_the_groups_local_day_count():
    late_utc = datetime(2026, 5, 4, 23, 30, tzinfo=UTC)  # 01:30 on 5 May in Berlin
    early_utc = datetime(2026, 5, 3, 22, 30, tzinfo=UTC)  # 00:30 on 4 May in Berlin
    scores = [Score(1, "Ada", 80, late_utc), Score(2, "Bob", 70, early_utc)]
    assert [s.name for s in leaderboard(scores, DAY, "UTC")] == ["Ada"]
    assert [s.name for s in leaderboard(scores, DAY, "Europe/Berlin")] == ["Bob"]
    assert leaderboard([], DAY, "UTC") == []
