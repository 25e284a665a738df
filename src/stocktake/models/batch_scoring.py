"""Score a column as a stream of Arrow record batches, so memory stays bounded by one batch.

The relation is read with DuckDB's Arrow record-batch reader (files, DuckDB tables, anything DuckDB
can name); each batch is encoded and handed to `sink` before the next one is read. The fast
(model2vec) encoder is the default: a scan scores every value, and the static model is ~60x
faster than the transformer (benchmarks/RESULTS.md). On Spark the same per-batch function runs
inside `mapInArrow` (stocktake.engines.spark.scoring).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from stocktake.engines.profiling import quote_duckdb

if TYPE_CHECKING:
    import duckdb

    from stocktake.models.encoder import Encoder

DEFAULT_BATCH_ROWS = 65_536
EMBEDDING = "embedding"


@dataclass
class BatchStats:
    rows: int = 0
    batches: int = 0
    largest_batch: int = 0  # rows; memory is bounded by this batch and its vectors


def fast_encoder() -> Encoder:
    from stocktake.models.encoder import Encoder

    return Encoder(mode="fast")


def embeddings_array(vectors: np.ndarray) -> pa.ListArray:
    """(n, dim) float32 rows as an Arrow list<float> column, without copying row by row."""
    n, dim = vectors.shape
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(vectors.reshape(-1).astype(np.float32, copy=False)))


def encode_batch(batch: pa.RecordBatch, column: str, encoder: Encoder) -> pa.RecordBatch:
    """`batch` plus an embedding column; NULL texts get a NULL embedding."""
    values = batch.column(column)
    texts = values.to_pylist()
    present = [i for i, t in enumerate(texts) if t is not None]
    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    if present:
        vectors[present] = encoder.encode([str(texts[i]) for i in present])
    embeddings = embeddings_array(vectors)
    if len(present) < len(texts):
        mask = pa.array([t is None for t in texts])
        embeddings = pa.ListArray.from_arrays(embeddings.offsets, embeddings.values, mask=mask)
    return pa.RecordBatch.from_arrays([*batch.columns, embeddings], names=[*batch.schema.names, EMBEDDING])


def encode_batches(
    batches: Iterable[pa.RecordBatch], column: str, encoder: Encoder | None = None
) -> Iterator[pa.RecordBatch]:
    """Encode each batch as it arrives; nothing is kept between batches."""
    encoder = encoder or fast_encoder()
    for batch in batches:
        if batch.num_rows:
            yield encode_batch(batch, column, encoder)


def encode_relation(
    conn: duckdb.DuckDBPyConnection,
    relation: str,
    column: str,
    encoder: Encoder | None = None,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    sink: Callable[[pa.RecordBatch], None] | None = None,
) -> BatchStats:
    """Stream `column` of `relation` (DuckDB SQL naming a table, view or file) through the encoder.

    Each scored batch goes to `sink` (e.g. a ParquetWriter's write_batch) and is then dropped.
    """
    result = conn.sql(f"SELECT {quote_duckdb(column)} FROM {relation}")
    # DuckDB 2 calls it to_arrow_reader; 1.x fetch_arrow_reader. Both stream, batch by batch.
    stream = getattr(result, "to_arrow_reader", None) or result.fetch_arrow_reader
    reader = stream(batch_rows)
    stats = BatchStats()
    for scored in encode_batches(reader, column, encoder):
        stats.rows += scored.num_rows
        stats.batches += 1
        stats.largest_batch = max(stats.largest_batch, scored.num_rows)
        if sink is not None:
            sink(scored)
    return stats


__all__ = ["BatchStats", "embeddings_array", "encode_batch", "encode_batches", "encode_relation"]
