"""The Spark backend gives the NumPy backend's answers (local mode; needs pyspark and Java 17+)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.spark

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("no Java runtime (Spark needs Java 17+)", allow_module_level=True)

from sevenfold.fusion import METHODS as ALL_METHODS  # noqa: E402
from sevenfold.fusion import ClaimMatrix, MajorityVoting, TruthFinder  # noqa: E402
from sevenfold.fusion.spark.methods import SPARK_METHODS  # noqa: E402

METHODS = [cls for name, cls in ALL_METHODS.items() if name in SPARK_METHODS]  # every method Spark runs


@pytest.fixture(scope="module")
def claims() -> ClaimMatrix:
    from sevenfold.synth import claims_scenario

    scenario = claims_scenario(seed=11, n_items=60, n_honest=8, n_copiers=2, clique_size=3)
    return ClaimMatrix.from_table(scenario.claims)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_spark_matches_numpy(method: type, claims: ClaimMatrix) -> None:
    params = {} if method is MajorityVoting else {"max_iter": 4}
    ref = method(**params).fit(claims)
    got = method(backend="spark", **params).fit(claims)
    assert np.mean(ref.truth_index_ == got.truth_index_) >= 0.999
    np.testing.assert_allclose(got.source_trust_, ref.source_trust_, atol=1e-6)
    np.testing.assert_allclose(got.confidence_, ref.confidence_, atol=1e-6)
    assert (got.n_iter_, got.stop_reason_) == (ref.n_iter_, ref.stop_reason_)
    if method.copy_aware:  # copy detection too: the same dependence matrix
        assert abs(got.dependence_ - ref.dependence_).max() < 1e-6
    if hasattr(ref, "start_"):  # ACCU-COPY's starts: the same fixed point kept, for the same reason
        assert got.start_ == ref.start_ and got.n_iter_total_ == ref.n_iter_total_
        assert got.start_scores_ == pytest.approx(ref.start_scores_, rel=1e-9)


@pytest.mark.parametrize("params", [{"select": "likelihood", "max_iter": 15},
                                    {"init": "constant", "max_iter": 5},
                                    {"update_dependence": True, "max_iter": 5}],
                         ids=["starts-past-the-warm-up", "paper-loop", "paper-loop-agreement-start"])
def test_spark_accu_copy_runs_like_numpy(params: dict, claims: ClaimMatrix) -> None:
    """ACCU-COPY's starts past the copy-unaware warm-up (the parity test above stops inside it) and the
    paper's loop, whose code both backends restructured when the starts came."""
    from sevenfold.fusion import AccuCopy

    ref = AccuCopy(**params).fit(claims)
    got = AccuCopy(backend="spark", **params).fit(claims)
    np.testing.assert_array_equal(got.truth_index_, ref.truth_index_)
    np.testing.assert_allclose(got.source_trust_, ref.source_trust_, atol=1e-9)
    assert abs(got.dependence_ - ref.dependence_).max() < 1e-9
    assert (got.n_iter_, got.stop_reason_) == (ref.n_iter_, ref.stop_reason_)
    for key in ("start_", "n_iter_total_", "start_disagreement_"):
        assert getattr(got, key, None) == getattr(ref, key, None)
    if hasattr(ref, "start_scores_"):
        assert got.start_scores_ == pytest.approx(ref.start_scores_, rel=1e-9)


def test_spark_pair_counts_and_duplicate_groups_match(claims: ClaimMatrix) -> None:
    """The pair statistics ACCU-COPY's truth-free start uses, incl. contested items and duplicate groups."""
    from sevenfold.fusion.copying import PairCounts, agreement_accuracy, duplicate_groups
    from sevenfold.fusion.spark.frame import SparkClaims
    from sevenfold.fusion.spark.methods import SparkPairCounts
    from sevenfold.fusion.spark.session import spark_session

    ref = PairCounts(claims)
    got = SparkPairCounts(SparkClaims.from_claim_matrix(claims, spark_session()))
    def by_pair(counts):  # the two list the pairs in different orders
        return {(int(i), int(j)): (sh, sa, co) for i, j, sh, sa, co in
                zip(counts.i, counts.j, counts.shared, counts.same, counts.contested_shared(), strict=True)}

    assert by_pair(got) == by_pair(ref)
    np.testing.assert_array_equal(duplicate_groups(got), duplicate_groups(ref))
    np.testing.assert_array_equal(agreement_accuracy(got), agreement_accuracy(ref))
    got.unpersist()


def test_fit_path_reads_and_writes_without_the_driver(tmp_path: Path, claims: ClaimMatrix) -> None:
    """A claims file fused wholly in Spark gives the same truths as the NumPy backend."""
    import pyarrow.csv as pacsv

    from sevenfold.fusion.spark import fit_path
    from sevenfold.synth import claims_scenario

    scenario = claims_scenario(seed=11, n_items=60, n_honest=8, n_copiers=2, clique_size=3)
    src = tmp_path / "claims.csv"
    pacsv.write_csv(scenario.claims, src)
    out = tmp_path / "truths.csv"
    summary = fit_path(TruthFinder(max_iter=4), src, out)
    ref = TruthFinder(max_iter=4).fit(ClaimMatrix.read(src))
    expected = {(o, a): v for o, a, v in zip(ref.claims_.item_object, ref.claims_.item_attribute, ref.truths_,
                                             strict=True)}
    got = pacsv.read_csv(out).to_pylist()
    assert len(got) == len(expected)
    same = sum(expected[(r["object"], r["attribute"])] == str(r["value"]) for r in got)
    assert same / len(got) >= 0.999
    trust = dict(zip(ref.claims_.source_labels, ref.source_trust_, strict=True))
    for label, t in summary["source_trust"].items():
        assert abs(trust[label] - t) < 1e-6


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    from sevenfold.errors import InputError
    from sevenfold.fusion.spark import fit_path

    bad = tmp_path / "bad.csv"
    bad.write_text("source,object,value\na,b,c\n")
    with pytest.raises(InputError, match="missing column"):
        fit_path(MajorityVoting(), bad)
    with pytest.raises(InputError, match="no such file"):
        fit_path(MajorityVoting(), tmp_path / "nope.parquet")
    blank = tmp_path / "blank.csv"
    blank.write_text("source,object,attribute,value\na,o1,x,v\nb,o1,x,\nc,o1,x,v\n")
    with pytest.raises(InputError, match="empty or missing"):  # as the NumPy backend: refuse by default
        fit_path(MajorityVoting(), blank)
    assert fit_path(MajorityVoting(), blank, missing="drop")["source_trust"] == {"a": 1.0, "c": 1.0}


def test_fuse_cli_on_spark_scores_against_gold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    import pyarrow.csv as pacsv

    from sevenfold.cli import main
    from sevenfold.synth import claims_scenario

    scenario = claims_scenario(seed=11, n_items=60, n_honest=8, n_copiers=2, clique_size=3)
    pacsv.write_csv(scenario.claims, tmp_path / "claims.csv")
    pacsv.write_csv(scenario.gold, tmp_path / "gold.csv")
    args = ["fuse", str(tmp_path / "claims.csv"), "--method", "majority-voting", "--gold", str(tmp_path / "gold.csv")]
    assert main([*args, "--backend", "spark", "--json"]) == 0
    spark = json.loads(capsys.readouterr().out)
    assert main([*args, "--backend", "numpy", "--json"]) == 0
    numpy = json.loads(capsys.readouterr().out)
    assert spark["backend"] == "spark" and spark["accuracy"]["accuracy"] == numpy["accuracy"]["accuracy"]
    assert main([*args, "--backend", "spark", "--list-attribute", "x"]) == 2


def test_spark_csv_out_neutralises_formulas(tmp_path: Path) -> None:
    """Issue 22: the Spark backend writes --out CSV itself; its cells get the same formula guard."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    from sevenfold.cli import main

    claims = tmp_path / "c.csv"
    pacsv.write_csv(pa.table({"source": ["a", "b", "c"], "object": ["@SUM(1)", "o", "-5"], "attribute": ["p"] * 3,
                              "value": ["=HYPERLINK(A1)", "+1+1", "-5"]}), claims)
    out = tmp_path / "t.csv"

    def cells() -> list[str]:
        with open(out, encoding="utf-8", newline="") as fh:
            return [c for row in csv.reader(fh) for c in row]

    args = ["fuse", str(claims), "--backend", "spark", "-m", "majority-voting", "--exact", "--out", str(out)]
    assert main(args) == 0
    assert {"'@SUM(1)", "'=HYPERLINK(A1)", "'+1+1", "-5"} <= set(cells())
    assert main([*args, "--raw-cells"]) == 0
    assert {"@SUM(1)", "=HYPERLINK(A1)", "+1+1"} <= set(cells())
