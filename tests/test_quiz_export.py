"""Exports round-trip: parsing each format back gives the bank's questions and keys."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from grucourse.quiz.bank import load_bank
from grucourse.quiz.export import export_text
from test_quiz_fixtures import REPO


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
    for (qid, *_), item in zip(expected(), data):
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


@pytest.mark.slow
def test_cli_export_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "bank.xml"
    run = subprocess.run([sys.executable, "-m", "grucourse.cli", "--course", str(REPO.root), "quiz", "export",
                          "--format", "moodle", "--output", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert len(ET.parse(out).getroot().findall("question[@type='numerical']")) == sum(
        1 for row in expected() if row[2] == "numeric")
