"""Per-student draws: each student gets their own questions, choice order and numbers; the
grader grades exactly what that student was shown, and someone else's notebook scores nothing.

The end-to-end test releases a quiz with real nbgrader, lets two real Linux accounts fetch it
through the course's exchange plugin and collects and autogrades what they submit.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from pathlib import Path

import nbformat
import numpy as np
import pytest
from course_support import REPO
from quiz_support import drawn, filled, key_answers, own_notebook

from grucourse.course import Course
from grucourse.quiz.draw import VIEW_FILE, draw, draw_for, public_view
from grucourse.quiz.grade import current_quiz, grade_quiz_notebook
from grucourse.quiz.notebook import prompt_cell_id

QUIZZES = ("quiz_introduction", "quiz_lstm_vs_gru")
# The two students docs/quizzes.md shows side by side (a pair whose keys never coincide: with four
# choices, two students sometimes share a right answer by chance).
SHOWN = ("ana", "dev")


def prompts(nb: nbformat.NotebookNode) -> list[str]:
    ids = [c.get("id", "") for c in nb.cells]
    return [c.source for c, i in zip(nb.cells, ids, strict=True) if i.endswith("-prompt")]


@pytest.mark.parametrize("assignment", QUIZZES)
def test_two_students_get_different_notebooks_each_graded_by_their_own_key(quiz_course: Course,
                                                                             assignment: str) -> None:
    one, two = SHOWN
    nb = {s: filled(quiz_course, assignment, key_answers(quiz_course, assignment, s), s) for s in SHOWN}
    draws = {s: drawn(quiz_course, assignment, s) for s in SHOWN}
    assert [d.question for d in draws[one]] != [d.question for d in draws[two]], "different questions"
    assert prompts(nb[one]) != prompts(nb[two])
    assert nb[one].metadata["grucourse"]["drawn_for"] == one
    for student, other in (SHOWN, SHOWN[::-1]):
        own = grade_quiz_notebook(quiz_course, student, assignment, nb[student])
        assert own.score == own.max_score > 0 and own.problems == []
        passed_on = grade_quiz_notebook(quiz_course, other, assignment, nb[student])
        assert passed_on.score == 0, [c.feedback() for c in passed_on.cells.values()]
        assert any(f"drawn for {student!r} but submitted by {other!r}" in p for p in passed_on.problems)


def test_order_and_values_differ_across_a_class(quiz_course: Course) -> None:
    """Over 200 students every slot shows several questions, several key positions and, for
    numeric questions with params, several values."""
    quiz = current_quiz(quiz_course, "quiz_introduction")
    draws = [draw_for(quiz, f"s{i}") for i in range(200)]
    by_id = {q.id: q for q in quiz.questions}
    for n, slot in enumerate(quiz.slots):
        asked = Counter(d[n].question for d in draws)
        assert len(asked) == len(slot.candidates), (slot.id, asked)  # every candidate is drawn
        assert min(asked.values()) >= 200 / len(slot.candidates) / 3
    single_positions = Counter(d.shown_key(str(by_id[d.question].answer)) for ds in draws for d in ds
                               if by_id[d.question].type == "single")
    assert set(single_positions) == {"a", "b", "c", "d"} and max(single_positions.values()) < 0.4 * sum(single_positions.values())
    values = Counter(tuple(sorted(d.values.items())) for ds in draws for d in ds if d.question == "hidden_state_update_value")
    assert len(values) > 10


def test_the_draw_is_a_function_of_quiz_seed_and_student(quiz_course: Course) -> None:
    quiz = current_quiz(quiz_course, "quiz_introduction")
    view = json.loads((quiz_course.release_notebook("quiz_introduction").parent / VIEW_FILE).read_text())
    assert view == json.loads(json.dumps(public_view(quiz)))
    assert draw(view, "ana") == draw_for(quiz, "ana") == draw_for(quiz, " ana ")
    assert draw(view, "ana") != draw(view, "ann")
    assert draw({**view, "seed": view["seed"] + 1}, "ana") != draw(view, "ana")
    assert own_notebook(quiz_course, "quiz_introduction", "ana") == own_notebook(quiz_course, "quiz_introduction", "ana")


def test_the_committed_release_is_personalised_to_the_committed_key() -> None:
    """The release view in the repository draws what the bank grades (a stale view would not)."""
    for assignment in QUIZZES:
        view = json.loads((REPO.release_notebook(assignment).parent / VIEW_FILE).read_text())
        assert [draw(view, s) for s in SHOWN] == [draw_for(current_quiz(REPO, assignment), s) for s in SHOWN]


def test_own_values_are_inside_the_question_text(quiz_course: Course) -> None:
    student = next(f"s{i}" for i in range(100) if any(
        d.question == "hidden_state_update_value" for d in drawn(quiz_course, "quiz_introduction", f"s{i}")))
    slot = next(d for d in drawn(quiz_course, "quiz_introduction", student) if d.question == "hidden_state_update_value")
    nb = own_notebook(quiz_course, "quiz_introduction", student)
    text = next(c.source for c in nb.cells if c.get("id") == prompt_cell_id(slot.slot))
    for name, value in slot.values.items():
        assert f"{value:g}" in text, name
    assert "{" not in text and "within 0.001" in text


def test_an_unpersonalised_copy_is_graded_against_the_submitters_draw(quiz_course: Course) -> None:
    nb = nbformat.read(quiz_course.source_notebook("quiz_introduction"), as_version=4)
    for slot, source in key_answers(quiz_course, "quiz_introduction", "cy").items():
        next(c for c in nb.cells if c.get("id") == f"{slot}-answer").source = source
    result = grade_quiz_notebook(quiz_course, "cy", "quiz_introduction", nb)
    assert result.score == result.max_score  # the answers are cy's own, wherever they were typed
    assert any("never personalised" in p for p in result.problems)


@pytest.mark.parametrize("recorded", ["<img src=x onerror=alert(1)>", "\x1b[2J\x1b[31mana", "a" * 5000, 7, None])
def test_a_forged_drawn_for_is_never_echoed_and_changes_nothing(quiz_course: Course, recorded: object) -> None:
    nb = filled(quiz_course, "quiz_introduction", key_answers(quiz_course, "quiz_introduction", "ana"), "ana")
    nb.metadata["grucourse"]["drawn_for"] = recorded
    result = grade_quiz_notebook(quiz_course, "ana", "quiz_introduction", nb)
    assert result.score == result.max_score  # grading uses the submitter's draw, whatever is recorded
    assert len(result.problems) == 1 and "graded against the questions drawn for 'ana'" in result.problems[0]
    assert "<img" not in result.problems[0] and "\x1b" not in result.problems[0] and len(result.problems[0]) < 200


def test_simulated_class_answers_its_own_draws(quiz_course: Course) -> None:
    from grucourse.quiz.simulate import make_quiz_submission

    rng = np.random.default_rng(3)
    for student in ("p1", "p2", "p3"):
        nb = make_quiz_submission(quiz_course, "quiz_lstm_vs_gru", student, rng, 1.0)
        assert nb.metadata["grucourse"]["drawn_for"] == student
        result = grade_quiz_notebook(quiz_course, student, "quiz_lstm_vs_gru", nb)
        assert result.score == result.max_score and not result.problems


# --- real nbgrader exchange, real accounts --------------------------------------------------


def _nbgrader(*args: str, cwd: Path, user: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "nbgrader", *args]
    if user:
        command = ["runuser", "-u", user, "--", *command]
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR")}
    env["HOME"] = str(cwd)
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture
def two_accounts() -> tuple[str, ...]:
    if os.geteuid() != 0 or not shutil.which("useradd"):
        pytest.fail("the exchange test needs root and useradd to make real student accounts")
    names = tuple(f"qz{uuid.uuid4().hex[:8]}" for _ in range(2))
    for name in names:
        subprocess.run(["useradd", "--create-home", "--user-group", name], check=True)
    yield names
    for name in names:
        subprocess.run(["userdel", "-r", name], capture_output=True)


@pytest.mark.slow
def test_fetch_personalises_for_the_fetching_account_and_autograde_grades_each_own_draw(
        two_accounts: tuple[str, ...]) -> None:
    from nbgrader.api import Gradebook

    from grucourse.pipeline.course_copy import copy_course

    root = Path(tempfile.mkdtemp(prefix="quiz-exchange-"))
    try:
        os.chmod(root, 0o755)
        course = copy_course(root / "course")
        exchange = root / "exchange"
        exchange.mkdir(mode=0o777)
        os.chmod(exchange, 0o777)
        flags = [f"--Exchange.root={exchange}", "--CourseDirectory.course_id=gru_course"]
        quiz = "quiz_introduction"
        for step in (["generate_assignment", quiz, "--force"], ["release_assignment", quiz, "--force"]):
            done = _nbgrader(*step, *flags, cwd=course.root)
            assert done.returncode == 0, done.stderr[-2000:]
        plugin = "--ExchangeFactory.fetch_assignment=grucourse.quiz.exchange.PersonalisedFetch"
        fetched = {}
        for name in two_accounts:
            home = Path(f"/home/{name}")
            done = _nbgrader("fetch_assignment", quiz, *flags, plugin, cwd=home, user=name)
            assert done.returncode == 0, done.stderr[-2000:]
            assert f"Personalised {quiz}.ipynb for {name}" in done.stderr
            folder = home / quiz
            assert not (folder / VIEW_FILE).exists()
            nb = nbformat.read(folder / f"{quiz}.ipynb", as_version=4)
            assert nb.metadata["grucourse"]["drawn_for"] == name
            fetched[name] = nb
        first, second = two_accounts
        assert prompts(fetched[first]) != prompts(fetched[second])
        # first answers their own draw; second submits first's answered notebook as their own
        keys = key_answers(course, quiz, first)
        for cell in fetched[first].cells:
            if cell.get("id", "").endswith("-answer"):
                cell.source = keys[cell["id"][: -len("-answer")]]
        for name in two_accounts:
            path = Path(f"/home/{name}") / quiz / f"{quiz}.ipynb"
            nbformat.write(fetched[first], path)
            done = _nbgrader("submit", quiz, *flags, cwd=Path(f"/home/{name}"), user=name)
            assert done.returncode == 0, done.stderr[-2000:]
        for step in (["collect", quiz], ["autograde", quiz, "--force"]):
            done = _nbgrader(*step, *flags, cwd=course.root)
            assert done.returncode == 0, done.stderr[-2000:]
        with Gradebook(course.db_url) as gradebook:
            own = gradebook.find_submission(quiz, first)
            passed_on = gradebook.find_submission(quiz, second)
            assert own.score == own.max_score == 7
            # graded against second's own draw: only answers that happen to coincide count
            expected = grade_quiz_notebook(course, second, quiz, fetched[first]).score
            assert passed_on.score == expected < 7
        assert f"drawn for {first!r} but submitted by {second!r}" in done.stdout + done.stderr
    finally:
        shutil.rmtree(root, ignore_errors=True)
