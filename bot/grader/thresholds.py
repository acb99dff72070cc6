"""Every number the grader decides with, in one place, with the reason for its value."""

# A key point counts as covered when this share of its content words (weighted) appears
# close together in the answer. 0.7 lets a candidate leave out one word of a four-word
# phrasing ("released during blocking io" -> "released during io") but not two.
HIT_COVERAGE = 0.7

# Between PARTIAL_COVERAGE and HIT_COVERAGE a point earns half credit and is shown as
# "partly covered": the answer names the idea but not its substance.
PARTIAL_COVERAGE = 0.5
PARTIAL_CREDIT = 0.5

# A misconception is flagged at a stricter coverage than a key point: calling a learner
# wrong on a loose match does more harm than missing a wrong claim.
MISCONCEPTION_COVERAGE = 0.8

# Score points taken off for each misconception found (floor 0). Twenty keeps a strong
# answer with one wrong aside "partial" rather than "weak".
MISCONCEPTION_PENALTY = 20

# Words the question itself uses count for less: repeating the prompt is not knowledge.
PROMPT_WORD_WEIGHT = 0.5

# An answer is the question pasted back when it reproduces this share of the prompt's words
# and adds no word of the key points beyond them ("C++ programs begin at main" adds "main").
ECHO_PROMPT_SHARE = 0.6

# "I don't know" is recognised in answers of fewer distinct content words than this, and a
# single word said this many times is a repeated keyword ("gil gil gil"), not an answer.
MIN_DISTINCT_WORDS = 3

# Typos: a word that is not in the question's vocabulary is mapped to the closest word in it
# (rapidfuzz Indel ratio). Short words need an exact match; "lsit" is not "list" safely.
# One slip in a 5-6 letter word scores 80; in a 7+ letter word one slip scores >= 85.
TYPO_MIN_LENGTH = 5
TYPO_RATIO_SHORT = 80
TYPO_RATIO_LONG = 85
TYPO_LONG_FROM = 7

# Matched words must stand close together: a window of the phrase's length plus this many
# content words. Six allows a clause of filler between the terms, not a scattered page.
WINDOW_SLACK = 6

# A negation word governs the next few words of its clause ("is not released during io").
NEGATION_SCOPE = 4

# Verdict bands on the 0-100 score.
STRONG_FROM = 75
PARTIAL_FROM = 40

# Reference-only grading (no curated key points): half the weighted share of the reference's
# words the answer uses, half rapidfuzz token-set similarity (each alone agrees with human
# graders at r~0.51; together they see both vocabulary and phrasing). People give full marks
# to answers covering the substance, so 70% of that blend already earns 100.
REFERENCE_RECALL_SHARE = 0.5
REFERENCE_FULL_MARKS = 0.7
