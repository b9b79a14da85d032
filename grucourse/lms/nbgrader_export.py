"""`nbgrader export` for this course (`c.ExportApp.plugin_class` in nbgrader_config.py): nbgrader's
columns and rows, with every score at the course's precision (`grucourse.scores`: "6.00", never
6.000001) and every cell written through `csv_safe` (a name or e-mail that starts with `=` is
not a formula in the instructor's spreadsheet; nbgrader's own plugin writes them raw)."""
from __future__ import annotations

from nbgrader.api import Gradebook
from nbgrader.plugins import CsvExportPlugin

from grucourse import csv_safe
from grucourse.lms.grades import final_score
from grucourse.scores import format_score

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score")


class CourseCsvExport(CsvExportPlugin):
    """nbgrader's CSV export at a fixed precision, safe to open in a spreadsheet."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "grades.csv"
        assignments, students = set(map(str, self.assignment)), set(map(str, self.student))
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv_safe.writer(handle)
            writer.writerow(COLUMNS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    score = final_score(gradebook, assignment.name, student.id)
                    writer.writerow([
                        assignment.name, assignment.duedate or "", score.timestamp or "", student.id,
                        student.last_name or "", student.first_name or "", student.email or "",
                        format_score(score.raw_score), format_score(score.late_penalty),
                        format_score(score.score), format_score(score.max_score)])
