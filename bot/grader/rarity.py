"""How telling a word is: words that many key points of the bank use weigh less."""

from __future__ import annotations

import math
from collections import Counter

from bot.grader import thresholds as t
from bot.grader.text import analyse
from content import Bank


def word_rarity(bank: Bank) -> dict[str, float]:
    """Each stem's weight in 0..1: inverse document frequency over the bank's key points
    (a key point and its phrasings are one document), full weight for rare stems."""
    documents = [
        {word.stem for phrasing in point.phrasings for word in analyse(phrasing).words}
        for question in bank.questions
        for point in question.key_points
    ]
    counts = Counter(stem for document in documents for stem in document)
    full = math.log(len(documents) / t.RARE_WORD_DOCUMENTS)
    return {
        stem: max(t.COMMON_WORD_WEIGHT, min(1.0, math.log(len(documents) / count) / full))
        for stem, count in counts.items()
    }
