"""Exports round-trip: parsing each format back gives the bank's questions and keys."""
from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from course_support import REPO

from grucourse.quiz.bank import load_bank
from grucourse.quiz.checks import check_answer
from grucourse.quiz.export import export_text


def expected() -> list[tuple]:
    """(prompt, kind, key) per question, the key spelled as choice texts or numbers."""
    rows = []
    for q in load_bank(REPO):
        prompt = " ".join(q.prompt_with().split())
        if q.type == "numeric":
            rows.append((q.id, prompt, "numeric", (float(q.answer), float(q.tolerance))))
        elif q.type == "true_false":
            rows.append((q.id, prompt, "true_false", q.answer))
        else:
            keys = q.answer if isinstance(q.answer, list) else [q.answer]
            texts = frozenset(" ".join(q.choices[k].split()) for k in keys)
            rows.append((q.id, prompt, q.type, (texts, frozenset(" ".join(t.split()) for t in q.choices.values()))))
    return rows


def words(text: str) -> str:
    return " ".join(text.split())


def test_jupyterquiz_round_trip() -> None:
    data = json.loads(export_text(REPO, "jupyterquiz"))
    back = []
    for (qid, *_), item in zip(expected(), data, strict=True):
        prompt = words(item["question"])
        if item["type"] == "numeric":
            right = next(a for a in item["answers"] if a.get("correct"))
            low, high = right["range"] if right["type"] == "range" else (right["value"], right["value"])
            back.append((qid, prompt, "numeric", ((low + high) / 2, (high - low) / 2)))
            assert any(a["type"] == "default" for a in item["answers"])
            continue
        correct = frozenset(words(a["answer"]) for a in item["answers"] if a["correct"])
        options = frozenset(words(a["answer"]) for a in item["answers"])
        if options == {"True", "False"}:
            back.append((qid, prompt, "true_false", correct == {"True"}))
        else:
            kind = "multiple" if item["type"] == "many_choice" else "single"
            assert item["type"] in ("many_choice", "multiple_choice")
            back.append((qid, prompt, kind, (correct, options)))
    assert len(data) == len(back)
    assert [(q, p, k, pytest.approx(v) if k == "numeric" else v) for q, p, k, v in expected()] == back


def test_moodle_xml_round_trip() -> None:
    root = ET.fromstring(export_text(REPO, "moodle").encode())
    back = []
    for node in root.iter("question"):
        kind = node.get("type")
        if kind == "category":
            continue
        qid, prompt = node.findtext("name/text"), words(node.findtext("questiontext/text"))
        answers = node.findall("answer")
        if kind == "numerical":
            back.append((qid, prompt, "numeric", (float(answers[0].findtext("text")),
                                                  float(answers[0].findtext("tolerance")))))
        elif kind == "truefalse":
            right = next(a.findtext("text") for a in answers if a.get("fraction") == "100")
            back.append((qid, prompt, "true_false", right == "true"))
        else:
            correct = frozenset(words(a.findtext("text")) for a in answers if float(a.get("fraction")) > 0)
            fractions = sum(float(a.get("fraction")) for a in answers if float(a.get("fraction")) > 0)
            assert fractions == pytest.approx(100, abs=1e-3)
            single = node.findtext("single") == "true"
            back.append((qid, prompt, "single" if single else "multiple",
                         (correct, frozenset(words(a.findtext("text")) for a in answers))))
    assert back == expected()


def unescape(text: str) -> str:
    return words(re.sub(r"\\(.)", r"\1", text))


def test_gift_round_trip() -> None:
    back = []
    for block in export_text(REPO, "gift").strip().split("\n\n"):
        if block.startswith("$CATEGORY"):
            continue
        match = re.fullmatch(r"::(\w+)::(.*?) \{(.*)\}", block, flags=re.DOTALL)
        assert match, block
        qid, prompt, body = match.group(1), unescape(match.group(2)), match.group(3).split("####")[0]
        if body in ("TRUE", "FALSE"):
            back.append((qid, prompt, "true_false", body == "TRUE"))
        elif body.startswith("#"):
            value, tolerance = body[1:].split(":")
            back.append((qid, prompt, "numeric", (float(value), float(tolerance))))
        else:
            options = [line for line in body.strip().split("\n\t") if line]
            weighted = [re.fullmatch(r"~%(-?[\d.]+)%(.*)", o, flags=re.DOTALL) for o in options]
            if all(weighted):
                correct = frozenset(unescape(m.group(2)) for m in weighted if float(m.group(1)) > 0)
                back.append((qid, prompt, "multiple", (correct, frozenset(unescape(m.group(2)) for m in weighted))))
            else:
                correct = frozenset(unescape(o[1:]) for o in options if o.startswith("="))
                back.append((qid, prompt, "single", (correct, frozenset(unescape(o[1:]) for o in options))))
    assert back == expected()


def moodle_weights() -> dict[str, dict[str, float]]:
    """Per multiple-answer question of the Moodle XML export: choice text -> grade in %."""
    root = ET.fromstring(export_text(REPO, "moodle").encode())
    return {node.findtext("name/text"): {words(a.findtext("text")): float(a.get("fraction")) for a in node.findall("answer")}
            for node in root.iter("question") if node.get("type") == "multichoice" and node.findtext("single") == "false"}


def gift_weights() -> dict[str, dict[str, float]]:
    """The same read from the GIFT export's ~%weight% options."""
    found = {}
    for block in export_text(REPO, "gift").strip().split("\n\n"):
        match = re.fullmatch(r"::(\w+)::.*? \{(.*)\}", block, flags=re.DOTALL)
        options = [re.fullmatch(r"~%(-?[\d.]+)%(.*)", o, flags=re.DOTALL)
                   for o in match.group(2).split("####")[0].strip().split("\n\t")] if match else []
        if options and all(options):
            found[match.group(1)] = {unescape(m.group(2)): float(m.group(1)) for m in options}
    return found


@pytest.mark.parametrize("read_back", [moodle_weights, gift_weights], ids=["moodle", "gift"])
def test_exported_weights_grade_like_the_course(read_back) -> None:
    """Moodle sums the weights of the picked choices and counts a negative total as zero."""
    exported = read_back()
    multiple = [q for q in load_bank(REPO) if q.type == "multiple"]
    assert sorted(exported) == sorted(q.id for q in multiple)
    for question in multiple:
        weights = exported[question.id]
        keys = list(question.choices)
        for size in range(len(keys) + 1):
            for picks in itertools.combinations(keys, size):
                moodle = min(1.0, max(0.0, sum(weights[words(question.choices[k])] for k in picks) / 100))
                ours = check_answer(question, list(picks), question.answer)[0]
                if question.scoring == "partial" or set(picks) - set(question.answer) or ours == 1:
                    assert moodle == pytest.approx(ours, abs=1e-6), (question.id, picks)
                else:  # all_or_nothing: core Moodle still gives the shares of the right picks made
                    assert ours == 0 and moodle < 1, (question.id, picks)


@pytest.mark.slow
def test_cli_export_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "bank.xml"
    run = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(REPO.root), "quiz", "export",
                          "--format", "moodle", "--output", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(ET.parse(out).getroot().findall("question[@type='numerical']")) == sum(
        1 for row in expected() if row[2] == "numeric")
