"""Turn free text into content words: normalised, stemmed, with negation marked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from bot.grader.thresholds import NEGATION_SCOPE

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just let lets like me more most my myself of off on once or
    other ought our ours ourselves out over own same she should so some such than that
    the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves also may might must shall us etc eg ie via
    get gets got using use used uses""".split()
)
# "none" is left out: in answers about Python it is mostly the value None ("default to None").
NEGATIONS = frozenset({"not", "no", "never", "without", "nothing", "neither", "nor"})
# Chat shorthand, spelled out so that "genexp" meets "generator expression". Applied to
# phrasings and answers alike, so a key point may use either form.
SHORTHAND = {
    "genexp": "generator expression",
    "genexps": "generator expressions",
    "listcomp": "list comprehension",
    "listcomps": "list comprehensions",
    "func": "function",
    "funcs": "functions",
    "fn": "function",
    "arg": "argument",
    "args": "arguments",
    "param": "parameter",
    "params": "parameters",
    "attr": "attribute",
    "attrs": "attributes",
    "obj": "object",
    "objs": "objects",
    "db": "database",
    "dbs": "databases",
    "impl": "implementation",
    "exc": "exception",
    "perf": "performance",
    "mem": "memory",
    "auth": "authentication",
    "req": "request",
    "reqs": "requests",
    "resp": "response",
    "msg": "message",
    "msgs": "messages",
    "thru": "through",
    "w/o": "without",
    "b/c": "because",
    "bc": "because",
    "cuz": "because",
    "tho": "though",
    "u": "you",
    "ur": "your",
}
SHORTHAND_WORD = re.compile(r"(?<![\w/])(" + "|".join(map(re.escape, SHORTHAND)) + r")(?![\w/])")
CLAUSE_BREAKS = frozenset(".,;:!?()[]{}")
SENTENCE_ENDS = frozenset(".!?")
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
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")
TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+|[.,;:!?()\[\]{}]")

_stemmer = snowballstemmer.stemmer("english")


@dataclass(frozen=True, slots=True)
class Analysed:
    """A text after normalisation, with its content words (offsets into `normal`)."""

    normal: str
    words: tuple[Word, ...]

    def span(self, first: Word, last: Word) -> str:
        return self.normal[first.start : last.end]


@dataclass(frozen=True, slots=True)
class Word:
    """One content word of a text: its normal form, stem, negation, and where it stands."""

    text: str
    stem: str
    negated: bool
    start: int
    end: int
    sentence: int = 0


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def normalise(text: str) -> str:
    """Lower-case text with code fences, backticks and contractions resolved."""
    text = CODE_FENCE.sub(" ", text).replace("`", " ")
    text = IO.sub("io", CAMEL.sub(" ", text).casefold())
    for pattern, replacement in CONTRACTIONS:
        text = pattern.sub(replacement, text)
    return SHORTHAND_WORD.sub(lambda match: SHORTHAND[match.group()], text)


def analyse(text: str) -> Analysed:
    """The words that carry meaning, in order, each marked if a negation governs it."""
    normal = normalise(text)
    words: list[Word] = []
    scope = sentence = last_end = 0
    for match in TOKEN.finditer(normal):
        token = match.group()
        if "\n" in normal[last_end : match.start()]:
            sentence += 1
        last_end = match.end()
        if token in SENTENCE_ENDS and normal[match.end() : match.end() + 1] in ("", " ", "\n"):
            sentence += 1
        if token in CLAUSE_BREAKS and token != ".":
            scope = 0
            continue
        if token in NEGATIONS:
            scope = NEGATION_SCOPE
            continue
        if token == "." or token in STOP_WORDS:
            if token == ".":
                scope = 0
            continue
        words.append(Word(token, stem(token), scope > 0, match.start(), match.end(), sentence))
        scope = max(scope - 1, 0)
    return Analysed(normal, tuple(words))
