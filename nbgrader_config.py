"""nbgrader configuration of the GRU course.

The course root is this file's directory, so the file also works in a copy of the course
(`nbgrader autograde gru_gates` run there). Autograding goes through the trusted judge: the
student's code runs in a sandbox and hidden tests from grading_tests/ run in a separate,
trusted process (see docs/architecture.md); nbgrader's kernel-based `Execute` is not used.
"""
import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "gru_course"

# A submission is read by the judge's rules and its nbgrader metadata taken from the source
# notebook, so a broken file (not JSON, not UTF-8, a link, an old schema_version, edited or
# copied graded cells) is graded 0 with a warning naming it, and the batch goes on.
c.Autograde.exporter_class = "grucourse.grading.preprocessors.SubmissionExporter"
c.Autograde.pre_convert_hook = "grucourse.grading.preprocessors.report_misnamed_notebooks"
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "grucourse.grading.preprocessors.SourceMetadata",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.Autograde.autograde_preprocessors = [
    "grucourse.grading.preprocessors.JudgeNotebook",
    "nbgrader.preprocessors.IgnorePattern",
    "nbgrader.preprocessors.LimitOutput",
    "grucourse.grading.preprocessors.SaveJudgeGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "grucourse.judge.sanitize.SanitizeStudentHTML",
]

# Student markdown and outputs are made inert HTML (no script, event handlers, javascript: URLs,
# frames, forms or styles) when the graded notebook is written (above) and again whenever it is
# rendered: formgrader's manual grading page and `generate_feedback` both export with this
# HTMLExporter, so a graded notebook written by anything else is shown clean too.
c.HTMLExporter.preprocessors = ["grucourse.judge.sanitize.SanitizeStudentHTML"]

# Re-running `nbgrader autograde` after an interruption (kill -9) regrades every submission
# instead of skipping those with an autograded/ folder (which may be half written): cheap,
# since JudgeNotebook reuses the judge's cached result while the files are unchanged.
c.Autograde.force = True

# What the grader reads of a submitted notebook, checked on its bytes before it is parsed
# (docs/security.md, "Resource amplification on the trusted side"): a larger file, more cells,
# a longer cell or more JSON values is graded 0 with a problem naming the file and the limit.
# The course's notebooks have under 110 cells, 2000 JSON values and 100 kB.
c.NotebookLimits.max_notebook_bytes = 20 * 2**20
c.NotebookLimits.max_cells = 2000
c.NotebookLimits.max_cell_source_chars = 200_000
c.NotebookLimits.max_json_values = 500_000

# Limits of the sandbox in which student code runs.
c.Sandbox.memory_mb = 1024
c.Sandbox.cpu_seconds = 60
c.Sandbox.cell_timeout = 10.0
c.Sandbox.notebook_timeout = 60.0
c.Sandbox.call_timeout = 10.0
# Wall clock of one whole submission, from the start of its first sandbox: cells, every call of
# the hidden tests (also those under student.time_limit) and restarts together. Once spent, the
# remaining checks fail at once: "the submission's total time limit of 300 s was reached; later
# checks were not run". Bounds what a notebook sleeping just under every other limit costs.
c.Sandbox.submission_timeout = 300.0
c.Sandbox.max_output_bytes = 100_000
# Figures a cell leaves open in matplotlib.pyplot are shown as PNGs in the graded notebook,
# as IPython's inline backend shows them; these cap their number and size.
c.Sandbox.max_figures_per_cell = 10
c.Sandbox.max_figure_bytes = 1_000_000
c.Sandbox.max_notebook_figure_bytes = 4_000_000
# Student code only runs in the full sandbox (bubblewrap namespaces, a user namespace, a seccomp
# filter): where it cannot be built, grading stops with an error naming the machine. Only on a
# trusted single-user machine, opt out with the next line (or GRUCOURSE_ALLOW_UNSANDBOXED=1).
# c.Sandbox.require_isolation = False

# --- Exchange and formgrader (docs/instructor_guide.md) -----------------------------------
# `nbgrader release_assignment` / `collect` and the students' `fetch_assignment` / `submit`
# meet in this directory. Students put the same path and the course id into their own
# ~/.jupyter/nbgrader_config.py (docs/student_guide.md). On a shared server use a directory
# every student can write to, e.g. "/srv/nbgrader/exchange".
c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")

# --- LMS round trip (docs/instructor_guide.md, section 8) -------------------------------------
# `nbgrader release_feedback` releases every student who has exchange records and names the
# others instead of stopping at the first; `nbgrader export` writes scores at the course's
# precision ("6.00") through the formula-safe CSV writer.
c.ExchangeFactory.release_feedback = "grucourse.pipeline.release_feedback.EveryStudentReleaseFeedback"
c.ExportApp.plugin_class = "grucourse.lms.nbgrader_export.CourseCsvExport"

# --- Quizzes (docs/quizzes.md) --------------------------------------------------------------
# Quiz answer cells are released as `answer_<id> = None` instead of nbgrader's code stub; the
# preprocessor acts on quiz_* assignments only.
from grucourse.quiz.preprocessors import generate_assignment_preprocessors  # noqa: E402

c.GenerateAssignment.preprocessors = generate_assignment_preprocessors()
# Each student gets their own questions, choice order and numbers: fetching a quiz writes the
# fetching user's draw into their copy (grucourse.quiz.exchange; students' central config too).
c.ExchangeFactory.fetch_assignment = "grucourse.quiz.exchange.PersonalisedFetch"

# --- Student ids (docs/security.md) ---------------------------------------------------------
# Submissions whose student id (folder under submitted/, file name in the exchange) is not a
# plain id are skipped with an error; forged inbound names are refused at collect; log lines
# have control sequences escaped.
from grucourse.pipeline.nbgrader_guard import install as guard_student_ids  # noqa: E402

guard_student_ids(c)

# --- Feedback pages (docs/instructor_guide.md, section 7) -----------------------------------
# nbgrader's feedback template with a summary that names each graded cell's function and
# section, and MathJax inlined, so a page shows its maths without network.
c.GenerateFeedback.exporter_class = "grucourse.pipeline.feedback_page.FeedbackExporter"

# --- Instant checks (docs/instant_checks.md) -------------------------------------------------
# On the course's JupyterHub, the Check button grades a student's open notebook with the hidden
# checks through the grucourse-check service. Per assignment: whether checks are open, how many
# each student may run per hour and per day, and whether the checked score is shown. An
# assignment not listed cannot be checked. The grade still comes from collect + grade.
c.InstantChecks.assignments = {
    "gru_gates": {"allowed": True, "per_hour": 10, "per_day": 30, "show_score": True},
    "gru_bptt": {"allowed": True, "per_hour": 10, "per_day": 30, "show_score": True},
    "gru_variants": {"allowed": True, "per_hour": 5, "per_day": 15, "show_score": False},
}
