"""Results must survive a JSON round trip: they cross Dask workers and the resume cache."""
from grucourse.results import CellResult, CheckResult, SubmissionResult


def test_submission_result_round_trips_through_json() -> None:
    result = SubmissionResult(
        student="s1",
        assignment="gru_gates",
        cells={"reset_gate_tests": CellResult("reset_gate_tests", 1.5, 3.0,
                                              [CheckResult("shape", True), CheckResult("values", False, 2.0, "bias missing?")])},
        problems=["s1/gru_gates.ipynb: cell 'x' duplicated"],
    )
    back = SubmissionResult.from_json(result.to_json())
    assert back == result
    assert back.score == 1.5 and back.max_score == 3.0
    assert "[FAIL] values: bias missing?" in back.cells["reset_gate_tests"].feedback()
