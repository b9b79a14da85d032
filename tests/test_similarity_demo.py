"""The demo's simulated class (`grucourse demo`): its students' answers are the instructor's
solution with one typical mistake each, so the similarity report lists no pair of them; two
planted copies among them are the only pairs listed."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import similarity_classes as classes

from grucourse.course import Course
from grucourse.pipeline.demo import CLASS_SIZE, code_profiles, demo_class
from grucourse.similarity import planted
from grucourse.similarity.run import similarity_report
from grucourse.simulate import make_submission

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # fingerprints three assignments' classes
ORIGINAL, COPIER, OTHER = "dana", "hstack_blocks", "loops"


@pytest.fixture(scope="module")
def demo_course(tmp_path_factory) -> Course:
    """The demo's code submissions, plus in gru_gates two independent students and a disguised
    copy of one of them."""
    repo, course = Course.at(REPO), Course.at(tmp_path_factory.mktemp("demo"))
    for assignment in repo.code_assignments():
        release, source = planted.course_notebooks(repo, assignment)
        students = {student: make_submission(repo, assignment, profile, student)
                    for student, profile in code_profiles(repo, assignment, demo_class(CLASS_SIZE)).items()}
        if assignment == classes.ASSIGNMENT:
            sources = classes.independent_sources()
            disguised = planted.add_comments(planted.rename_variables(sources[ORIGINAL], random.Random(5)), random.Random(6))
            students.update({
                "original": planted.fill_template(release, sources[ORIGINAL]),
                "other": planted.fill_template(release, sources[OTHER]),
                "copier": planted.fill_template(release, disguised, random.Random(7)),
            })
        planted.write_course(course.root, assignment, release, source, students)
    return course


@pytest.mark.parametrize("assignment", Course.at(REPO).code_assignments())
def test_the_demo_class_lists_only_its_planted_pair(demo_course, assignment):
    outcome = similarity_report(demo_course, assignment)
    assert len(outcome.collection.documents) == CLASS_SIZE + 3 * (assignment == classes.ASSIGNMENT)
    listed = [{row.a, row.b} for row in outcome.flagged]
    assert listed == ([{"original", "copier"}] if assignment == classes.ASSIGNMENT else [])
