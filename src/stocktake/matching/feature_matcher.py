"""The CPU matcher: pair features -> histogram gradient boosting, threshold chosen on validation.

Trains in seconds on a few thousand pairs, so it is the default. Saving does not pickle the
booster (a pickle runs code when loaded): the model file holds the training records, features
and labels as plain arrays, and loading refits the booster with the same seed, which gives the
same trees.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from stocktake.matching.embedding import EncoderMode, make_embedder
from stocktake.matching.features import Pair, PairFeaturizer
from stocktake.matching.metrics import PairScores, best_threshold

MODEL_FILE = "matcher.npz"


@dataclass
class BoostingSettings:
    max_iter: int = 400
    learning_rate: float = 0.05
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 10
    l2_regularization: float = 1.0
    positive_weight: float = 2.0  # matches are ~10% of pairs; weight them up a little
    max_features: float = 0.5  # each split sees half the features: the boosters of a bag differ
    bag: int = 5  # boosters averaged; +0.3 F1 and a seed-to-seed spread instead of one fixed model
    # Labelled pairs come from a blocker, so every negative shares words with its record. Random
    # pairings (as many as this share of the training pairs) teach that unrelated records do not
    # match; without them a booster scored pairs with no word in common at 0.8.
    random_negatives: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class FeatureMatcher:
    encoder: EncoderMode = "fast"
    record_encoder: EncoderMode | None = None  # None: same as `encoder`
    seed: int = 0
    settings: BoostingSettings = field(default_factory=BoostingSettings)
    threshold: float = 0.5
    validation: PairScores | None = None
    extra_feature_names: list[str] = field(default_factory=list)
    _featurizer: PairFeaturizer | None = None
    _models: list[Any] = field(default_factory=list)
    _train_records: list[dict[str, str]] = field(default_factory=list)
    _x: np.ndarray | None = None
    _y: np.ndarray | None = None
    seconds: float = 0.0
    seconds_boosting: float = 0.0  # the part of `seconds` spent fitting boosters

    def _make_featurizer(self) -> PairFeaturizer:
        embedder = make_embedder(self.encoder)
        record_mode = self.record_encoder or self.encoder
        record_embedder = embedder if record_mode == self.encoder else make_embedder(record_mode)
        return PairFeaturizer(embedder, record_embedder)

    def features(self, pairs: Sequence[Pair], extra: np.ndarray | None = None) -> np.ndarray:
        if self._featurizer is None:
            raise RuntimeError("the matcher is not fitted")
        x = self._featurizer.transform(pairs)
        if extra is not None:
            x = np.hstack([x, np.asarray(extra, dtype=np.float32).reshape(len(pairs), -1)])
        return x

    @property
    def attributes(self) -> list[str]:
        """The attributes the matcher was trained on; records should carry these columns."""
        return list(self._featurizer.attributes) if self._featurizer is not None else []

    @property
    def feature_names(self) -> list[str]:
        assert self._featurizer is not None
        return self._featurizer.names + self.extra_feature_names

    def fit(
        self,
        train: Sequence[Pair],
        train_labels: Sequence[int],
        valid: Sequence[Pair],
        valid_labels: Sequence[int],
        *,
        train_extra: np.ndarray | None = None,
        valid_extra: np.ndarray | None = None,
    ) -> FeatureMatcher:
        """Fit on `train`, then pick the F1-best threshold on `valid` (never on test)."""
        started = time.perf_counter()
        self._train_records = [dict(r) for pair in train for r in pair]
        self._featurizer = self._make_featurizer().fit(self._train_records)
        train, train_labels, train_extra = _with_random_negatives(
            train, train_labels, train_extra, self.settings.random_negatives, self.seed
        )
        self._x = self.features(train, train_extra)
        self._y = np.asarray(train_labels, dtype=np.int8)
        self._fit_booster()
        scores = self.predict_proba(valid, valid_extra)
        self.validation = best_threshold(np.asarray(valid_labels), scores)
        self.threshold = self.validation.threshold
        self.seconds = time.perf_counter() - started
        return self

    def _fit_booster(self) -> None:
        from sklearn.ensemble import HistGradientBoostingClassifier

        assert self._x is not None and self._y is not None
        if len(set(self._y.tolist())) < 2:
            from stocktake.models.training import TrainingDataError

            raise TrainingDataError("training pairs need both matches (1) and non-matches (0)")
        from threadpoolctl import threadpool_limits

        s = self.settings
        weights = np.where(self._y == 1, s.positive_weight, 1.0)
        started = time.perf_counter()
        x = _fill_empty_columns(self._x)
        self._models = []
        with threadpool_limits(limits=1):  # OpenMP threads thrash a small shared machine
            for member in range(max(1, s.bag)):
                booster = HistGradientBoostingClassifier(
                    max_iter=s.max_iter,
                    learning_rate=s.learning_rate,
                    max_leaf_nodes=s.max_leaf_nodes,
                    min_samples_leaf=s.min_samples_leaf,
                    l2_regularization=s.l2_regularization,
                    max_features=s.max_features,
                    early_stopping=False,
                    random_state=self.seed * 1000 + member,
                )
                self._models.append(booster.fit(x, self._y, sample_weight=weights))
        self.seconds_boosting = time.perf_counter() - started

    def reseeded(self, seed: int, valid_x: np.ndarray, valid_labels: Sequence[int]) -> FeatureMatcher:
        """A copy with boosters refitted under another seed on the same features (features do not
        depend on the seed, so repeated-seed benchmarks compute them once)."""
        started = time.perf_counter()
        other = FeatureMatcher(self.encoder, self.record_encoder, seed, self.settings)
        other.extra_feature_names = list(self.extra_feature_names)
        other._featurizer, other._train_records, other._x, other._y = (
            self._featurizer, self._train_records, self._x, self._y,
        )  # fmt: skip
        other._fit_booster()
        other.validation = best_threshold(np.asarray(valid_labels), other.proba_of_features(valid_x))
        other.threshold = other.validation.threshold
        other.seconds = time.perf_counter() - started
        return other

    def proba_of_features(self, x: np.ndarray) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return np.mean([m.predict_proba(x)[:, 1] for m in self._models], axis=0)

    def predict_proba(self, pairs: Sequence[Pair], extra: np.ndarray | None = None) -> np.ndarray:
        if not self._models:
            raise RuntimeError("the matcher is not fitted")
        if not pairs:
            return np.zeros(0, dtype=np.float64)
        return self.proba_of_features(self.features(pairs, extra))

    def predict(self, pairs: Sequence[Pair], extra: np.ndarray | None = None) -> np.ndarray:
        return self.predict_proba(pairs, extra) >= self.threshold

    # -- persistence: plain arrays only ------------------------------------------------------
    def save(self, folder: Path) -> None:
        assert self._featurizer is not None and self._x is not None and self._y is not None
        np.savez_compressed(
            folder / MODEL_FILE,
            x=self._x,
            y=self._y,
            records=np.array([json.dumps(r, ensure_ascii=False) for r in self._train_records]),
            attributes=np.array(self._featurizer.attributes),
            config=np.array(json.dumps(self.config())),
        )

    def config(self) -> dict[str, Any]:
        return {
            "encoder": self.encoder,
            "record_encoder": self.record_encoder,
            "seed": self.seed,
            "threshold": self.threshold,
            "settings": self.settings.as_dict(),
            "extra_feature_names": self.extra_feature_names,
        }

    @classmethod
    def load(cls, folder: Path) -> FeatureMatcher:
        with np.load(folder / MODEL_FILE, allow_pickle=False) as data:
            config = json.loads(str(data["config"]))
            matcher = cls(
                encoder=config["encoder"],
                record_encoder=config["record_encoder"],
                seed=int(config["seed"]),
                settings=BoostingSettings(**config["settings"]),
                threshold=float(config["threshold"]),
                extra_feature_names=list(config["extra_feature_names"]),
            )
            matcher._train_records = [json.loads(str(r)) for r in data["records"]]
            matcher._x, matcher._y = data["x"], data["y"]
            attributes = [str(a) for a in data["attributes"]]
        matcher._featurizer = matcher._make_featurizer().fit(matcher._train_records, attributes)
        matcher._fit_booster()
        return matcher


def _with_random_negatives(
    pairs: Sequence[Pair], labels: Sequence[int], extra: np.ndarray | None, share: float, seed: int
) -> tuple[list[Pair], list[int], np.ndarray | None]:
    """`pairs` plus ``share * len(pairs)`` random (left of one pair, right of another) non-matches.

    A pairing that repeats a known match is skipped; extra features of the new rows are NaN."""
    n_new = int(share * len(pairs))
    if n_new == 0 or len(pairs) < 2:
        return list(pairs), list(labels), extra
    rng = np.random.default_rng(seed)
    matched = {(_key(a), _key(b)) for (a, b), y in zip(pairs, labels, strict=True) if y}
    new: list[Pair] = []
    for _ in range(4 * n_new):  # a few draws may be skipped
        i, j = rng.integers(len(pairs), size=2)
        left, right = pairs[i][0], pairs[j][1]
        if i != j and (_key(left), _key(right)) not in matched:
            new.append((left, right))
            if len(new) == n_new:
                break
    if extra is not None:
        extra = np.vstack([extra, np.full((len(new), extra.shape[1]), np.nan, dtype=np.float32)])
    return [*pairs, *new], [*labels, *([0] * len(new))], extra


def _key(record: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(record.items()))


def _fill_empty_columns(x: np.ndarray) -> np.ndarray:
    """All-NaN columns (a feature that never applied in training) become 0: the binner needs a value."""
    empty = np.isnan(x).all(axis=0)
    if not empty.any():
        return x
    x = x.copy()
    x[:, empty] = 0.0
    return x


__all__ = ["BoostingSettings", "FeatureMatcher"]
