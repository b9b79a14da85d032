"""Hostile student code against the trusted judge (SPEC section 4, "Student code is untrusted").

One class of submissions, one per snippet in tests/attacks/snippets, is graded with
`grade_submission` in a copy of the real gru_gates course. Every attack must score no more
than the unchanged release notebook, leave every course file byte-identical (gradebook
included, also after its background processes had time to act), leave no process behind,
reach no socket, leak no hidden file into what the student sees, and not crash the grader.
Honest controls must still get full marks, RuntimeWarnings or not. The run writes the attack
table of docs/security.md to test-artifacts/attack_table.md.
"""
from __future__ import annotations

import secrets
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import attacks
import pytest
from attacks import course as kit

from grucourse.judge import grade as judge
from grucourse.judge.sandbox import Sandbox
from grucourse.results import SubmissionResult

pytestmark = pytest.mark.slow

ATTACKS = [a for a in attacks.load_all() if not a.is_control]
CONTROLS = [a for a in attacks.load_all() if a.is_control]
# Background-process attacks go first so their payloads have had ages to fire before the final audit.
ORDER = sorted(ATTACKS, key=lambda a: a.name != "daemon_rewrites_gradebook")
DAEMON_GRACE_S = 4.0
# The default limits are the course's business; short ones keep the loops and sleeps affordable here.
# Honest controls and the blank notebook get the default limits, so a loaded machine cannot fail them.
SANDBOX = Sandbox(call_timeout=4.0, cell_timeout=4.0, notebook_timeout=25.0, max_restarts=3)
ARTIFACT = kit.REPO / "test-artifacts" / "attack_table.md"


@dataclass
class Outcome:
    """What grading one attack did, as seen from outside the sandbox."""

    attack: attacks.Attack
    result: SubmissionResult | None = None
    crash: str = ""
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)
    processes: list[str] = field(default_factory=list)
    host_files: list[str] = field(default_factory=list)

    def cell_scores(self) -> dict[str, float]:
        return {gid: cell.score for gid, cell in self.result.cells.items()} if self.result else {}

    def what_happened(self) -> str:
        """The attack's own report from inside the sandbox, what the grader logged, the first failed check."""
        if self.crash:
            return f"GRADER RAISED {self.crash.strip().splitlines()[-1][:120]}"
        texts = [o.get("text", "") for outs in self.result.cell_outputs.values() for o in outs]
        notes = [line[len("ATTACK "):] for t in texts for line in t.splitlines() if line.startswith("ATTACK ")]
        notes += [line.strip("[]") for t in texts for line in t.splitlines() if line.startswith("[output truncated")]
        notes += [line.splitlines()[0] for line in self.result.log
                  if not line.startswith(("rng seed", "raw sandbox output"))][:2]
        notes += self.result.problems[:1]
        notes += [c.message for cell in self.result.cells.values() for c in cell.checks if not c.passed and c.message][:1]
        text = " / ".join(dict.fromkeys(" ".join(n.split())[:110] for n in notes))[:330]
        return text.replace("|", "\\|") or "no problem reported"


@dataclass
class Run:
    course: kit.Course
    token: str
    blank: SubmissionResult
    outcomes: dict[str, Outcome]
    initial: dict[str, str]
    final: dict[str, str]
    hits: list[str]
    secrets: dict[str, str]
    leftover: list[str]


def _plant_secrets(course: kit.Course) -> dict[str, str]:
    """Canary strings in every place student code must not read, plus real hidden content."""
    found = {}
    for where, path in (("hidden tests", course.grading_tests / kit.ASSIGNMENT / "secret_canary.txt"),
                        ("source dir", course.source / kit.ASSIGNMENT / "secret_canary.txt")):
        canary = f"CANARY-{secrets.token_hex(8)}"
        path.write_text(canary)
        found[where] = canary
    for test_file in sorted((course.grading_tests / kit.ASSIGNMENT).glob("*.py")):
        lines = [line.strip() for line in test_file.read_text().splitlines() if len(line.strip()) > 40]
        if lines:
            found[f"hidden test {test_file.name}"] = max(lines, key=len)
    try:
        shadow = Path("/etc/shadow").read_text().splitlines()[0]
        found["/etc/shadow"] = shadow
    except (OSError, IndexError):
        pass
    return found


def _grade(course: kit.Course, student: str, path: Path, sandbox: Sandbox | None = None,
           ) -> tuple[SubmissionResult | None, str, float]:
    start = time.monotonic()
    try:
        result = judge.grade_submission(course, student, kit.ASSIGNMENT, path, sandbox)
        return result, "", time.monotonic() - start
    except BaseException as exc:  # noqa: BLE001 - a grader crash is a finding, not a test error
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None, traceback.format_exc(), time.monotonic() - start


def _attack(course: kit.Course, token: str, path: Path, attack: attacks.Attack) -> Outcome:
    """Grades one attack and looks at what it left behind: changed files, processes, host files."""
    mark = kit.mark_for(token, attack.name)
    before = kit.tree_digest(course.root)
    outcome = Outcome(attack)
    outcome.result, outcome.crash, outcome.seconds = _grade(
        course, attack.name, path, None if attack.is_control else SANDBOX)
    outcome.changed = kit.digest_changes(before, kit.tree_digest(course.root))
    stray = kit.marked_processes(mark)
    outcome.processes = [kit.describe(p) for p in stray]
    kit.kill_all(stray)
    outcome.host_files = [str(p) for p in kit.host_files_with(mark, course)]
    return outcome


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    course = kit.copy_course(tmp_path_factory.mktemp("hostile") / "course")
    token = secrets.token_hex(4)
    release = kit.release_notebook(course)
    canary_student = f"CANARY-{secrets.token_hex(8)}"
    kit.seed_gradebook(course, students=("earlier_student", canary_student))
    honest = kit.with_code(release, attacks.load("correct").render() + f"\n# {canary_student}\n", "all")
    kit.submit(course, "honest_classmate", honest)
    found = {"other student's notebook / gradebook": canary_student, **_plant_secrets(course)}
    blank_path = kit.submit(course, "blank", release)
    with kit.Listener() as listener:
        paths = {}
        for attack in ORDER + CONTROLS:
            code = attack.render(mark=kit.mark_for(token, attack.name), course=course.root, repo=kit.REPO,
                                 port=listener.port)
            placement = "all" if attack.is_control else attack.placement
            paths[attack.name] = kit.submit(course, attack.name, kit.with_code(release, code, placement))
        initial = kit.tree_digest(course.root)
        blank, crash, _ = _grade(course, "blank", blank_path)
        assert blank is not None, crash
        # Two at a time, as a class run would; each attack's own marker keeps the audit per attack.
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {a.name: pool.submit(_attack, course, token, paths[a.name], a) for a in ORDER + CONTROLS}
            outcomes = {name: future.result() for name, future in futures.items()}
        time.sleep(DAEMON_GRACE_S)
        hits = list(listener.hits)
    leftover = [kit.describe(p) for p in kit.marked_processes(f"gruatk{token}")]
    leftover += [kit.describe(p) for p in kit.descendants_of_this_process() if kit.sandboxed_or_marked(p)]
    final = kit.tree_digest(course.root)
    for outcome in outcomes.values():
        for host_file in outcome.host_files:
            Path(host_file).unlink(missing_ok=True)
    result = Run(course, token, blank, outcomes, initial, final, hits, found, leftover)
    _write_table(result)
    return result


def _write_table(run: Run) -> None:
    """test-artifacts/attack_table.md: the table pasted into docs/security.md."""
    rows = ["| attack | what happened | score vs blank | files intact | processes left | time (s) |",
            "| --- | --- | --- | --- | --- | --- |"]
    for attack in ORDER + CONTROLS:
        o = run.outcomes[attack.name]
        score = "grader crashed" if o.result is None else f"{o.result.score:g} vs {run.blank.score:g} (max {o.result.max_score:g})"
        intact = "yes" if not (o.changed or o.host_files) else "NO: " + ", ".join(o.changed + o.host_files)[:120]
        procs = str(len(o.processes)) if not o.processes else f"{len(o.processes)} (killed by the test)"
        rows.append(f"| `{attack.name}`: {attack.summary} | {o.what_happened()} | {score} | {intact} | {procs} | {o.seconds:.1f} |")
    late = kit.digest_changes(run.initial, run.final)
    rows += ["", f"After a {DAEMON_GRACE_S:g} s grace period: course files changed: {', '.join(late) or 'none'}; "
             f"processes left: {', '.join(run.leftover) or 'none'}; network hits: {', '.join(run.hits) or 'none'}."]
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text("\n".join(rows) + "\n")


def test_blank_notebook_scores_below_full_marks(run: Run) -> None:
    """Otherwise "no more than blank" would prove nothing."""
    assert run.blank.max_score > 0 and run.blank.score < run.blank.max_score


@pytest.mark.parametrize("attack", CONTROLS, ids=lambda a: a.name)
def test_honest_control_gets_full_marks(run: Run, attack: attacks.Attack) -> None:
    outcome = run.outcomes[attack.name]
    assert outcome.result is not None, outcome.crash
    assert outcome.result.score == pytest.approx(outcome.result.max_score), outcome.what_happened()


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_scores_no_more_than_blank(run: Run, attack: attacks.Attack) -> None:
    outcome = run.outcomes[attack.name]
    assert outcome.result is not None, f"the grader itself failed:\n{outcome.crash}"
    blank = {gid: cell.score for gid, cell in run.blank.cells.items()}
    assert set(outcome.cell_scores()) == set(blank), "graded cells must come from the source notebook"
    raised = {gid: (score, blank[gid]) for gid, score in outcome.cell_scores().items() if score > blank[gid] + 1e-9}
    assert not raised, f"{attack.name} raised cell scores (attack, blank): {raised}"
    assert outcome.result.max_score == run.blank.max_score


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_leaves_files_processes_and_host_untouched(run: Run, attack: attacks.Attack) -> None:
    outcome = run.outcomes[attack.name]
    assert not outcome.changed, outcome.changed
    assert not outcome.host_files, outcome.host_files
    assert not outcome.processes, outcome.processes


def test_course_intact_after_background_processes_had_time(run: Run) -> None:
    assert not kit.digest_changes(run.initial, run.final)
    assert not run.leftover


def test_gradebook_rows_intact(run: Run) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(run.course.db_url) as gradebook:
        seeded = {"earlier_student", run.secrets["other student's notebook / gradebook"]}
        assert {s.id for s in gradebook.students} == seeded
        assert [a.name for a in gradebook.assignments] == [kit.ASSIGNMENT]


def test_no_network_reached_the_host(run: Run) -> None:
    assert not run.hits


def test_no_secret_reaches_the_student(run: Run) -> None:
    """Hidden tests, solutions, other students and host secrets never appear in any result."""
    assert {"hidden tests", "source dir", "other student's notebook / gradebook"} <= set(run.secrets)
    assert any(where.startswith("hidden test ") for where in run.secrets), "no real hidden-test line to look for"
    leaks = {(name, where) for name, o in run.outcomes.items() if o.result is not None
             for where, secret in run.secrets.items() if secret in o.result.to_json()}
    assert not leaks


def test_grading_time_is_bounded(run: Run) -> None:
    """Loops, sleeps and ignored signals cost the grader a bounded wall-clock time per submission."""
    slow = {name: round(o.seconds) for name, o in run.outcomes.items() if o.seconds > 150}
    assert not slow
