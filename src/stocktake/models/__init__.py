"""Models: the encoder, the title -> category model, training and the saved-model registry.

Names are re-exported lazily so that importing one submodule does not load the others."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "CategoryModel": "stocktake.models.category_model",
    "predict_category": "stocktake.models.category_model",
    "train_category": "stocktake.models.training",
    "list_models": "stocktake.models.registry",
    "resolve_model": "stocktake.models.registry",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stocktake.models' has no attribute {name!r}")
    return getattr(importlib.import_module(module), "resolve" if name == "resolve_model" else name)


__all__ = sorted(_EXPORTS)
