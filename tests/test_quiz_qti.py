"""Canvas QTI 1.2 export read back with zipfile and ElementTree, and graded by a small evaluator
of QTI response conditions written here, against the course's own grading; the self-check
export leaves out every question a graded quiz can ask."""
from __future__ import annotations

import io
import itertools
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from course_support import REPO

from grucourse.course import Course
from grucourse.quiz.bank import load_bank, load_quizzes
from grucourse.quiz.checks import check_answer
from grucourse.quiz.export import export_bytes

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2", "m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
CANVAS_TYPES = {"single": "multiple_choice_question", "multiple": "multiple_answers_question",
                "true_false": "true_false_question", "numeric": "numerical_question"}


def read_package(data: bytes) -> dict[str, ET.Element]:
    """item ident -> <item>, from the files the manifest lists."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    items = {}
    for resource in manifest.findall("m:resources/m:resource", NS):
        assert resource.get("type") == "imsqti_xmlv1p2"
        href = resource.find("m:file", NS).get("href")
        root = ET.fromstring(archive.read(href))
        assert root.tag == f"{{{NS['q']}}}questestinterop"
        for item in root.findall("q:assessment/q:section/q:item", NS):
            items[item.get("ident")] = item
    return items


def metadata(item: ET.Element) -> dict[str, str]:
    return {f.findtext("q:fieldlabel", namespaces=NS): f.findtext("q:fieldentry", namespaces=NS)
            for f in item.findall("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", NS)}


def holds(condition: ET.Element, response: list[str]) -> bool:
    """A QTI conditionvar child evaluated for the given response values."""
    tag = condition.tag.split("}")[1]
    if tag == "and":
        return all(holds(c, response) for c in condition)
    if tag == "or":
        return any(holds(c, response) for c in condition)
    if tag == "not":
        return not holds(condition[0], response)
    if tag == "varequal":
        return any(r == condition.text or _number_equal(r, condition.text) for r in response)
    value = float(response[0]) if response else float("nan")
    return value >= float(condition.text) if tag == "vargte" else value <= float(condition.text)


def _number_equal(given: str, text: str | None) -> bool:
    try:
        return float(given) == float(text or "")
    except ValueError:
        return False


def score(item: ET.Element, response: list[str]) -> float:
    """SCORE the item's resprocessing sets for `response` (first matching condition, else 0)."""
    for condition in item.findall("q:resprocessing/q:respcondition", NS):
        variables = condition.find("q:conditionvar", NS)
        if all(holds(c, response) for c in variables):
            return float(condition.findtext("q:setvar", namespaces=NS))
    return 0.0


@pytest.fixture(scope="module")
def items() -> dict[str, ET.Element]:
    return read_package(export_bytes(REPO, "qti")[0])


def test_every_question_is_an_item_with_canvas_type_points_prompt_and_choices(items) -> None:
    bank = load_bank(REPO)
    assert sorted(items) == sorted(q.id for q in bank)
    for question in bank:
        item = items[question.id]
        assert metadata(item) == {"question_type": CANVAS_TYPES[question.type], "points_possible": f"{question.points:g}"}
        assert item.findtext("q:presentation/q:material/q:mattext", namespaces=NS) == question.prompt_with().strip()
        labels = [label.findtext("q:material/q:mattext", namespaces=NS)
                  for label in item.findall("q:presentation/q:response_lid/q:render_choice/q:response_label", NS)]
        if question.choices:
            assert labels == [t.strip() for t in question.choices.values()]
        elif question.type == "true_false":
            assert labels == ["True", "False"]
        else:
            assert item.find("q:presentation/q:response_str/q:render_fib", NS).get("fibtype") == "Decimal"


def test_qti_scoring_agrees_with_the_course(items) -> None:
    """Every possible response to each choice question, and numbers around each numeric key:
    Canvas's conditions give 100 exactly where the course gives full marks."""
    for question in load_bank(REPO):
        item = items[question.id]
        if question.type == "numeric":
            tolerance = question.tolerance or 0.0
            tried = [question.answer + d for d in (0, tolerance, -tolerance, 2 * tolerance + 1, -1.5)]
            responses = [([f"{v!r}"], v) for v in tried]
        elif question.type == "true_false":
            responses = [([f"{question.id}_{v}"], v == "true") for v in ("true", "false")]
        else:
            keys = list(question.choices)
            sets = [c for r in range(1, len(keys) + 1) for c in itertools.combinations(keys, r)]
            if question.type == "single":
                sets = [s for s in sets if len(s) == 1]
            responses = [([f"{question.id}_{k}" for k in s], s[0] if question.type == "single" else list(s))
                         for s in sets]
        for response, ours in responses:
            full = check_answer(question, ours, question.answer)[0] == 1.0
            assert (score(item, response) == 100) is full, (question.id, response)


def test_self_check_export_never_holds_a_graded_question(tmp_path: Path) -> None:
    """Exactly the questions no quiz can draw (question_bank/self_check.yaml, and one more added
    here) are exported, with their keys; no graded question's prompt or id is in the file."""
    course = Course.at(tmp_path)
    for name in ("question_bank", "quizzes"):
        (tmp_path / name).mkdir()
        for path in (REPO.root / name).glob("*.yaml"):
            (tmp_path / name / path.name).write_text(path.read_text())
    extra = [{"id": "textbook_only", "type": "true_false", "prompt": "True or false: a GRU layer has one state vector.",
              "answer": True, "explanation": "It has no separate cell.", "points": 1,
              "source": "Chung et al. 2014 (arXiv 1412.3555), section 3.2 (one state)"}]
    (tmp_path / "question_bank" / "textbook.yaml").write_text(yaml.safe_dump(extra))
    bank = load_bank(course)
    graded = {q.id for quiz in load_quizzes(course).values() for q in quiz.questions}
    free = [q for q in bank if q.id not in graded]
    assert {Path(q.file).stem for q in free} == {"self_check", "textbook"}
    data, left_out = export_bytes(course, "jupyterquiz", self_check=True)
    exported = json.loads(data)
    assert [q["question"] for q in exported] == [q.prompt_with().strip() for q in free]
    assert sorted(left_out) == sorted(graded) and len(graded) == 48
    text = data.decode()
    assert not any(q.prompt_with().strip()[:50] in text or q.id in text for q in bank if q.id in graded)
    repo_export = json.loads(export_bytes(REPO, "jupyterquiz", self_check=True)[0])
    assert len(repo_export) == 6


@pytest.mark.slow
def test_cli_writes_the_qti_zip_and_refuses_stdout(tmp_path: Path) -> None:
    out = tmp_path / "bank.zip"
    command = [sys.executable, "-m", "grucourse.cli", "--course", str(REPO.root), "quiz", "export", "--format", "qti"]
    run = subprocess.run([*command, "--output", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert read_package(out.read_bytes()).keys() == read_package(export_bytes(REPO, "qti")[0]).keys()
    assert out.read_bytes() == export_bytes(REPO, "qti")[0], "the same bank gives the same bytes"
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode == 1 and "give --output FILE.zip" in refused.stderr
