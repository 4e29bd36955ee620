"""Starting Spark (local mode by default) with messages a user can act on, not JVM stack traces."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from sevenfold.errors import SevenfoldError


class SparkUnavailable(SevenfoldError):
    """Spark cannot run here: pyspark or Java is missing, or the JVM did not start."""


_SESSION: Any = None


def _check_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise SparkUnavailable(
            "Spark needs Java 17 or newer and none was found: install it (Debian: apt-get install "
            "default-jre-headless) or set JAVA_HOME; or use --backend numpy")


def spark_session(master: str | None = None, memory: str | None = None) -> Any:
    """The shared SparkSession (``local[*]`` unless ``SEVENFOLD_SPARK_MASTER``/``master`` says otherwise).

    On a cluster, start sevenfold under ``spark-submit``; an active session is reused as it is.
    """
    global _SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkUnavailable("the Spark backend needs pyspark: pip install 'sevenfold[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if _SESSION is not None:
        return _SESSION
    _check_java()
    master = master or os.environ.get("SEVENFOLD_SPARK_MASTER", "local[*]")
    memory = memory or os.environ.get("SEVENFOLD_SPARK_DRIVER_MEMORY", "4g")
    tmp = os.environ.get("SEVENFOLD_SPARK_TMP") or tempfile.mkdtemp(prefix="sevenfold-spark-")
    builder = (SparkSession.builder.appName("sevenfold-fusion").master(master)
               .config("spark.driver.memory", memory)
               .config("spark.sql.shuffle.partitions", os.environ.get("SEVENFOLD_SPARK_PARTITIONS", "8"))
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.adaptive.enabled", "true")
               .config("spark.local.dir", tmp)
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.session.timeZone", "UTC"))
    jar = _splink_jar()
    if jar:  # Splink's string-similarity functions (jaro_winkler …) for `names dedupe --backend spark`
        builder = builder.config("spark.jars", jar)
    try:
        _SESSION = builder.getOrCreate()
    except Exception as exc:  # the JVM failed to start: say what to change
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SparkUnavailable(
            f"Spark failed to start ({first}). Check that Java 17+ runs (`java -version`), that "
            "SEVENFOLD_SPARK_DRIVER_MEMORY fits this machine, or use --backend numpy") from None
    _SESSION.sparkContext.setLogLevel("ERROR")
    _SESSION.sparkContext.setCheckpointDir(os.path.join(tmp, "checkpoints"))
    return _SESSION


def _splink_jar() -> str | None:
    """The jar of Splink's Spark SQL similarity functions, when Splink is installed."""
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        return None
    path = similarity_jar_location()
    return path if os.path.exists(path) else None


def stop_session() -> None:
    global _SESSION
    if _SESSION is not None:
        _SESSION.stop()
        _SESSION = None


def translate_spark_error(exc: BaseException) -> SevenfoldError:
    """A JVM failure as a sevenfold error with a hint (out of memory, lost executor, ...)."""
    text = str(exc)
    if "OutOfMemoryError" in text or "Java heap space" in text or "GC overhead" in text:
        return SparkUnavailable(
            "Spark ran out of memory: raise SEVENFOLD_SPARK_DRIVER_MEMORY (now "
            f"{os.environ.get('SEVENFOLD_SPARK_DRIVER_MEMORY', '4g')}) or SEVENFOLD_SPARK_PARTITIONS, "
            "or run on a cluster with spark-submit")
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return SparkUnavailable(f"Spark job failed: {first[:300]}")
