"""One SparkSession per process: `local[*]` unless a master URL or a running session says otherwise."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from stocktake.core.errors import MissingExtraError, SourceConnectionError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"

# Settings that make Spark's answers comparable with the other engines:
# - timestamps without a zone stay wall-clock values (as in DuckDB, PostgreSQL, SQLite);
# - the session zone is UTC, so zone-aware values are not shifted by the host's zone;
# - no web UI or progress bars on a scanning machine.
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> SparkSession:
    """The active SparkSession if there is one (a notebook's, a job's), else a new one on `master`.

    An existing session is used as it is: Spark cannot change the master of a running context.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingExtraError("pyspark", "spark") from exc
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    master = master or os.environ.get("STOCKTAKE_SPARK_MASTER", DEFAULT_MASTER)
    builder = SparkSession.builder.appName("stocktake").master(master)
    settings = dict(SESSION_CONF)
    if master.startswith("local"):
        # Spark's 200 shuffle partitions suit a cluster; on one machine each GROUP BY would
        # schedule 200 tasks, most of them empty.
        settings["spark.sql.shuffle.partitions"] = str(max(2, 2 * (os.cpu_count() or 1)))
        # Python workers (model scoring) run this interpreter, which has stocktake installed,
        # not whatever `python3` is first on PATH; PySpark reads only the variable. On a
        # cluster the deployment decides.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in {**settings, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, or a master URL that cannot be reached
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise SourceConnectionError(f"cannot start Spark on {master or DEFAULT_MASTER}: {first}") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session
