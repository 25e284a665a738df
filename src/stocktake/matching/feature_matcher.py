"""The CPU matcher: pair features -> histogram gradient boosting, threshold chosen on validation.

Two stages by default: a bag of boosters scores each pair from its features, then a second bag
sees the features plus the pair's context among the pairs scored with it (is it the best
candidate of its left record, of its right record? see context.py), trained on out-of-fold
first-stage scores. Scores therefore depend on which pairs are scored together: pass all of a
blocker's candidates in one call.

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

from stocktake.matching.context import context_features, out_of_fold_scores, record_ids
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
    # The second stage (context.py) and the folds of the out-of-fold scores it trains on.
    context: bool = True
    context_folds: int = 5

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
    realign: bool = True  # move misplaced values back into their fields first (realign.py)
    _featurizer: PairFeaturizer | None = None
    _models: list[Any] = field(default_factory=list)
    _context_models: list[Any] = field(default_factory=list)
    _ids: np.ndarray | None = None  # (rows of _x) x 2 record ids, for the context features
    _oof: np.ndarray | None = None  # out-of-fold first-stage scores of the rows of _x
    _train_records: list[dict[str, str]] = field(default_factory=list)
    _x: np.ndarray | None = None
    _y: np.ndarray | None = None
    seconds: float = 0.0
    seconds_boosting: float = 0.0  # the part of `seconds` spent fitting boosters

    def _make_featurizer(self) -> PairFeaturizer:
        embedder = make_embedder(self.encoder)
        record_mode = self.record_encoder or self.encoder
        record_embedder = embedder if record_mode == self.encoder else make_embedder(record_mode)
        return PairFeaturizer(embedder, record_embedder, realign=self.realign)

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

    @property
    def scores_in_context(self) -> bool:
        """True when a pair's score depends on the other pairs scored with it (the second stage)."""
        return bool(self._context_models)

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
        labelled = len(train)
        train, train_labels, train_extra = _with_random_negatives(
            train, train_labels, train_extra, self.settings.random_negatives, self.seed
        )
        self._x = self.features(train, train_extra)
        self._y = np.asarray(train_labels, dtype=np.int8)
        ids = pair_ids(train)  # the random negatives come after the labelled pairs
        # judged on the labelled pairs alone; no ids: no second stage
        self._ids = ids if _candidate_lists(ids[:labelled]) else None
        self._fit_booster()
        scores = self.predict_proba(valid, valid_extra)
        self.validation = best_threshold(np.asarray(valid_labels), scores)
        self.threshold = self.validation.threshold
        self.seconds = time.perf_counter() - started
        return self

    def _fit_booster(self) -> None:
        assert self._x is not None and self._y is not None
        if len(set(self._y.tolist())) < 2:
            from stocktake.models.training import TrainingDataError

            raise TrainingDataError("training pairs need both matches (1) and non-matches (0)")
        started = time.perf_counter()
        x, y = _fill_empty_columns(self._x), self._y
        self._models = self._bag(x, y)
        self._context_models = []
        if self.settings.context and self._ids is not None and len(np.unique(self._ids[:, 0])) >= 2:
            if self._oof is None or len(self._oof) != len(y):
                self._oof = out_of_fold_scores(
                    x, y, self._ids[:, 0], self._fold_scores, self.settings.context_folds
                )
            context = context_features(self._ids[:, 0], self._ids[:, 1], self._oof)
            self._context_models = self._bag(np.hstack([x, context]), y)
        self.seconds_boosting = time.perf_counter() - started

    def _fold_scores(self, x_fit: np.ndarray, y_fit: np.ndarray, x_score: np.ndarray) -> np.ndarray:
        if len(np.unique(y_fit)) < 2:  # a fold of a tiny training set may hold one class only
            return np.full(len(x_score), float(np.mean(y_fit)))
        # a column filled in the whole set may be empty within one fold: the binner needs a value
        return _bag_proba(self._bag(_fill_empty_columns(x_fit), y_fit), x_score)

    def _bag(self, x: np.ndarray, y: np.ndarray) -> list[Any]:
        from sklearn.ensemble import HistGradientBoostingClassifier
        from threadpoolctl import threadpool_limits

        s = self.settings
        weights = np.where(y == 1, s.positive_weight, 1.0)
        models = []
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
                models.append(booster.fit(x, y, sample_weight=weights))
        return models

    def reseeded(
        self, seed: int, valid_x: np.ndarray, valid_labels: Sequence[int], valid_ids: np.ndarray | None = None
    ) -> FeatureMatcher:
        """A copy with boosters refitted under another seed on the same features (features do not
        depend on the seed, so repeated-seed benchmarks compute them once)."""
        started = time.perf_counter()
        other = FeatureMatcher(self.encoder, self.record_encoder, seed, self.settings, realign=self.realign)
        other.extra_feature_names = list(self.extra_feature_names)
        other._featurizer, other._train_records, other._x, other._y, other._ids = (
            self._featurizer, self._train_records, self._x, self._y, self._ids,
        )  # fmt: skip
        other._fit_booster()
        scores = other.proba_of_features(valid_x, valid_ids)
        other.validation = best_threshold(np.asarray(valid_labels), scores)
        other.threshold = other.validation.threshold
        other.seconds = time.perf_counter() - started
        return other

    def proba_of_features(self, x: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """Scores of featurised pairs; `ids` (pairs x 2 record ids) feed the second stage."""
        first = _bag_proba(self._models, x)
        if not self._context_models:
            return first
        if ids is None:
            raise ValueError("this matcher scores pairs in context: pass the pairs' record ids")
        context = context_features(ids[:, 0], ids[:, 1], first)
        return _bag_proba(self._context_models, np.hstack([x, context]))

    def predict_proba(
        self, pairs: Sequence[Pair], extra: np.ndarray | None = None, ids: np.ndarray | None = None
    ) -> np.ndarray:
        """P(match) per pair. The second stage compares each pair with the others in this call;
        `ids` name the records (defaults: by content, left and right sides apart)."""
        if not self._models:
            raise RuntimeError("the matcher is not fitted")
        if not pairs:
            return np.zeros(0, dtype=np.float64)
        if ids is None and self._context_models:
            ids = pair_ids(pairs)
        return self.proba_of_features(self.features(pairs, extra), ids)

    def predict(self, pairs: Sequence[Pair], extra: np.ndarray | None = None) -> np.ndarray:
        return self.predict_proba(pairs, extra) >= self.threshold

    # -- persistence: plain arrays only ------------------------------------------------------
    def save(self, folder: Path) -> None:
        assert self._featurizer is not None and self._x is not None and self._y is not None
        extra = {} if self._ids is None else {"ids": self._ids}
        if self._oof is not None:
            extra["oof"] = self._oof
        np.savez_compressed(
            folder / MODEL_FILE,
            x=self._x,
            y=self._y,
            **extra,
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
            "realign": self.realign,
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
                realign=bool(config.get("realign", False)),  # older models were trained without it
            )
            matcher._train_records = [json.loads(str(r)) for r in data["records"]]
            matcher._x, matcher._y = data["x"], data["y"]
            # Models saved before the second stage existed have no ids: they load as one stage.
            matcher._ids = data["ids"] if "ids" in data.files else None
            matcher._oof = data["oof"] if "oof" in data.files else None
            attributes = [str(a) for a in data["attributes"]]
        matcher._featurizer = matcher._make_featurizer().fit(matcher._train_records, attributes)
        matcher._fit_booster()
        return matcher


def pair_ids(pairs: Sequence[Pair]) -> np.ndarray:
    """(pairs x 2) record ids by content; a left and a right record never share an id."""
    keys = [("left", _key(a)) for a, _ in pairs] + [("right", _key(b)) for _, b in pairs]
    return record_ids(keys).reshape(2, len(pairs)).T.copy()


def _candidate_lists(ids: np.ndarray) -> bool:
    """Whether the training pairs look like blocker output — most left records with 2+ candidates.

    Only then can the second stage learn what a rank or a gap means; labelled pairs drawn one per
    record would teach it nothing and meet long candidate lists only when scoring."""
    _, first, counts = np.unique(ids[:, 0], return_inverse=True, return_counts=True)
    return len(counts) >= 2 and float(np.mean(counts[first] >= 2)) >= 0.5


def _bag_proba(models: Sequence[Any], x: np.ndarray) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return np.mean([m.predict_proba(x)[:, 1] for m in models], axis=0)


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


__all__ = ["BoostingSettings", "FeatureMatcher", "pair_ids"]
