"""The encoder on Spark: mapInArrow scores a column batch by batch inside the Python workers and
gives the vectors the encoder gives in the driver."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.spark, pytest.mark.model]


def test_encode_column_through_map_in_arrow_matches_the_encoder(spark) -> None:
    pytest.importorskip("model2vec", reason="needs the [model] extra")
    from stocktake.engines.spark.scoring import encode_column
    from stocktake.models.encoder import Encoder

    titles = [None if i % 9 == 0 else f"blue denim jacket size {i % 13}" for i in range(300)]
    frame = spark.createDataFrame([(t,) for t in titles], "title STRING").repartition(3)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "50")
    rows = encode_column(frame, "title").collect()

    assert sorted(r.title or "" for r in rows) == sorted(t or "" for t in titles)
    assert all((r.embedding is None) == (r.title is None) for r in rows)
    present = [r for r in rows if r.title is not None]
    expected = Encoder("fast").encode([r.title for r in present])
    np.testing.assert_allclose(np.array([r.embedding for r in present]), expected, rtol=0, atol=1e-6)
