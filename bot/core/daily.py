"""The question of the day: the same for everyone on a date, no repeats within a cycle."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date


def question_of_the_day(question_ids: Sequence[str], day: date) -> str:
    """Walk a shuffled order of the bank, one question a day; each pass of the whole bank
    (a cycle) has its own order, fixed by the cycle number, so every subscriber and every
    restart picks the same question for the same date."""
    ids = sorted(question_ids)
    if not ids:
        raise ValueError("the bank has no questions")
    cycle, position = divmod(day.toordinal(), len(ids))
    random.Random(cycle).shuffle(ids)
    return ids[position]
