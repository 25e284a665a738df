"""Apache Spark as an engine: the same declarations, run through a SparkSession.

Nothing here imports pyspark at module level; `stocktake.engines.spark.session.spark_session`
does, and turns a missing install into a one-line MissingExtraError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stocktake.connectors.base import Connector
    from stocktake.core.records import Asset
    from stocktake.engines.spark.engine import SparkEngine

ENGINES = ("duckdb", "spark")  # what `stocktake scan --engine` accepts


def spark_engine_for_files(
    connector: Connector, assets: list[Asset], master: str | None = None
) -> SparkEngine:
    """A SparkEngine whose relations are the files `connector` discovered, read by Spark itself."""
    from stocktake.engines.spark.engine import SparkEngine
    from stocktake.engines.spark.files import register_file_assets
    from stocktake.engines.spark.session import spark_session

    engine = SparkEngine(spark_session(master))
    register_file_assets(engine, assets, fallback=connector.engine())
    return engine


__all__ = ["ENGINES", "spark_engine_for_files"]
