"""The resume cache: atomic JSON per submission, reused only for the same fingerprint."""
from __future__ import annotations

from grucourse.cache import ResultCache
from grucourse.course import Course
from grucourse.results import CellResult, SubmissionResult


def test_store_load_and_freshness(tmp_path):
    cache = ResultCache(Course.at(tmp_path))
    result = SubmissionResult("ann", "gru_gates", cells={"c": CellResult("c", 1.0, 2.0)}, fingerprint="abc")
    path = cache.store(result)
    assert path == tmp_path / ".judge_cache" / "gru_gates" / "ann.json"
    assert [p.name for p in path.parent.iterdir()] == ["ann.json"]  # no temporary file left behind
    assert cache.fresh("gru_gates", "ann", "abc") == result
    assert cache.fresh("gru_gates", "ann", "changed") is None
    assert cache.fresh("gru_gates", "bob", "abc") is None


def test_unreadable_or_unfingerprinted_entries_are_regraded(tmp_path):
    cache = ResultCache(Course.at(tmp_path))
    cache.store(SubmissionResult("ann", "gru_gates"))
    assert cache.fresh("gru_gates", "ann", "") is None
    cache.path("gru_gates", "bob").write_text('{"student": "bob", "cells": {')  # cut short by a crash
    assert cache.load("gru_gates", "bob") is None
