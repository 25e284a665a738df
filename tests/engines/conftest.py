"""One local SparkSession for every Spark test of the session (marker `spark`)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def stocktake_home(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Where the fast encoder is distilled once: pytest's cache, never the user's home."""
    cache = getattr(request.config, "cache", None)
    home = cache.mkdir("stocktake-home") if cache is not None else tmp_path_factory.mktemp("stocktake-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STOCKTAKE_HOME", str(home))
        yield str(home)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory, stocktake_home: str) -> Iterator[Any]:
    """local[2], its warehouse in a temporary folder; Python workers share STOCKTAKE_HOME."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but pyspark is not installed (pip install '.[spark]')", pytrace=False)
        pytest.skip("pyspark is not installed (the [spark] extra)")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime for Spark")
    from stocktake.engines.spark.session import spark_session

    conf = {
        "spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("spark-warehouse")),
        "spark.executorEnv.STOCKTAKE_HOME": stocktake_home,
    }
    session = spark_session("local[2]", conf=conf)
    yield session
    session.stop()
