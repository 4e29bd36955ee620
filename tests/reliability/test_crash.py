"""Short crash-consistency run: SIGKILL a 5,000-report `sevenfold import` 3 times per backend.

The full version (100,000 reports, 50 kills per backend) is benchmarks/crash_harness.py.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from sevenfold.model import load_case
from sevenfold.store import Store
from tests.reliability.bulk_case import write_bulk_case
from tests.reliability.crash import case_counts, content_of, kill_import_at, run_import

N_REPORTS = 5_000
KILLS = 3


@pytest.fixture(scope="module")
def bulk_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bulk_case(tmp_path_factory.mktemp("crash") / "bulk.json", "bulk", reports=N_REPORTS,
                           sources=100, ratings=500)


def test_sigkill_during_import_leaves_case_whole_or_absent(store_url: str, bulk_file: Path, tmp_path: Path) -> None:
    anchor = write_bulk_case(tmp_path / "anchor.json", "anchor", reports=50, sources=5, ratings=10)
    done = run_import(store_url, anchor)
    assert done.returncode == 0, done.stderr
    with Store(store_url) as store:
        anchor_expected = case_counts(store, "anchor")
    assert anchor_expected and anchor_expected["reports"] == 50

    # calibrate: how long an uninterrupted import takes here, and what a whole case looks like
    start = time.monotonic()
    done = run_import(store_url, bulk_file)
    duration = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    with Store(store_url) as store:
        expected = case_counts(store, "bulk")
        assert expected is not None and expected["reports"] == N_REPORTS and expected["claims"] == 3 * N_REPORTS
        store.delete_case("bulk", actor="test:crash")

    content = content_of(load_case(bulk_file))
    rng = random.Random(11)
    # one kill at a random moment of the whole run, the others inside the write transaction
    outcomes = [kill_import_at(store_url, bulk_file, "bulk", rng.uniform(0.1, 0.9) * duration, expected,
                               "anchor", anchor_expected, expected_content=content)]
    outcomes += [kill_import_at(store_url, bulk_file, "bulk", rng.uniform(0.0, 0.03) * duration, expected,
                                "anchor", anchor_expected, after_write_starts=True,
                                expected_content=content) for _ in range(KILLS - 1)]
    for o in outcomes:
        assert not o.import_failed, o
        assert o.state in ("present", "absent"), o
        assert o.check_ok, o.problems
        assert o.anchor_ok, o
    assert any(o.phase == "write" for o in outcomes), f"no kill landed inside the write transaction: {outcomes}"
    # the store still works after the kills: a full import succeeds and round-trips
    again = run_import(store_url, bulk_file)
    assert again.returncode == 0, again.stderr
    with Store(store_url) as store:
        assert store.load_case("bulk") == load_case(bulk_file)
