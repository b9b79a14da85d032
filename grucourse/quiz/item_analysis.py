"""Item analysis of a graded quiz: how hard each question was and how well it separated students.

Per question, not per slot: the gradebook holds one score per slot (answer cell), and each
student's draw (`grucourse.quiz.draw`) says which question that slot was for them, so every
statistic of a question is taken over the students who were asked it.

difficulty      share of the points earned (share correct for all-or-nothing questions)
discrimination  point-biserial correlation of the question's score with the rest of the quiz
upper_lower     difficulty among the top 27% minus among the bottom 27% (by total score)
choices         how often each choice was picked (bank keys; * marks the key), read from the
                submitted notebooks without running them
Flags follow common rules of thumb: too easy > 0.9, too hard < 0.2, discrimination < 0.2 (or < 0).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from grucourse import csv_safe
from grucourse.course import Course

TOO_EASY, TOO_HARD, LOW_DISCRIMINATION = 0.9, 0.2, 0.2
GROUP_SHARE = 0.27


@dataclass(frozen=True)
class ItemStats:
    question: str
    students: int
    difficulty: float
    discrimination: float
    upper_lower: float
    flags: tuple[str, ...]
    slot: str = ""
    choices: str = ""


@dataclass
class ItemAnalysis:
    assignment: str
    items: list[ItemStats]
    csv: Path | None = None
    png: Path | None = None
    notes: list[str] = field(default_factory=list)
    students: int = 0

    def summary(self) -> str:
        lines = [f"{self.assignment}: {len(self.items)} questions asked, {self.students} students"]
        for item in self.items:
            flags = f"  <- {', '.join(item.flags)}" if item.flags else ""
            lines.append(f"  {item.question:32s} {item.students:4d} asked  difficulty {item.difficulty:5.2f}  "
                         f"discrimination {item.discrimination:5.2f}{flags}")
            if item.choices:
                lines.append(f"  {'':32s} picked {item.choices}")
        lines += self.notes
        lines += [f"written: {p}" for p in (self.csv, self.png) if p]
        return "\n".join(lines)


def item_statistics(questions: list[str], scores: np.ndarray) -> list[ItemStats]:
    """Statistics from a (students x questions) matrix of score fractions in [0, 1]; NaN where a
    student was not asked the question (each question counts only the students who were)."""
    totals = np.nansum(scores, axis=1)
    items = []
    for j, question in enumerate(questions):
        asked = ~np.isnan(scores[:, j])
        item, total = scores[asked, j], totals[asked]
        students = int(asked.sum())
        group = max(1, int(round(GROUP_SHARE * students)))
        order = np.argsort(total, kind="stable")
        lower, upper = order[:group], order[-group:]
        difficulty = float(item.mean()) if students else float("nan")
        discrimination = _correlation(item, total - item)
        upper_lower = float(item[upper].mean() - item[lower].mean()) if students else float("nan")
        items.append(ItemStats(question, students, difficulty, discrimination, upper_lower,
                               _flags(difficulty, discrimination)))
    return items


def _correlation(item: np.ndarray, rest: np.ndarray) -> float:
    """Pearson r (point-biserial for 0/1 items); NaN when either side has no variance."""
    if len(item) < 2 or item.std() == 0 or rest.std() == 0:
        return float("nan")
    return float(np.corrcoef(item, rest)[0, 1])


def _flags(difficulty: float, discrimination: float) -> tuple[str, ...]:
    flags = []
    if difficulty > TOO_EASY:
        flags.append("too easy")
    if difficulty < TOO_HARD:
        flags.append("too hard")
    if np.isnan(discrimination):
        flags.append("discrimination undefined (no variance)")
    elif discrimination < 0:
        flags.append("negative discrimination")
    elif discrimination < LOW_DISCRIMINATION:
        flags.append("low discrimination")
    return tuple(flags)


def gradebook_scores(course: Course, assignment: str) -> tuple[list[str], list[str], np.ndarray]:
    """(students, questions, score fractions) of every submission of `assignment` in the gradebook."""
    from nbgrader.api import (
        Assignment,
        Grade,
        Gradebook,
        GradeCell,
        SubmittedAssignment,
        SubmittedNotebook,
    )

    with Gradebook(course.db_url) as gradebook:
        target = gradebook.find_assignment(assignment)
        # Cells worth points: a quiz's 0-point check cell (grucourse.quiz.notebook) is no question.
        questions = [cell.name for notebook in target.notebooks for cell in notebook.grade_cells if cell.max_score]
        rows = (gradebook.db.query(SubmittedAssignment.student_id, GradeCell.name, Grade.auto_score,
                                   Grade.manual_score, GradeCell.max_score)
                .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
                .join(GradeCell, Grade.cell_id == GradeCell.id)
                .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
                .filter(Assignment.name == assignment).all())
    students = sorted({row[0] for row in rows if row[2] is not None or row[3] is not None})
    index = {s: i for i, s in enumerate(students)}
    column = {q: j for j, q in enumerate(questions)}
    scores = np.zeros((len(students), len(questions)))
    for student, name, auto, manual, max_score in rows:
        score = manual if manual is not None else auto
        if student in index and score is not None and max_score:
            scores[index[student], column[name]] = score / max_score
    return students, questions, scores


def per_question(course: Course, assignment: str, students: list[str], slots: list[str],
                 scores: np.ndarray) -> tuple[list[str], dict[str, str], np.ndarray]:
    """(question ids in slot order, question -> slot, students x questions fractions with NaN
    where not asked) from the gradebook's per-slot matrix and every student's draw."""
    from grucourse.quiz.draw import draw_for
    from grucourse.quiz.grade import current_quiz

    quiz = current_quiz(course, assignment)
    slot_of = {q.id: s.id for s in quiz.slots for q in s.candidates}
    questions = [q.id for q in quiz.questions]
    column = {q: j for j, q in enumerate(questions)}
    matrix = np.full((len(students), len(questions)), np.nan)
    for i, student in enumerate(students):
        for d in draw_for(quiz, student):
            if d.slot in slots:
                matrix[i, column[d.question]] = scores[i, slots.index(d.slot)]
    return questions, slot_of, matrix


def choice_frequencies(course: Course, assignment: str, students: list[str]) -> dict[str, str]:
    """question -> "a*: 60%, b: 25%, ..." over the submitted notebooks (bank keys, * the key)."""
    from grucourse.quiz.choices import picked_choices
    from grucourse.quiz.grade import current_quiz

    quiz = current_quiz(course, assignment)
    counts = picked_choices(course, quiz, students)
    by_id = {q.id: q for q in quiz.questions}
    shown = {}
    for qid, (asked, picks) in counts.items():
        question = by_id[qid]
        keys: list[object] = list(question.choices) or ([True, False] if question.type == "true_false" else [])
        right = question.answer if isinstance(question.answer, list) else [question.answer]
        shown[qid] = ", ".join(f"{k}{'*' if k in right else ''}: {picks.get(k, 0) / asked:.0%}"
                               for k in keys) if asked and keys else ""
    return shown


def write_csv(items: list[ItemStats], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv_safe.writer(handle)
        writer.writerow(["question", "slot", "students", "difficulty", "discrimination", "upper_lower", "choices",
                         "flags"])
        for item in items:
            writer.writerow([item.question, item.slot, item.students, f"{item.difficulty:.4f}",
                             f"{item.discrimination:.4f}", f"{item.upper_lower:.4f}", item.choices,
                             "; ".join(item.flags)])
    return path


def write_png(assignment: str, items: list[ItemStats], path: Path, students: int) -> Path:
    """Two bar charts, difficulty and discrimination, with the flag thresholds; flagged bars in red."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [item.question for item in items]
    colors = ["tab:red" if item.flags else "tab:blue" for item in items]
    y = np.arange(len(items))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 1.2 + 0.45 * len(items)), sharey=True)
    left.barh(y, [item.difficulty for item in items], color=colors)
    for x in (TOO_HARD, TOO_EASY):
        left.axvline(x, color="grey", linestyle="--", linewidth=1)
    left.set(xlim=(0, 1), xlabel="difficulty (share correct)", yticks=y, yticklabels=names)
    right.barh(y, [0 if np.isnan(item.discrimination) else item.discrimination for item in items], color=colors)
    right.axvline(LOW_DISCRIMINATION, color="grey", linestyle="--", linewidth=1)
    right.axvline(0, color="black", linewidth=0.8)
    right.set(xlim=(-1, 1), xlabel="discrimination (point-biserial, rest score)")
    left.invert_yaxis()
    fig.suptitle(f"Item analysis: {assignment} ({students} students, each asked one question per slot; "
                 "red = flagged)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def analyse_gradebook(course: Course, assignment: str, out_dir: Path) -> ItemAnalysis:
    """Item analysis of `assignment` from the gradebook, written to out_dir/item_analysis.{csv,png}."""
    students, slots, slot_scores = gradebook_scores(course, assignment)
    questions, slot_of, scores = per_question(course, assignment, students, slots, slot_scores)
    frequencies = choice_frequencies(course, assignment, students)
    items = [replace(item, slot=slot_of[item.question], choices=frequencies.get(item.question, ""))
             for item in item_statistics(questions, scores)]
    analysis = ItemAnalysis(assignment, [item for item in items if item.students], students=len(students))
    if not students:
        analysis.notes.append("no graded submissions in the gradebook")
        return analysis
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    analysis.csv = write_csv(analysis.items, out_dir / "item_analysis.csv")
    analysis.png = write_png(assignment, analysis.items, out_dir / "item_analysis.png", len(students))
    return analysis
