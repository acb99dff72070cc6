"""Turn free text into content words: normalised, stemmed, read through the domain's concept
vocabulary, each word marked with its clause and whether a negation governs it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import snowballstemmer

from bot.grader.thresholds import NEGATION_SCOPE
from bot.grader.vocabulary import CONCEPTS, OPPOSITES, SHORTHAND

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just let lets like me more most my myself of off on once or
    other ought our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which who whom why will with
    would you your yours yourself yourselves also may might must shall us etc eg ie via
    get gets got using use used uses vs versus basically simply really""".split()
)
# "none" is left out: in answers about Python it is mostly the value None ("default to None").
NEGATIONS = frozenset(
    {"not", "no", "never", "without", "nothing", "neither", "nor", "unlike", "refuses"}
)
# The negations that deny a predicate ("does not sort in place"), as opposed to those that
# say something is absent ("no RecursionError", "without copying").
DENYING = frozenset({"not", "never", "neither", "nor"})
# ... but not in a condition ("if it is not there, it looks in the class"), a hedge ("not
# sure about X") or a contrast (", not X").
CONDITIONS = frozenset({"if", "unless", "whether", "when"})
HEDGES = frozenset({"sure", "certain"})
# Negations that set what follows against what came before ("a tuple instead of a list").
REACHING_BACK = frozenset({"unlike", "neither", "nor"})
# Words after which a negation judges the claim before it ("X, which is not true"); "X can
# not" ends with a verb that stands for the whole claim.
VERDICTS = frozenset({"true", "right", "correct", "so", "accurate", "quite", "really", "the"})
# Words after which a negation does not deny what follows ("not only X but also Y").
NEGATION_UNDONE = frozenset({"only", "just", "merely", "necessarily"})
# Words that start a new clause: a claim never spans them.
CLAUSE_WORDS = frozenset({"but", "whereas", "however", "although", "though", "while", "whilst"})
# ... and dashes, which set off an aside ("ends — normally or by an exception — __exit__ ...").
CLAUSE_DASHES = frozenset("—–")
# Punctuation that ends a negation's scope; "." ";" "!" "?" and new lines also end the clause.
SCOPE_BREAKS = frozenset(",:()[]{}")
# A join followed by a new subject ends a negation's scope too: "threads don't help and you
# should use processes" does not deny the processes.
SCOPE_JOINS = frozenset({"and", "then"})
NEW_SUBJECTS = frozenset({"you", "it", "they", "we", "i", "this", "that", "there", "the"})
# A consequence is not denied with its cause: "threads can't run in parallel so processes
# are better" does not deny the processes.
CONSEQUENCES = frozenset({"so", "therefore", "hence", "thus"})
CLAUSE_ENDS = frozenset(".;!?")
# Words that start the next statement of a sentence ("..., and it raises TypeError").
STATEMENT_JOINS = ("and", "so", "but", "then")
# Phrases that deny what follows them, rewritten to a plain "not".
NEGATING_PHRASES = re.compile(r"\b(no longer|not anymore|fails to)\b")
# Phrases that name an alternative, rewritten to "unlike": what follows is not so, but is not
# denied either ("an explicit stack instead of recursion").
ALTERNATIVE_PHRASES = re.compile(r"\b(instead of|rather than|as opposed to|in place of)\b")
SHORTHAND_WORD = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, SHORTHAND)) + r")(?![\w/])")
CONTRACTIONS = (
    (re.compile(r"\bcan[’']t\b"), "can not"),
    (re.compile(r"\bwon[’']t\b"), "will not"),
    (re.compile(r"n[’']t\b"), " not"),
    (re.compile(r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should)nt\b"), r"\1 not"),
    (re.compile(r"\bcant\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"[’'](ve|ll|re|d|m)\b"), ""),
    (re.compile(r"\bwont\b"), "will not"),
    (re.compile(r"[’']s\b"), ""),
)
CODE_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*")
IO = re.compile(r"\bi/o\b")
# A leading underscore is part of what a name says ("_name" is internal, "__name" is mangled):
# read as words, as candidates also write them. Dunder names ("__init__") keep theirs.
DOUBLE_UNDERSCORE_NAME = re.compile(r"(?<![\w])__(?=[a-z][a-z0-9]*\b)", re.IGNORECASE)
SINGLE_UNDERSCORE_NAME = re.compile(r"(?<![\w.])_(?=[a-z][a-z0-9]*\b)", re.IGNORECASE)
# The relationships quoted as words: 'inheritance is "is a"' is "is-a".
QUOTED_RELATION = re.compile(r"[\"“”'‘’]\s*(is|has)[ -]an?\s*[\"“”'‘’]")
# Big-O notation in words, so that O(n) and O(n^2) are different claims, and "O(n**2)" is
# "quadratic" (the notation alone reads as the letters o and n).
BIG_O = (
    (re.compile(r"\bo\(\s*1\s*\)"), " constant "),
    (re.compile(r"\bo\(\s*log\s*n\s*\)"), " logarithmic "),
    (re.compile(r"\bo\(\s*n\s*\*?\s*log\s*n\s*\)"), " linearithmic "),
    (re.compile(r"\bo\(\s*n\s*(?:\^\s*2|\*\*\s*2|²|\*\s*n)\s*\)"), " quadratic "),
    (re.compile(r"\bo\(\s*n\s*\)"), " linear "),
)
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")
# A bullet or numbered item at the start of a line, or an arrow between claims.
BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+", re.MULTILINE)
TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+|[.,;:!?()\[\]{}—–]|\n")
LONGEST_CONCEPT = 5

_stemmer = snowballstemmer.stemmer("english")
# Words the stemmer would merge although Python keeps them apart: an iterable is not an
# iterator (both stem to "iter"), and "pythonic" (idiomatic) is not "Python".
OWN_STEMS = {
    "iterable": "iterable",
    "iterables": "iterable",
    "iterator": "iterator",
    "iterators": "iterator",
    "pythonic": "pythonic",
}


@dataclass(frozen=True, slots=True)
class Analysed:
    """A text after normalisation, with its content words (offsets into `normal`)."""

    normal: str
    words: tuple[Word, ...]
    # Clauses that end in a question mark, and clauses in which a negation stands.
    questions: frozenset[int] = frozenset()
    negated_clauses: frozenset[int] = frozenset()
    # Where each negation stands: (clause, offset in `normal`, whether it judges what came
    # before it, "..., which is not true").
    negations: tuple[tuple[int, int, bool], ...] = ()

    def span(self, first: Word, last: Word) -> str:
        return self.normal[first.start : last.end]


@dataclass(frozen=True, slots=True)
class Word:
    """One content word of a text: its normal form, stem, negation, and where it stands.

    A concept wording of several words ("cpu heavy") becomes its canonical words, which share
    the wording's place in the text."""

    text: str
    stem: str
    negated: bool
    start: int
    end: int
    clause: int = 0
    # The first word after a negation that denies a predicate ("does not sort in place"):
    # "not" or "never", not "no" or "without", which say something is absent.
    denied: bool = False


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return OWN_STEMS.get(word) or _stemmer.stemWord(word)


def normalise(text: str) -> str:
    """Lower-case text with code fences, backticks, bullets, contractions and shorthand
    resolved."""
    text = CODE_FENCE.sub(" ", text).replace("`", " ")
    text = BULLET.sub("\n", text)
    text = DOUBLE_UNDERSCORE_NAME.sub(" double underscore ", text)
    text = SINGLE_UNDERSCORE_NAME.sub(" single underscore ", text)
    text = IO.sub("io", CAMEL.sub(" ", text).casefold())
    for pattern, replacement in BIG_O:
        text = pattern.sub(replacement, text)
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    text = QUOTED_RELATION.sub(lambda match: f" {match.group(1)}a ", text)
    text = NEGATING_PHRASES.sub("not", text)
    text = ALTERNATIVE_PHRASES.sub("unlike", text)
    return SHORTHAND_WORD.sub(lambda match: SHORTHAND[match.group()], text)


def _tokens(text: str) -> list[str]:
    return [token.group() for token in TOKEN.finditer(normalise(text))]


@cache
def opposite_stems() -> dict[str, tuple[str, ...]]:
    """Each stem to the stems of its opposites, both ways."""
    table: dict[str, list[str]] = {}
    for first, second in OPPOSITES:
        a, b = stem(first), stem(second)
        table.setdefault(a, []).append(b)
        table.setdefault(b, []).append(a)
    return {key: tuple(values) for key, values in table.items()}


@cache
def concept_starts() -> frozenset[str]:
    """The stems a concept wording can start with."""
    return frozenset(wording[0] for wording in concept_table())


@cache
def concept_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Each wording of a concept, as a tuple of stems, to the canonical wording's stems."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for canonical, wordings in CONCEPTS.items():
        target = tuple(stem(token) for token in _tokens(canonical))
        for wording in (canonical, *wordings):
            table[tuple(stem(token) for token in _tokens(wording))] = target
    return table


def analyse(text: str) -> Analysed:
    """The words that carry meaning, in order, each marked with its clause and whether a
    negation governs it."""
    normal = normalise(text)
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(normal)]
    token_stems = [stem(token) if token[0].isalnum() else "" for token, _, _ in tokens]
    table = concept_table()
    words: list[Word] = []
    questions: set[int] = set()
    negated: set[int] = set()
    negations: list[tuple[int, int, bool]] = []
    scope = clause = 0
    denying = conditional = False
    index = 0
    while index < len(tokens):
        token, start, end = tokens[index]
        index += 1
        # A sentence end ends the clause; the last dot of an ellipsis ("...") is a pause.
        if token == "\n" or (
            token in CLAUSE_ENDS
            and normal[end : end + 1] in ("", " ", "\n", "\t")
            and normal[max(start - 2, 0) : start] != ".."
        ):
            if token == "?":
                questions.add(clause)
            clause += 1
            scope = 0
            conditional = False
            continue
        if token in CLAUSE_WORDS or token in CLAUSE_DASHES:
            clause += 1
            scope = 0
            conditional = False
            continue
        if (
            token in SCOPE_BREAKS
            or token in CLAUSE_ENDS
            or token in CONSEQUENCES
            or (token in SCOPE_JOINS and index < len(tokens) and tokens[index][0] in NEW_SUBJECTS)
        ):
            scope = 0
            conditional = False
            continue
        if token in CONDITIONS:
            conditional = True
        found = _concept(token_stems, index - 1, table)
        if found:
            length, stems = found
            end = tokens[index - 2 + length][2]
            for concept_stem in stems:
                words.append(
                    Word(
                        normal[start:end],
                        concept_stem,
                        scope > 0,
                        start,
                        end,
                        clause,
                        scope == NEGATION_SCOPE and denying,
                    )
                )
            index += length - 1
        elif token in NEGATIONS:
            undone = index < len(tokens) and tokens[index][0] in NEGATION_UNDONE
            scope = 0 if undone else NEGATION_SCOPE
            hedged = index < len(tokens) and tokens[index][0] in HEDGES
            # ", not X" sets X against what came before: "identity, not equality".
            contrast = index > 1 and tokens[index - 2][0] == ","
            denying = token in DENYING and not (conditional or hedged or contrast)
            if not undone:
                negated.add(clause)
                # A negation before a word is about what follows ("is encrypted, so nobody
                # can read it", "evaluated on each call, not once"); "unlike", a closing "X
                # does not" and "not true" reach back to what came before.
                following = tokens[index][0] if index < len(tokens) else ""
                judges = (
                    token in REACHING_BACK or not following[:1].isalnum() or following in VERDICTS
                )
                negations.append((clause, start, judges))
            continue
        elif token not in STOP_WORDS:
            words.append(
                Word(
                    token,
                    token_stems[index - 1],
                    scope > 0,
                    start,
                    end,
                    clause,
                    scope == NEGATION_SCOPE and denying,
                )
            )
        else:
            continue
        scope = max(scope - 1, 0)
    return Analysed(
        normal, tuple(words), frozenset(questions), frozenset(negated), tuple(negations)
    )


def _concept(
    stems: list[str], at: int, table: dict[tuple[str, ...], tuple[str, ...]]
) -> tuple[int, tuple[str, ...]] | None:
    """The longest concept wording starting at token `at` (stems of punctuation are empty):
    its length and canonical stems."""
    if stems[at] not in concept_starts():
        return None
    for length in range(min(LONGEST_CONCEPT, len(stems) - at), 0, -1):
        run = stems[at : at + length]
        if "" in run:
            continue
        target = table.get(tuple(run))
        if target is not None:
            return length, target
    return None
