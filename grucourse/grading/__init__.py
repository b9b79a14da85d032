"""Grading a submission whatever its kind: quizzes go to the quiz engine, code to the judge.

Above both engines, so neither knows the other; nbgrader's preprocessors live here because plain
`nbgrader autograde` grades quizzes and code assignments alike.
"""
