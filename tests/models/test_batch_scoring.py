"""stocktake.models.batch_scoring: a column streamed as Arrow record batches through the encoder
gives the same vectors as encoding the whole column at once, one bounded batch at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from stocktake.models.batch_scoring import EMBEDDING, embeddings_array, encode_relation
from stocktake.models.encoder import Encoder


@pytest.fixture(scope="module")
def fast(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Encoder]:
    pytest.importorskip("model2vec", reason="needs the [model] extra")
    cache = getattr(request.config, "cache", None)
    home = cache.mkdir("stocktake-home") if cache is not None else tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STOCKTAKE_HOME", str(home))  # distilled once into pytest's cache
        encoder = Encoder("fast")
        encoder.encode(["load or distil now"])
        yield encoder


def test_embeddings_array_keeps_rows_in_order() -> None:
    vectors = np.arange(12, dtype=np.float32).reshape(4, 3)
    column = embeddings_array(vectors)
    assert column.type == pa.list_(pa.float32())
    assert column.to_pylist() == vectors.tolist()


@pytest.mark.model
def test_streamed_batches_match_encoding_the_whole_column(fast: Encoder, tmp_path: Path) -> None:
    conn = duckdb.connect()
    conn.execute(
        "CREATE TABLE titles AS SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL "
        "ELSE (['red running shoes', 'stainless steel pan', '4K smart TV'])[1 + i % 3] || ' ' || (i % 41) "
        "END AS title FROM range(1000) AS r(i)"
    )
    batches: list[pa.RecordBatch] = []
    stats = encode_relation(conn, "titles", "title", fast, batch_rows=128, sink=batches.append)

    assert (stats.rows, stats.largest_batch) == (1000, 128)
    assert stats.batches == len(batches) >= 8
    assert all(b.schema.names == ["title", EMBEDDING] for b in batches)
    titles = [t for b in batches for t in b.column("title").to_pylist()]
    embedded = [e for b in batches for e in b.column(EMBEDDING).to_pylist()]
    expected_titles = [r[0] for r in conn.execute("SELECT title FROM titles").fetchall()]
    assert titles == expected_titles
    assert [e is None for e in embedded] == [t is None for t in titles]
    present = [i for i, t in enumerate(titles) if t is not None]
    whole = fast.encode([titles[i] for i in present])
    streamed = np.array([embedded[i] for i in present], dtype=np.float32)
    np.testing.assert_allclose(streamed, whole, rtol=0, atol=1e-6)


@pytest.mark.model
def test_the_default_encoder_is_the_fast_one(fast: Encoder) -> None:
    from stocktake.models.batch_scoring import fast_encoder

    assert fast_encoder().name == fast.name
