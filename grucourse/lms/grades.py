"""The grade each student gets for an assignment, as `nbgrader export` computes it (the raw
score less the late penalty, never below 0; 0 without a submission), at the course's precision."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nbgrader.api import Gradebook, MissingEntry

from grucourse.scores import round_score


@dataclass(frozen=True)
class FinalScore:
    assignment: str
    student: str
    submitted: bool
    timestamp: datetime | None
    raw_score: float
    late_penalty: float
    score: float
    max_score: float


def final_score(gradebook: Gradebook, assignment: str, student: str) -> FinalScore:
    """What nbgrader's CsvExportPlugin reports for this student, each value rounded."""
    top = round_score(gradebook.find_assignment(assignment).max_score)
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return FinalScore(assignment, student, False, None, 0.0, 0.0, 0.0, top)
    raw, penalty = round_score(submission.score), round_score(submission.late_submission_penalty or 0.0)
    return FinalScore(assignment, student, True, submission.timestamp, raw, penalty,
                      round_score(max(0.0, raw - penalty)), top)


def final_scores(gradebook: Gradebook, assignment: str) -> dict[str, FinalScore]:
    """Student id -> final score, for every student of the gradebook."""
    return {s.id: final_score(gradebook, assignment, s.id) for s in gradebook.students}
