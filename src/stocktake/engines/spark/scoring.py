"""Encode a Spark column where the data is: `mapInArrow` hands each task Arrow record batches
(spark.sql.execution.arrow.maxRecordsPerBatch rows each), and the encoder runs in the executor's
Python worker, loaded once per worker. The fast (model2vec) encoder is the default."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame

    from stocktake.models.encoder import Mode

_ENCODERS: dict[str, object] = {}  # per Python worker: the model loads once, not once per batch


def _worker_encoder(mode: Mode) -> object:
    if mode not in _ENCODERS:
        from stocktake.models.encoder import Encoder

        _ENCODERS[mode] = Encoder(mode=mode)
    return _ENCODERS[mode]


def encode_column(frame: DataFrame, column: str, mode: Mode = "fast") -> DataFrame:
    """`frame`'s `column` and an `embedding array<float>` column, computed batch by batch."""
    from stocktake.models.batch_scoring import EMBEDDING, encode_batch

    texts = frame.select(column)
    field = texts.schema.fields[0]

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        encoder = _worker_encoder(mode)
        for batch in batches:
            if batch.num_rows:
                yield encode_batch(batch, column, encoder)  # type: ignore[arg-type]

    schema = f"`{field.name}` {field.dataType.simpleString()}, `{EMBEDDING}` array<float>"
    return texts.mapInArrow(score, schema)


__all__ = ["encode_column"]
