"""The full encoder: all-MiniLM-L6-v2 with mean pooling, as sentence-transformers runs it.

The packaged model's modules.json is Transformer -> Pooling(mean) -> Normalize, so the
sentence vector is the attention-masked mean of the last hidden states, L2-normalised.
Texts are tokenised once, sorted by token count and batched, so a batch of short titles is
not padded to the length of the longest description.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Literal

import numpy as np
import torch

from stocktake.models.transformer.loading import limit_torch_threads, load_model_and_tokenizer

# Tokenise this many texts at a time: bounds memory for million-value columns while
# keeping the sort-by-length window wide enough to cut most padding.
_TOKENIZE_CHUNK = 16_384


class TransformerBackend:
    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer,
        precision: Literal["fp32", "bf16"],
        batch_size: int,
        max_length: int,
    ) -> None:
        self._model = model
        self._tokenizer = tokenizer
        self._precision = precision
        self._batch_size = batch_size
        # The position table bounds the usable length; sentence-transformers uses 256.
        self._max_length = min(max_length, model.config.max_position_embeddings)
        self._pad_id = tokenizer.pad_token_id or 0

    @classmethod
    def load(
        cls, model_dir: Path, precision: Literal["fp32", "bf16"], batch_size: int, max_length: int
    ) -> TransformerBackend:
        limit_torch_threads()
        model, tokenizer = load_model_and_tokenizer(model_dir)
        return cls(model, tokenizer, precision, batch_size, max_length)

    def encode(self, texts: list[str], on_progress: Callable[[int], None] | None) -> np.ndarray:
        out = np.empty((len(texts), self._model.config.hidden_size), dtype=np.float32)
        for start in range(0, len(texts), _TOKENIZE_CHUNK):
            chunk = texts[start : start + _TOKENIZE_CHUNK]
            token_ids = self._tokenizer(
                chunk,
                truncation=True,
                max_length=self._max_length,
                return_attention_mask=False,
                return_token_type_ids=False,
            )["input_ids"]
            order = np.argsort([len(ids) for ids in token_ids], kind="stable")
            for batch_start in range(0, len(order), self._batch_size):
                rows = order[batch_start : batch_start + self._batch_size]
                out[start + rows] = self._encode_batch([token_ids[row] for row in rows])
                if on_progress is not None:
                    on_progress(len(rows))
        return out

    def _encode_batch(self, token_ids: list[list[int]]) -> np.ndarray:
        lengths = torch.tensor([len(ids) for ids in token_ids])
        input_ids = torch.full((len(token_ids), int(lengths.max())), self._pad_id, dtype=torch.long)
        for row, ids in enumerate(token_ids):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        attention_mask = (torch.arange(input_ids.shape[1])[None, :] < lengths[:, None]).long()
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if self._precision == "bf16" else nullcontext()
        with torch.inference_mode(), autocast:
            hidden = self._model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        # Pool and normalise in fp32 whatever the matmuls ran in.
        hidden = hidden.float()
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
