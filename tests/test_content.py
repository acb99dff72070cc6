"""The shipped bank loads, covers the seed, and every runnable snippet runs."""

import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass

import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from content import ContentError, load_bank
from content.loader import CONTENT_DIR
from content.summary import summarize

BANK = load_bank()


def test_bank_covers_every_seed_heading():
    assert BANK.seeds - {0} == set(range(1, 101))


def test_summary_ends_with_counts():
    assert summarize(BANK).splitlines()[-1] == f"questions={len(BANK.questions)} seeds=100/100"


def test_coding_scenarios_have_runnable_model_answers():
    coding = [q for q in BANK.questions if q.section.slug == "coding"]
    assert coding and all(q.answer_code for q in coding)


# The interpreters a snippet runs on: the one running the tests and every python3.11 to
# python3.14 found on PATH, in /usr/local/bin, in /usr/bin or among pyenv's installed versions
# that really starts (a pyenv shim for a version it does not select fails) and reports the
# version its name promises. One
# probe per interpreter reports its version, its real executable (the same interpreter found
# twice runs once) and which of the bank's required packages it cannot import.
INTERPRETER_MINORS = range(11, 15)
INTERPRETER_DIRS = (
    "/usr/local/bin",
    "/usr/bin",
    *glob.glob(
        os.path.join(os.path.expanduser(os.environ.get("PYENV_ROOT", "~/.pyenv")), "versions/*/bin")
    ),
)
PROBE = """
import importlib.util, os, sys
print("%d.%d.%d" % sys.version_info[:3])
print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
print(" ".join(name for name in sys.argv[1:] if importlib.util.find_spec(name) is None))
"""


@dataclass(frozen=True)
class Interpreter:
    executable: str
    version: tuple[int, ...]
    missing: frozenset[str]

    @property
    def name(self) -> str:
        return "python" + ".".join(map(str, self.version))


def _probe(executable: str, packages: list[str]) -> tuple[tuple[int, ...], str, frozenset[str]]:
    try:
        result = subprocess.run(
            [executable, "-c", PROBE, *packages], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return (), "", frozenset()
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) != 3:
        return (), "", frozenset()
    version = tuple(int(part) for part in lines[0].split("."))
    return version, lines[1], frozenset(lines[2].split())


def _interpreters() -> list[Interpreter]:
    packages = sorted({name for question in BANK.questions for name in question.requires})
    candidates = [(sys.executable, None)]
    for minor in INTERPRETER_MINORS:
        name = f"python3.{minor}"
        found = [
            shutil.which(name),
            *(os.path.join(d, name) for d in INTERPRETER_DIRS),
        ]
        candidates += [(path, (3, minor)) for path in found if path and os.access(path, os.X_OK)]
    interpreters: dict[str, Interpreter] = {}
    for executable, promised in candidates:
        version, real, missing = _probe(executable, packages)
        if not version or (promised and version[:2] != promised) or real in interpreters:
            continue
        interpreters[real] = Interpreter(executable, version, missing)
    return list(interpreters.values())


INTERPRETERS = _interpreters()


def _interpreter_id(interpreter: Interpreter) -> str:
    same = [i for i in INTERPRETERS if i.name == interpreter.name]
    return interpreter.name if len(same) == 1 else f"{interpreter.name}@{interpreter.executable}"


def _snippet_cases():
    for interpreter in INTERPRETERS:
        for question in BANK.questions:
            for index, code in enumerate(question.snippets):
                case = f"{_interpreter_id(interpreter)}-{question.id}-{index}"
                yield pytest.param(interpreter, question, code, id=case)


def test_the_running_interpreter_is_among_those_the_snippets_run_on():
    assert INTERPRETERS[0].executable == sys.executable
    assert INTERPRETERS[0].version[:2] == sys.version_info[:2]


@pytest.mark.parametrize(("interpreter", "question", "code"), list(_snippet_cases()))
def test_snippet_runs(interpreter, question, code, tmp_path):
    needed = tuple(int(part) for part in question.python.split("."))
    if interpreter.version[: len(needed)] < needed:
        pytest.skip(f"needs Python {question.python}; {interpreter.name} is older")
    missing = sorted(set(question.requires) & interpreter.missing)
    if missing:
        pytest.skip(f"needs {', '.join(missing)}, which {interpreter.name} cannot import")
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [interpreter.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, (
        f"{question.id} on {interpreter.name} ({interpreter.executable}):\n{result.stderr}"
    )


def test_an_oversized_model_answer_is_refused_with_its_place(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "topics.toml").write_text((CONTENT_DIR / "topics.toml").read_text())
    source = (CONTENT_DIR / "questions" / "3-concurrency.toml").read_text()
    bloated = source.replace("answer_code = '''\n", "answer_code = '''\n" + "# x\n" * 2000, 1)
    (tmp_path / "questions" / "3-concurrency.toml").write_text(bloated)
    with pytest.raises(ContentError) as raised:
        load_bank(tmp_path)
    place = "3-concurrency.toml: question 'gil': field 'answer'"
    assert any(problem.startswith(place) for problem in raised.value.problems)


# Two key points whose words, sorted, are this alike (rapidfuzz token_sort_ratio) say the same
# thing in the same words; the closest distinct pair in the bank scores 78.
SAME_WORDS = 80


def test_no_two_key_points_say_the_same_thing_in_the_same_words():
    points = [(q.id, p.text) for q in BANK.questions for p in q.key_points]
    texts = [text for _, text in points]
    similarity = process.cdist(
        texts, texts, scorer=fuzz.token_sort_ratio, processor=default_process
    )
    alike = [
        (points[i], points[j])
        for i in range(len(points))
        for j in range(i + 1, len(points))
        if similarity[i][j] >= SAME_WORDS
    ]
    assert not alike
