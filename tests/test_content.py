"""The shipped bank loads, covers the seed, and every runnable snippet runs."""

import importlib.util
import subprocess
import sys

import pytest

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


def _snippet_cases():
    for question in BANK.questions:
        for index, code in enumerate(question.snippets):
            yield pytest.param(question, code, id=f"{question.id}-{index}")


@pytest.mark.parametrize(("question", "code"), list(_snippet_cases()))
def test_snippet_runs(question, code, tmp_path):
    if sys.version_info < tuple(int(part) for part in question.python.split(".")):
        pytest.skip(f"needs Python {question.python}")
    missing = [name for name in question.requires if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


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
