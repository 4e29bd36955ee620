"""Crash consistency by content: SIGKILL `import --replace`, `burn`, rating writes and `restore` at random
moments; afterwards every case in the store must equal, digest for digest, a state the operation may
leave (before, after, or after its first k complete writes), and `check` must pass.

Short version (2 kills per operation and backend); `benchmarks/crash_harness.py --op OP` runs more.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.reliability.bulk_case import write_bulk_case
from tests.reliability.crash import CONTENT_OPS, content_campaign, run_import, store_contents

N_REPORTS = 1_000
KILLS = 2


@pytest.mark.parametrize("op", CONTENT_OPS)
def test_a_killed_operation_leaves_a_state_it_may_leave(store_url: str, tmp_path: Path, op: str) -> None:
    v1 = write_bulk_case(tmp_path / "v1.json", "bulk", reports=N_REPORTS, sources=50, ratings=200)
    v2 = write_bulk_case(tmp_path / "v2.json", "bulk", reports=N_REPORTS // 2, sources=40, ratings=100, seed=7)
    anchor = write_bulk_case(tmp_path / "anchor.json", "anchor", reports=30, sources=5, ratings=10)
    for f in (anchor, v1):
        assert run_import(store_url, f).returncode == 0
    anchor_before = store_contents(store_url)["anchor"]
    outcomes = content_campaign(op, store_url, v1, v2, tmp_path, KILLS, random.Random(len(op)))
    for o in outcomes:
        assert o.state != "CORRUPT", o
        assert o.check_ok, o.problems
        assert o.killed or o.returncode == 0, o
    assert any(o.killed for o in outcomes), f"every run finished before its kill: {outcomes}"
    assert store_contents(store_url)["anchor"] == anchor_before
