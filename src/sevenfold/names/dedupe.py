"""Probabilistic dedupe of person records with Splink (Fellegi-Sunter, trained m/u parameters).

Input: a table with columns ``name, birth_year, place, role`` (optional ``id``). Names are first
normalised by :mod:`sevenfold.names` (any script → folded key; sorted key for name order; phonetic
key; family-name key) and places canonicalised through the gazetteer (Hsinking → Changchun), so
Splink compares spellings that romanisation already made comparable.

Backends: DuckDB (default, in-process) and Spark (``--backend spark``; needs the ``spark`` extra and
Java; local mode unless ``SEVENFOLD_SPARK_MASTER`` or spark-submit gives a cluster). Both give the
same clusters (tests/names/test_names_dedupe.py). Outputs: clusters (``id, cluster_id``), the trained model
(JSON) and Splink's match-weight chart (self-contained HTML).
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from sevenfold.errors import InputError
from sevenfold.names.aliases import AliasTable, bundled_aliases
from sevenfold.names.normalise import normalise_name

REQUIRED_COLUMNS = ("name", "birth_year", "place", "role")
BACKENDS = ("duckdb", "spark")


@dataclass
class DedupeResult:
    n_records: int
    n_clusters: int
    clusters: list[dict[str, Any]]  # {"id", "cluster_id", "name"}
    pairs_scored: int
    timings: dict[str, float] = field(default_factory=dict)
    chart: str | None = None
    model: str | None = None
    parameters: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def multi_record_clusters(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for row in self.clusters:
            groups.setdefault(str(row["cluster_id"]), []).append(str(row["id"]))
        return {k: v for k, v in groups.items() if len(v) > 1}


def read_records_csv(path: str | Path) -> list[dict[str, str]]:
    p = Path(path)
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(f"{p}: missing column(s) {', '.join(missing)}; need {', '.join(REQUIRED_COLUMNS)}")
            return list(reader)
    except FileNotFoundError:
        raise InputError(f"{p}: records file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{p}: cannot read records CSV: {exc}") from None


def _year(value: Any, where: str) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return int(float(text[:4]) if len(text) > 4 and text[:4].isdigit() else float(text))
    except ValueError:
        raise InputError(f"{where}.birth_year: not a year: {text!r}") from None


def prepare_records(records: Iterable[Mapping[str, Any]], aliases: AliasTable | None = None) -> pa.Table:
    """Matching columns for Splink: folded name keys, phonetic key, canonical place."""
    table = aliases if aliases is not None else bundled_aliases()
    cols: dict[str, list[Any]] = {k: [] for k in (
        "unique_id", "id", "name", "name_key", "name_sorted", "name_phonetic", "family", "given_initial",
        "birth_year", "place_key", "role")}
    place_cache: dict[str, str] = {}
    for i, rec in enumerate(records):
        where = f"records[{i}]"
        rid = str(rec.get("id") or i)
        form = normalise_name(str(rec.get("name") or ""))
        place_raw = str(rec.get("place") or "")
        if place_raw not in place_cache:
            pform = normalise_name(place_raw)
            ents = table.lookup_ids(pform)
            place_cache[place_raw] = (
                normalise_name(table.entities[min(ents)].canonical).compact if ents else pform.compact)
        toks = form.tokens
        family = max((t for t, ini in zip(toks, form.initials, strict=True) if not ini), key=len, default="")
        cols["unique_id"].append(i)
        cols["id"].append(rid)
        cols["name"].append(str(rec.get("name") or ""))
        cols["name_key"].append(form.compact or None)
        cols["name_sorted"].append(form.sorted_compact or None)
        cols["name_phonetic"].append(form.phonetic or None)
        cols["family"].append(family or None)
        cols["given_initial"].append(next((t[:1] for t in toks if t != family), None))
        cols["birth_year"].append(_year(rec.get("birth_year"), where))
        cols["place_key"].append(place_cache[place_raw] or None)
        cols["role"].append((str(rec.get("role") or "").strip().lower()) or None)
    return pa.table(cols)


def _settings() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_sorted", [0.97, 0.9, 0.8]),
            cl.CustomComparison(
                [cll.NullLevel("birth_year"), cll.ExactMatchLevel("birth_year"),
                 cll.AbsoluteDifferenceLevel("birth_year", 1), cll.AbsoluteDifferenceLevel("birth_year", 3),
                 cll.ElseLevel()],
                output_column_name="birth_year", comparison_description="birth year within 0/1/3 years"),
            cl.ExactMatch("place_key").configure(term_frequency_adjustments=True),
            cl.ExactMatch("role"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_sorted"),
            block_on("family", "birth_year"),
            block_on("name_phonetic", "place_key"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _db_api(backend: str, spark: Any = None) -> Any:
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        try:
            from splink import SparkAPI
        except ImportError:
            raise InputError("--backend spark needs the 'spark' extra: pip install 'sevenfold[spark]'") from None
        if spark is None:
            # the session every sevenfold Spark job shares: local[*] unless SEVENFOLD_SPARK_MASTER or
            # spark-submit says otherwise, with messages a user can act on when the JVM cannot start
            from sevenfold.fusion.spark.session import spark_session

            spark = spark_session()
        if not spark.sparkContext.getCheckpointDir():
            # Splink breaks long lineages with checkpoints, which need a directory
            import os
            import tempfile

            spark.sparkContext.setCheckpointDir(
                tempfile.mkdtemp(prefix="sevenfold-splink-", dir=os.environ.get("SEVENFOLD_SPARK_TMP")))
        return SparkAPI(spark_session=spark)
    raise InputError(f"--backend must be one of {', '.join(BACKENDS)}, got {backend!r}")


def dedupe_records(
    records: Iterable[Mapping[str, Any]] | pa.Table,
    backend: str = "duckdb",
    threshold: float = 0.9,
    chart_path: str | Path | None = None,
    model_path: str | Path | None = None,
    seed: int = 42,
    max_pairs_u: float = 2e6,
    aliases: AliasTable | None = None,
    spark: Any = None,
) -> DedupeResult:
    """Train a Splink model on the records (u by random sampling, m by EM), predict, cluster."""
    if not 0.0 < threshold < 1.0:
        raise InputError(f"threshold must be a match probability in (0, 1), got {threshold}")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    table = records if isinstance(records, pa.Table) else prepare_records(records, aliases)
    n = table.num_rows
    if n < 2:
        raise InputError(f"dedupe needs at least 2 records, got {n}")
    timings["prepare_s"] = time.perf_counter() - t0

    db_api = _db_api(backend, spark)
    if backend == "spark":
        return _with_spark_errors(lambda: _run(db_api, db_api.spark.createDataFrame(table), table,
                                               backend, threshold, chart_path, model_path, seed, max_pairs_u,
                                               timings, t0))
    return _run(db_api, table, table, backend, threshold, chart_path, model_path, seed, max_pairs_u, timings, t0)


def _with_spark_errors(run: Any) -> DedupeResult:
    """Run a Spark dedupe; JVM failures become a message saying what to change, not a stack trace."""
    from sevenfold.errors import SevenfoldError
    from sevenfold.fusion.spark.session import translate_spark_error

    try:
        return run()
    except SevenfoldError:
        raise
    except Exception as exc:  # Py4J / JVM failures
        raise translate_spark_error(exc) from None


def _run(db_api: Any, frame: Any, table: pa.Table, backend: str, threshold: float, chart_path: str | Path | None,
         model_path: str | Path | None, seed: int, max_pairs_u: float, timings: dict[str, float],
         t0: float) -> DedupeResult:
    """Train, predict and cluster with Splink on ``frame`` (the records in the backend's own form)."""
    import logging

    from splink import Linker, block_on

    df = db_api.register(frame)
    linker = Linker(df, _settings(), log_level=logging.ERROR)
    t1 = time.perf_counter()
    notes: list[str] = []
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on("name_sorted", "birth_year")], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    except Exception as exc:  # Splink raises plain exceptions on degenerate data
        raise InputError(f"dedupe: Splink could not train a model on these records: {exc}") from None
    # EM twice with different blocking so every comparison gets m trained once (names in the first,
    # birth year and place in the second; each block stays small enough for 10^6 records). The
    # family name is a blocking key, not a comparison: it is implied by the full name, and
    # Fellegi-Sunter would count the same evidence twice. On small or
    # degenerate data one session can fail (m underflows); the other's estimates and Splink's
    # defaults are then used, and the result says so.
    for rule in (block_on("birth_year", "place_key", "role"), block_on("name_sorted", "role")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:
            notes.append(f"EM session blocked on {rule.get_blocking_rule('duckdb').blocking_rule_sql}"
                         f" failed ({str(exc)[:120]}); defaults used for its parameters")
    timings["train_s"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=threshold)
    pairs_scored = (int(pred.as_duckdbpyrelation().count("*").fetchall()[0][0]) if backend == "duckdb"
                    else int(pred.as_spark_dataframe().count()))
    clusters_df = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    timings["predict_cluster_s"] = time.perf_counter() - t2
    rel = clusters_df.as_pyarrow_table() if backend == "duckdb" else pa.Table.from_pylist(
        clusters_df.as_record_list())
    uid_to_row = {int(u): k for k, u in enumerate(table.column("unique_id").to_pylist())}
    ids = table.column("id").to_pylist()
    names = table.column("name").to_pylist()
    clusters = []
    for uid, cid in zip(rel.column("unique_id").to_pylist(), rel.column("cluster_id").to_pylist(), strict=True):
        k = uid_to_row[int(uid)]
        clusters.append({"id": ids[k], "cluster_id": str(ids[uid_to_row[int(cid)]]) if int(cid) in uid_to_row
                         else str(cid), "name": names[k]})
    chart_file = None
    if chart_path:
        chart = linker.visualisations.match_weights_chart()
        Path(chart_path).write_text(chart.to_html(inline=True), encoding="utf-8")
        chart_file = str(chart_path)
    model = linker.misc.save_model_to_json()
    model_file = None
    if model_path:
        Path(model_path).write_text(json.dumps(model, indent=2), encoding="utf-8")
        model_file = str(model_path)
    params = []
    for comp in model.get("comparisons", []):
        for level in comp.get("comparison_levels", []):
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            params.append({"comparison": comp.get("output_column_name"), "level": level.get("label_for_charts"),
                           "m": m, "u": u, "weight": weight})
    timings["total_s"] = time.perf_counter() - t0
    return DedupeResult(n_records=table.num_rows, n_clusters=len({c["cluster_id"] for c in clusters}),
                        clusters=clusters, pairs_scored=pairs_scored, timings=timings, chart=chart_file,
                        model=model_file, parameters=params, notes=notes)
