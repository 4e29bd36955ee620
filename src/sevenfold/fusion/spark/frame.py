"""Claims as Spark DataFrames, indexed like :class:`~sevenfold.fusion.matrix.ClaimMatrix`.

``claims``: one row per claim ``(s, i, c)`` — source, item and candidate ids; ``cands``: one row per
candidate ``(c, i, first)`` where ``first`` orders an item's candidates by first appearance in the
input (how ties break, as in the NumPy backend). Source-level vectors are small (one number per
source) and live on the driver as NumPy arrays; candidate-level vectors are DataFrames.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from sevenfold.errors import InputError
from sevenfold.fusion.matrix import ClaimMatrix


class SparkClaims:
    def __init__(self, spark: Any, claims: Any, cands: Any, source_labels: np.ndarray,
                 items: Any = None, cm: ClaimMatrix | None = None) -> None:
        from pyspark import StorageLevel

        self.spark = spark
        self.claims = claims.persist(StorageLevel.MEMORY_AND_DISK)
        self.cands = cands.persist(StorageLevel.MEMORY_AND_DISK)
        self.items = items  # (i, object, attribute) for file inputs; None when built from a ClaimMatrix
        self.source_labels = source_labels
        self.n_sources = len(source_labels)
        self.cm = cm
        counts = {r["s"]: r["n"] for r in self.claims.groupBy("s").count().withColumnRenamed("count", "n").collect()}
        self.source_n = np.array([float(counts.get(s, 0)) for s in range(self.n_sources)])
        from pyspark.sql import functions as F

        self.cand_votes = self.claims.groupBy("c").agg(F.count(F.lit(1)).cast("double").alias("votes"))
        self.item_n_cands = self.cands.groupBy("i").agg(F.count(F.lit(1)).cast("double").alias("n_cands"))

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_claim_matrix(cls, cm: ClaimMatrix, spark: Any) -> SparkClaims:
        """The same ids as ``cm`` (results map back onto its arrays); for tests and moderate sizes."""
        import pyarrow as pa

        claims = spark.createDataFrame(pa.table({
            "s": pa.array(cm.claim_source.astype(np.int32)),
            "i": pa.array(cm.claim_item.astype(np.int64)),
            "c": pa.array(cm.claim_cand.astype(np.int64))}))
        cands = spark.createDataFrame(pa.table({
            "c": pa.array(np.arange(cm.n_cands, dtype=np.int64)),
            "i": pa.array(cm.cand_item.astype(np.int64)),
            "first": pa.array(np.arange(cm.n_cands, dtype=np.int64))}))
        return cls(spark, claims, cands, np.asarray(cm.source_labels, dtype=object), cm=cm)

    @classmethod
    def from_path(cls, path: str | os.PathLike[str], spark: Any, *, normalise: str = "text",
                  duplicates: str = "latest", missing: str = "error") -> SparkClaims:
        """Read a Parquet/CSV/TSV/JSON-lines claims file in Spark, without loading it on the driver.

        Normalisation ``text`` (default, as the NumPy backend: case-folded, whitespace collapsed and
        trimmed) or ``identity``; duplicates ``latest`` (by ``date``, then file order) or ``last``/``first``;
        ``missing="error"`` (default, as the NumPy backend) refuses a file with empty or null fields,
        ``"drop"`` skips those rows.
        """
        from pyspark import StorageLevel
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        p = str(path)
        if "://" not in p and not os.path.exists(p):  # hdfs://, s3a://, ... are checked by Spark itself
            raise InputError(f"{p}: no such file")
        low = p.lower()
        if low.endswith((".parquet", ".pq")) or os.path.isdir(p):
            df = spark.read.parquet(p)
        elif low.endswith((".jsonl", ".ndjson", ".json")):
            df = spark.read.json(p)
        else:
            sep = "\t" if low.endswith((".tsv", ".tab")) else ","
            df = spark.read.option("header", True).option("sep", sep).option("multiLine", False).csv(p)
        absent = [c for c in ("source", "object", "attribute", "value") if c not in df.columns]
        if absent:
            raise InputError(f"{p}: missing column(s) {', '.join(absent)}")
        df = df.withColumn("row", F.monotonically_increasing_id())  # file order, for ties and duplicates
        for c in ("source", "object", "attribute", "value"):
            df = df.withColumn(c, F.col(c).cast("string"))
        key = F.col("value")
        if normalise == "text":
            key = F.trim(F.regexp_replace(F.lower(key), r"[\s\p{Z}]+", " "))
        elif normalise != "identity":
            raise InputError(f"the Spark backend normalises values with 'text' or 'identity', not {normalise!r}")
        df = df.withColumn("key", key)
        blank = (F.col("key").isNull() | (F.col("key") == "")
                 | F.col("source").isNull() | F.col("object").isNull() | F.col("attribute").isNull())
        if missing == "error":
            bad = df.where(blank).select("row").limit(1).collect()
            if bad:
                raise InputError(f"{p}: a row has an empty or missing source, object, attribute or value "
                                 "(use missing='drop' / --drop-missing to skip such rows)")
        elif missing != "drop":
            raise InputError(f"missing policy must be error or drop, not {missing!r}")
        df = df.where(~blank)
        date = F.coalesce(F.trim(F.col("date")), F.lit("")) if "date" in df.columns else F.lit("")
        order = {"latest": [date.desc(), F.col("row").desc()], "last": [F.col("row").desc()],
                 "first": [F.col("row").asc()]}.get(duplicates)
        if order is None:
            raise InputError(f"duplicates policy must be latest, first or last, not {duplicates!r}")
        # the sources are the same before and after removing duplicates: list them from a column scan
        # instead of evaluating the de-duplication (a shuffle of the whole file) once more
        labels = sorted(r[0] for r in df.select("source").distinct().collect())
        w = Window.partitionBy("source", "object", "attribute").orderBy(*order)
        df = df.withColumn("_k", F.row_number().over(w)).where(F.col("_k") == 1).drop("_k")

        src = spark.createDataFrame([(lab, k) for k, lab in enumerate(labels)], "source string, s int")
        # ids are 64-bit hashes, so every re-evaluation of the plan gives the same ids (an id drawn from
        # row positions after a shuffle would not); a collision needs ~4e9 distinct items to be likely
        df = (df.join(F.broadcast(src), "source")
              .withColumn("i", F.xxhash64("object", "attribute"))
              .withColumn("c", F.xxhash64("object", "attribute", "key"))
              .select("s", "i", "c", "row", "value", "object", "attribute"))
        # read and de-duplicate the file once: claims, candidates and items all derive from this frame
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        items = (df.groupBy("i").agg(F.first("object").alias("object"), F.first("attribute").alias("attribute"))
                 .persist(StorageLevel.MEMORY_AND_DISK))
        cands = df.groupBy("c", "i").agg(F.min("row").alias("first"), F.min_by("value", "row").alias("value"))
        claims = df.select("s", "i", "c")
        out = cls(spark, claims, cands.select("c", "i", "first", "value"), np.asarray(labels, dtype=object),
                  items=items)
        items.count()
        out.cands.count()  # claims are materialised by the constructor's per-source counts
        df.unpersist()
        return out

    # ------------------------------------------------------------------ primitives
    def src_frame(self, vec: np.ndarray, name: str) -> Any:
        """A source-level vector as a small DataFrame (broadcast in joins)."""
        rows = [(int(s), float(x)) for s, x in enumerate(vec)]
        return self.spark.createDataFrame(rows, f"s int, {name} double")

    def cand_from_src(self, vec: np.ndarray, name: str) -> Any:
        """``sc_t @ vec``: per candidate, the sum of ``vec`` over the sources stating it → (c, name)."""
        from pyspark.sql import functions as F

        return (self.claims.join(F.broadcast(self.src_frame(vec, "_x")), "s")
                .groupBy("c").agg(F.sum("_x").alias(name)))

    def src_from_cand(self, frame: Any, col: str) -> np.ndarray:
        """``sc @ x``: per source, the sum of a candidate column over its claims (a NumPy array)."""
        from pyspark.sql import functions as F

        rows = self.claims.join(frame.select("c", col), "c").groupBy("s").agg(F.sum(col).alias("v")).collect()
        out = np.zeros(self.n_sources)
        for r in rows:
            out[r["s"]] = r["v"] if r["v"] is not None else 0.0
        return out

    def src_from_claims(self, frame: Any, col: str) -> np.ndarray:
        """Per source, the sum of a per-claim column of ``frame`` (which has ``s``)."""
        from pyspark.sql import functions as F

        out = np.zeros(self.n_sources)
        for r in frame.groupBy("s").agg(F.sum(col).alias("v")).collect():
            out[r["s"]] = r["v"]
        return out

    def with_items(self, frame: Any) -> Any:
        return frame.join(self.cands.select("c", "i", "first"), "c")

    def item_normalize(self, frame: Any, col: str, out: str) -> Any:
        """Within each item, scale a non-negative column to sum to 1 (uniform if all 0) → (c, out)."""
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        w = Window.partitionBy("i")
        f = self.with_items(frame).withColumn("_tot", F.sum(col).over(w)).withColumn("_n", F.count("*").over(w))
        return f.select("c", F.when(F.col("_tot") > 0, F.col(col) / F.col("_tot"))
                        .otherwise(1.0 / F.col("_n")).alias(out))

    def argmax(self, frame: Any, col: str) -> Any:
        """Per item, the candidate with the largest ``col`` (ties: first appearance) → (i, c)."""
        from pyspark.sql import functions as F

        best = (self.with_items(frame).groupBy("i")
                .agg(F.max(F.struct(F.col(col), (-F.col("first")).alias("nf"), F.col("c"))).alias("b")))
        return best.select("i", F.col("b.c").alias("c"))

    @staticmethod
    def global_max(frame: Any, col: str) -> float:
        from pyspark.sql import functions as F

        v = frame.agg(F.max(col)).collect()[0][0]
        return float(v) if v is not None else 0.0

    # ------------------------------------------------------------------ results
    def to_arrays(self, truth: Any, belief: Any, bcol: str, conf_col: str = "conf") -> tuple[np.ndarray, ...]:
        """Map Spark results back onto the ClaimMatrix's dense ids (mode: built from a ClaimMatrix)."""
        assert self.cm is not None
        cm = self.cm
        truth_index = np.zeros(cm.n_items, dtype=np.int64)
        confidence = np.zeros(cm.n_items)
        for r in truth.select("i", "c", conf_col).collect():
            truth_index[r["i"]], confidence[r["i"]] = r["c"], r[conf_col]
        b = np.zeros(cm.n_cands)
        for r in belief.select("c", bcol).collect():
            b[r["c"]] = r[bcol]
        return truth_index, confidence, b

    def unpersist(self) -> None:
        self.claims.unpersist()
        self.cands.unpersist()
        if self.items is not None:
            self.items.unpersist()
