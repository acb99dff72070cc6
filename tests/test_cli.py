"""The command line, run as people run it: `python -m bot ...` in a subprocess."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin="", **env):
    environment = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def test_without_a_token_it_explains_how_to_get_one_and_how_to_try_console_mode():
    result = run()
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "python -m bot console" in result.stderr


def test_the_web_process_without_a_webhook_url_says_what_to_set(tmp_path):
    result = run("webhook", TELEGRAM_BOT_TOKEN="1:x", DATABASE_URL=f"sqlite:///{tmp_path}/b.db")
    assert result.returncode == 2
    assert "needs WEBHOOK_URL" in result.stderr and "worker process" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_mode_runs_the_same_conversation(tmp_path):
    url = f"sqlite:///{tmp_path / 'console.db'}"
    result = run(
        "console",
        stdin="/topic gil\nonly one thread runs bytecode at a time\n/streak\n",
        DATABASE_URL=url,
    )
    assert result.returncode == 0, result.stderr
    assert "What is the GIL" in result.stdout
    assert "✅ Only one thread executes Python bytecode at a time" in result.stdout
    assert "Current streak: 1 day" in result.stdout
    again = run("console", stdin="/stats\n", DATABASE_URL=url)
    assert "Answers graded: 1" in again.stdout


def test_content_check_ends_with_the_counts():
    result = run("content", "check")
    assert result.returncode == 0
    assert result.stdout.strip().splitlines()[-1] == "questions=100 seeds=100/100"


def test_grade_prints_for_people_and_json_for_machines():
    answer = "Only one thread executes bytecode at a time; the GIL is released during I/O."
    person = run("grade", "--question", "gil", answer)
    assert person.returncode == 0 and "✅" in person.stdout and "Model answer" in person.stdout
    machine = json.loads(run("grade", "--question", "gil", "--json", answer).stdout)
    assert machine["question"] == "gil" and 0 < machine["score"] < 100
    assert machine["points"][0]["coverage"] == "covered"
    assert machine["unsure"] == machine["same"] == ""
    doubted = run("grade", "--question", "gil", f"{answer} I think it is fair between threads.")
    assert "🤔 Not a full pass while you are unsure: i think it is fair" in doubted.stdout
    same = run(
        "grade", "--question", "gil", f"{answer} Threads and processes are basically the same."
    )
    assert "🤔 Not a full pass while you call them the same: basically the same" in same.stdout
    unknown = run("grade", "--question", "no-such-question", answer)
    assert unknown.returncode == 2 and "no question" in unknown.stdout


def test_grade_eval_reports_agreement_with_pearson_last(tmp_path):
    path = tmp_path / "graded.csv"
    rows = [
        ("r1", "Why use a list?", "Lists keep items in order and can change.", answer, score)
        for answer, score in [
            ("Lists keep items in order and can change.", 1.0),
            ("They keep order and you can change them.", 0.9),
            ("Lists keep order.", 0.5),
            ("No idea.", 0.0),
            ("Lists are blue.", 0.1),
        ]
    ]
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["question_id", "question", "reference_answer", "student_answer", "score"])
        writer.writerows(rows)
    result = run("grade-eval", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "n=5"
    assert lines[-1].startswith("pearson=") and float(lines[-1].split("=")[1]) > 0.5
    missing = run("grade-eval", str(tmp_path / "missing.csv"))
    assert missing.returncode == 2 and "cannot evaluate" in missing.stderr
    with path.open("a") as file:
        file.write("r1,Why use a list?,short row\n")
    short = run("grade-eval", str(path))
    assert short.returncode == 2 and "line 7: fewer than 5 columns" in short.stderr
