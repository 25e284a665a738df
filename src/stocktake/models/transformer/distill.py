"""Distil the packaged model into model2vec static token embeddings (the fast mode).

model2vec runs every vocabulary token through the transformer once, reduces the outputs
with PCA and weights them by a Zipf estimate of token frequency. All inputs are local files.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from stocktake.core.errors import MissingExtraError
from stocktake.models.transformer.loading import (
    limit_torch_threads,
    load_model_and_tokenizer,
    quiet_transformers,
)


def distill_static_model(model_dir: Path, out_dir: Path, dim: int) -> None:
    """Write a model2vec model of width ``dim`` distilled from ``model_dir`` into ``out_dir``."""
    try:
        from model2vec.distill import distill_from_model
    except ModuleNotFoundError as error:
        # model2vec installed without its [distill] extra lacks skeletoken.
        if error.name is None:
            raise
        raise MissingExtraError(error.name.split(".")[0], "model") from None
    limit_torch_threads()
    _quiet_progress_off_terminal()
    model, tokenizer = load_model_and_tokenizer(model_dir)
    with quiet_transformers():
        static = distill_from_model(model=model, tokenizer=tokenizer, pca_dims=dim)
    static.save_pretrained(out_dir)


def _quiet_progress_off_terminal() -> None:
    """model2vec draws a tqdm bar per vocabulary batch; into a log file that is thousands of lines.
    Our own rule is bars only on a terminal, so its bar is switched off elsewhere."""
    if sys.stderr.isatty():
        return
    try:
        from model2vec.distill import inference
    except ImportError:
        return
    bar = getattr(inference, "tqdm", None)
    if bar is not None and not isinstance(bar, functools.partial):
        inference.tqdm = functools.partial(bar, disable=True)
