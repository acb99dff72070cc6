"""Crashes and stops end to end: `python -m bot` as a real process against the fake Bot API
server, killed with SIGKILL during a burst of answers and presses, or stopped with SIGTERM
with 2,000 updates queued; after a restart nothing is lost and no answer counts twice.
bench/crash_trials.py runs many more trials and prints the counts."""

import random

from testing.crash import crash_trial, stop_trial


async def test_kill_9_during_a_burst_loses_no_answer_and_grades_none_twice(tmp_path):
    rng = random.Random(14)
    for trial in range(2):
        folder = tmp_path / str(trial)
        folder.mkdir()
        result = await crash_trial(folder, kill_after=rng.uniform(0.05, 0.6), learners=20)
        assert result.lost_answers == 0, result
        assert result.doubled_answers == 0, result
        assert result.grades_not_shown == 0, result
        assert result.presses_lost == 0, result


async def test_sigterm_with_2000_queued_updates_stops_without_the_backlog_and_loses_none(
    tmp_path,
):
    result = await stop_trial(tmp_path, updates=2000, stop_after_replies=50)
    assert result.exit_seconds is not None, "the bot exited on SIGTERM by itself"
    assert result.replied_before_stop < result.updates, "the stop came mid-backlog"
    assert result.replied_at_exit < result.updates // 2, "the stop left the backlog waiting"
    assert result.lost == 0, result
    assert result.doubled == 0, result
