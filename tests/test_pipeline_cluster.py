"""Grading through an existing Dask scheduler gives the scores of the default local run."""
from __future__ import annotations

import pytest
from pipeline_support import code_class, gradebook_scores

from grucourse.cli import main

pytestmark = pytest.mark.slow


def test_scheduler_address_gives_the_same_scores_as_the_local_default(tmp_path):
    from distributed import Client, LocalCluster

    remote = code_class(tmp_path / "remote")
    with LocalCluster(n_workers=3, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main(["--course", str(remote.root), "grade", "gru_gates", "--scheduler", cluster.scheduler_address]) == 0
        with Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 3
        assert "judge_submission" in cluster.scheduler.task_prefixes  # the work ran on this cluster
    local = code_class(tmp_path / "local")
    assert main(["--course", str(local.root), "grade", "gru_gates"]) == 0
    assert gradebook_scores(remote, "gru_gates") == gradebook_scores(local, "gru_gates")
    assert len(gradebook_scores(local, "gru_gates")) == 5
