"""Every number the grader decides with, in one place, with the reason for its value."""

# A key point counts as covered when this share of its content words (weighted) appears
# close together in the answer. 0.7 lets a candidate leave out one word of a four-word
# phrasing ("released during blocking io" -> "released during io") but not two.
HIT_COVERAGE = 0.7

# Between PARTIAL_COVERAGE and HIT_COVERAGE a point earns half credit and is shown as
# "partly covered": the answer names the idea but not its substance. Fitted on the blind bands
# (tests/blind) with SCORE_CURVE and MISCONCEPTION_PENALTY: half a phrasing's words (0.5) was
# mostly wrong answers using the topic's words; 0.6 agreed better (0.72 vs 0.70).
PARTIAL_COVERAGE = 0.6
PARTIAL_CREDIT = 0.5

# A misconception is flagged at a stricter coverage than a key point: calling a learner
# wrong on a loose match does more harm than missing a wrong claim.
MISCONCEPTION_COVERAGE = 0.75
# ... and with every word of a short phrasing: one word missed per this many words beyond the
# first. The missing word of a four-word claim is often the claim ("a class must inherit from
# a Protocol to satisfy it" against "a Protocol is satisfied by any class").
MISCONCEPTION_WORDS_PER_MISS = 4

# A misconception's first content word is what it is about ("typing.overload dispatches ..."):
# a clause that says the rest of a misconception of something else is not flagged (a rule,
# no number).

# A key point about one side of a comparison, stated in a clause that names only another side,
# earns nothing; it is a swapped claim (a wrong claim) when nearly all of it is there and the
# answer never states it of the right side: a clause naming one side may still be about both.
SWAPPED_COVERAGE = 0.9
# ... and when at least this many of its words are there: two words ("runs ... raised") are
# shared by too many claims about different sides.
SWAPPED_WORDS = 3
# A point opens with its side when the side is named among its first this many content words.
SUBJECT_OPENING_WORDS = 2

# A key point denied is a wrong claim: a clause holds nearly all of a phrasing (DENIED_WORDS
# words at least) with "not" or "never" over DENIED_WORDS of its words and DENIED_SHARE of its
# weight ("list.sort() does not sort in place"), and the answer earns the point nowhere. "no"
# and "without" say something is absent ("no RecursionError"), not that a claim is false; a
# negation in a condition, a hedge ("not sure about") or a contrast (", not X") denies nothing.
# The bank's counter-statements are the check: at the hit coverage (0.7) or 0.8 two true ones
# were flagged ("None cannot be compared with an int, so ... raises TypeError"), at 0.9 none;
# on the tuning questions every answer flagged so was one interviewers failed.
DENIED_COVERAGE = 0.9
DENIED_WORDS = 2
DENIED_SHARE = 0.2

# Score points taken off for each wrong claim found (floor 0), and a wrong claim keeps the
# score under STRONG_FROM: a wrong claim costs more than a missing point. On the blind bands 20
# agreed a little better than 10, 30 or halving the score (a partly right answer with one
# mistake stays partial).
MISCONCEPTION_PENALTY = 20
# An answer that admits it does not know part of the question ("not sure what 3.11 added",
# "not too sure", "haven't used them") stays out of the strong band too (a rule, no number):
# on the ten tuned blind sets interviewers banded none of these answers high (100 partial, 4
# failed).
# Two wrong claims make an answer a fail, however much else it covers: interviewers failed
# every answer of the tuning questions in which the grader found two (three answers).
WRONG_CLAIMS_TO_FAIL = 2

# Words the question itself uses count for less: repeating the prompt is not knowledge.
PROMPT_WORD_WEIGHT = 0.5

# An answer is the question pasted back when it adds no word of its own (every word is in the
# prompt or is filler such as "i think") and either most of it lines up with a stretch of the
# prompt (rapidfuzz partial_ratio) or it reuses half of the prompt's distinct words. Allowing
# even one own word refused real one-fact answers ("global variables have file scope").
ECHO_MAX_OWN_WORDS = 0
ECHO_SIMILARITY = 80
ECHO_PROMPT_SHARE = 0.5

# "I don't know" is recognised in answers with fewer of their own words than this (words not
# in the prompt and not filler), and one word said this many times is not an answer.
MIN_DISTINCT_WORDS = 3

# An answer of SPAM_MIN_WORDS or more content words that are only one or two words said over
# and over ("JIT JIT JIT fast fast") repeats keywords: it is not an answer. Shorter ones can
# be real ("a[i] = *(a+i)").
SPAM_DISTINCT_WORDS = 2
SPAM_MIN_WORDS = 5

# Typos: a word that is not in the question's vocabulary is mapped to the closest word in it
# (rapidfuzz Indel ratio). Short words need an exact match; "lsit" is not "list" safely.
# One slip in a 5-6 letter word scores 80; in a 7+ letter word one slip scores >= 85.
TYPO_MIN_LENGTH = 5
TYPO_RATIO_SHORT = 80
TYPO_RATIO_LONG = 85
TYPO_LONG_FROM = 7

# Matched words must stand close together in one clause: a window of the phrase's length plus
# this many content words. Two allows an adjective or an object between the terms; wider
# windows let words from neighbouring claims complete a phrasing (blind bands: 2 agreed best,
# 0.709 vs 0.697 for 6 on the tuning questions, 0.646 vs 0.623 on the held-out ones).
WINDOW_SLACK = 2

# One word alone never stands for a phrasing of several: with rare words weighing more, a
# single telling word ("exceptions" of "return_exceptions") would otherwise cover a point.
# Such a lone match counts at most as this (under PARTIAL_COVERAGE: missed).
MIN_WORDS_FOUND = 2
ONE_WORD_COVERAGE = 0.45

# A key point found only inside a list of LIST_RUN or more short items of at most
# LIST_ITEM_WORDS content words ("sessions, auth, csrf, cors" as the whole claim) is named,
# not stated: such a match counts at most LISTED_COVERAGE, missed.
LISTED_COVERAGE = 0.45
LIST_RUN = 4
LIST_ITEM_WORDS = 3
# An answer with this share of its words among the short items of such lists is keyword salad
# ("all about the metaclass hooks: type, __prepare__, __new__, __init__, __call__, ..."): a
# fail, whatever it names. Correct terse answers in list form reach 0.55 on the labelled set
# and 0.54 on the tuned blind sets (one more, at 0.74, is failed), so the line keeps a wide
# margin above them (0.6 failed two more keyword salads there, at the cost of that margin).
# Counting the long items too read a correct answer whose statements run through its lists
# ("pickle serializes almost any object (custom classes, sets, cycles), ...") as salad.
SALAD_SHARE = 0.7
# Keyword salad in sentences: an answer with this many phrases that talk about the topic
# instead of stating anything ("it's all about X and the Y and the Z, in terms of W") is a
# fail. On the ten tuned blind sets 13 answers have two or more, all failed by interviewers;
# one is common in real answers ("and so on", "overall": 3 passing, 7 partial, 21 failed).
VAGUE_TALK_FOR_SALAD = 2
# A sentence that chains this many "and"s strings terms together instead of claiming anything
# ("the heap and the private heap, and the memory manager, and pymalloc with arenas and pools,
# and ..."): keyword salad, a fail. On the fifteen blind sets no passing or partial answer has
# a sentence with more than five; 13 failing ones do.
AND_CHAIN_FOR_SALAD = 6

# A word opposite to a phrasing's ("true" for "false") among the words found, or within this
# many content words of them, means the clause says the opposite: no match there.
OPPOSITE_REACH = 2

# A negation word governs the next few words of its clause ("is not released during io").
NEGATION_SCOPE = 4

# A word of at least twice this many letters that is two vocabulary words run together
# ("ordereddict", "threadpool") is read as those two; shorter parts split too eagerly.
COMPOUND_PART_LENGTH = 3

# The score is 100 * share ** SCORE_CURVE, where share is the weighted share of the key points
# earned. Interviewers give an answer that states the central idea correctly a partial grade
# even when it leaves most points out: a curve under 1 lifts small shares more than large ones.
# Fitted on the blind banded answers (tests/blind) with PARTIAL_*: 0.7 (0.72 band agreement on
# the tuning questions, 0.68 on the held-out ones; 0.85 and 1.0 cost 0.01-0.03). Refitted
# with PARTIAL_*, HIT_COVERAGE and MISCONCEPTION_PENALTY on the five tuned sets: these values
# stay the best (0.928 there, 0.806 on the set then held out); no grid point did better on both.
# Checked again on six tuned sets: a curve of 0.75 or 0.8 costs 0.012-0.019, a penalty of 25
# or 30 costs 0.003-0.008; and on ten, with up to eight misconceptions a question: a curve of
# 0.75 or 0.8 costs 0.009-0.015 pooled (the two newest sets gain 0.003 at 0.75), a penalty of
# 25 or 30 costs 0.002-0.008 and drops partial answers of the newest set by 0.02-0.04.
SCORE_CURVE = 0.7


# Verdict bands on the 0-100 score: strong (an interviewer's pass), partial, weak (a fail).
# They are the bands interviewers gave the blind evaluation answers: 70+, 30-69, under 30.
STRONG_FROM = 70
PARTIAL_FROM = 30

# Reference-only grading (no curated key points): score = 100 * min(1, RECALL_WEIGHT * recall +
# SIMILARITY_WEIGHT * similarity). Recall is the share of the words the reference adds to the
# question that the answer uses: the question's own words count for nothing, as repeating the
# prompt is not knowledge (counting them at all agreed worse with human graders). Similarity is
# rapidfuzz's token-set ratio of the two texts, 0..1, which sees phrasing. Against human grades
# both weights sit on a flat ridge (r within 0.003 for 0.9-1.2 and 0.6-0.8), so they are round
# values on it rather than tuned to the third decimal.
# Using every word the reference adds earns full marks on its own: graders give full marks to
# answers that state the substance, however it is phrased around it.
REFERENCE_RECALL_WEIGHT = 1.0
# Close phrasing earns up to 70 without the reference's exact words. Unrelated text reaches a
# token-set similarity of about 0.4 on shared function words alone, so ~28: "weak".
REFERENCE_SIMILARITY_WEIGHT = 0.7
# The word score is blended with the texts' closeness in meaning (mean word embeddings,
# cosine): 0.3 meaning moved agreement with human graders from r=0.581 to 0.596 on the
# development set, with 0.2-0.4 all within 0.003 of it; alone, meaning reaches only 0.51.
REFERENCE_MEANING_WEIGHT = 0.3
# A reference word the stemmer keeps apart from the answer's word ("reusability" / "reuse",
# "pointer" / "point") earns partial credit, their rapidfuzz ratio, when that ratio is at least
# this: 70 needs most letters shared, so "data" / "date" (75) is the rare false friend.
REFERENCE_RELATED_WORD_RATIO = 70

# Word rarity over the bank's key points: a stem used by at most this many key points weighs
# fully; more common stems ("function", "object", "python") weigh less, never under the floor.
RARE_WORD_DOCUMENTS = 3
COMMON_WORD_WEIGHT = 0.3
