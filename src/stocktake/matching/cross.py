"""The cross-encoder matcher over records: serialise with IDF summaries, fine-tune, pick a threshold.

Torch lives in stocktake.models.transformer.cross_encoder; this module only prepares text and
keeps the matcher surface (`fit`, `predict_proba`, `threshold`, `save`) the feature matcher has.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from stocktake.matching.features import Pair
from stocktake.matching.metrics import PairScores, best_threshold
from stocktake.matching.serialise import IdfTable, serialise, values_text

CORPUS_FILE = "idf_corpus.json"
CONFIG_FILE = "matcher.json"


class CrossEncoderMatcher:
    kind = "cross"

    def __init__(self, settings: Any = None, max_value_tokens: int = 32) -> None:
        from stocktake.models.encoder import packaged_model_dir, require_modules

        require_modules(("torch", "transformers"))
        from stocktake.models.transformer.cross_encoder import CrossEncoderSettings

        self.settings = settings or CrossEncoderSettings()
        self.max_value_tokens = max_value_tokens
        self.threshold = 0.5
        self.validation: PairScores | None = None
        self.history: list[float] = []
        self.seconds = 0.0
        self._corpus: list[str] = []
        self._idf: IdfTable | None = None
        self._model: Any = None
        self._base_dir = packaged_model_dir()

    def texts(self, pairs: Sequence[Pair]) -> list[tuple[str, str]]:
        return [
            (serialise(a, self._idf, self.max_value_tokens), serialise(b, self._idf, self.max_value_tokens))
            for a, b in pairs
        ]

    def fit(
        self,
        train: Sequence[Pair],
        train_labels: Sequence[int],
        valid: Sequence[Pair],
        valid_labels: Sequence[int],
        on_epoch: Any = None,
    ) -> CrossEncoderMatcher:
        from stocktake.models.transformer.cross_encoder import CrossEncoder

        started = time.perf_counter()
        self._corpus = [values_text(r) for pair in train for r in pair]
        self._idf = IdfTable(self._corpus)
        self._model = CrossEncoder.from_pretrained(self._base_dir, self.settings)
        valid_texts = self.texts(valid)
        _, self.history = self._model.fit(
            self.texts(train), list(train_labels), valid_texts, list(valid_labels),
            lambda y, s: best_threshold(y, s).f1, on_epoch,
        )  # fmt: skip
        self.validation = best_threshold(np.asarray(valid_labels), self._model.predict_proba(valid_texts))
        self.threshold = self.validation.threshold
        self.seconds = time.perf_counter() - started
        return self

    def predict_proba(self, pairs: Sequence[Pair]) -> np.ndarray:
        if self._model is None:
            raise RuntimeError("the matcher is not fitted")
        return self._model.predict_proba(self.texts(pairs)) if pairs else np.zeros(0)

    def config(self) -> dict[str, Any]:
        return {
            "settings": asdict(self.settings),
            "max_value_tokens": self.max_value_tokens,
            "threshold": self.threshold,
        }

    def save(self, folder: Path) -> None:
        self._model.save(folder)
        (folder / CORPUS_FILE).write_text(json.dumps(self._corpus, ensure_ascii=False), encoding="utf-8")
        (folder / CONFIG_FILE).write_text(json.dumps(self.config()), encoding="utf-8")


def load_cross_matcher(folder: Path, device: str | None = None) -> CrossEncoderMatcher:
    from stocktake.models.transformer.cross_encoder import CrossEncoder, CrossEncoderSettings

    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    settings = CrossEncoderSettings(**config["settings"])
    if device is not None:
        settings.device = device
    matcher = CrossEncoderMatcher(settings, int(config["max_value_tokens"]))
    matcher.threshold = float(config["threshold"])
    matcher._corpus = json.loads((folder / CORPUS_FILE).read_text(encoding="utf-8"))
    matcher._idf = IdfTable(matcher._corpus)
    matcher._model = CrossEncoder.from_pretrained(folder, settings)
    return matcher


__all__ = ["CrossEncoderMatcher", "load_cross_matcher"]
