"""Title -> category: a multinomial logistic regression over title features (seed §4.3).

Features: the packaged encoder's embeddings of each title (``fast``, the static model2vec path,
by default) next to hashed character n-grams, which carry model numbers and brand spellings
that sentence embeddings blur. Needs the ``detect`` extra (scikit-learn) and, for the
embeddings, the ``model`` extra; with ``use_encoder=False`` only scikit-learn is needed.

>>> model = CategoryModel().fit(titles, categories)        # doctest: +SKIP
>>> model.predict_category(["apple iphone 8 64gb"])         # doctest: +SKIP
['Mobile Phones']
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stocktake.core.errors import MissingExtraError

HASH_FEATURES = 2**17
MODEL_FILE = "model.npz"
EMBEDDING_WEIGHT = 2.0  # unit-length embeddings next to unit-length n-gram rows: lift them a little


def _sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("scikit-learn", "detect") from exc
    import sklearn.feature_extraction.text as text
    import sklearn.linear_model as linear

    return text, linear


class CategoryModel:
    def __init__(
        self,
        use_encoder: bool = True,
        mode: str = "fast",
        alpha: float = 2e-6,
        seed: int = 0,
        ngrams: bool = True,
    ) -> None:
        if not (use_encoder or ngrams):
            raise ValueError("use the encoder, the n-grams or both")
        self.use_encoder = use_encoder
        self.ngrams = ngrams
        self.mode = mode
        self.alpha = alpha
        self.seed = seed
        self.classes_: list[str] = []
        self._clf: Any = None
        self._encoder: Any = None
        self._weights: tuple[np.ndarray, np.ndarray] | None = None  # (coef, intercept) of a loaded model

    def features(self, titles: Sequence[str]) -> Any:
        if not self.ngrams:
            return self._embeddings(titles)
        text, _ = _sklearn()
        import scipy.sparse as sp

        hasher = text.HashingVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), n_features=HASH_FEATURES, lowercase=True, norm="l2"
        )
        grams = hasher.transform([str(t) for t in titles])
        if not self.use_encoder:
            return grams.tocsr()
        return sp.hstack([grams, sp.csr_matrix(self._embeddings(titles))]).tocsr()

    def _embeddings(self, titles: Sequence[str]) -> np.ndarray:
        if self._encoder is None:
            from stocktake.models.encoder import Encoder

            self._encoder = Encoder(mode=self.mode)  # type: ignore[arg-type]
        return self._encoder.encode([str(t) for t in titles]) * EMBEDDING_WEIGHT

    def fit(self, titles: Sequence[str], labels: Sequence[str]) -> CategoryModel:
        return self.fit_features(self.features(titles), labels)

    def fit_features(self, x: Any, labels: Sequence[str]) -> CategoryModel:
        _, linear = _sklearn()
        from sklearn.exceptions import ConvergenceWarning

        # Log loss by SGD: a multinomial-quality linear model in seconds on 10^5 sparse rows.
        self._clf = linear.SGDClassifier(
            loss="log_loss", alpha=self.alpha, max_iter=20, tol=1e-4, random_state=self.seed
        )
        with warnings.catch_warnings():  # a few epochs short of the tolerance still rank well
            warnings.simplefilter("ignore", ConvergenceWarning)
            self._clf.fit(x, [str(v) for v in labels])
        self.classes_ = [str(c) for c in self._clf.classes_]
        return self

    def predict_proba(self, titles: Sequence[str]) -> np.ndarray:
        return self.proba_features(self.features(titles))

    def proba_features(self, x: Any) -> np.ndarray:
        if self._clf is not None:
            return np.asarray(self._clf.predict_proba(x))
        if self._weights is None:
            raise RuntimeError("fit or load the model first")
        # What SGDClassifier(loss="log_loss").predict_proba computes: one-vs-rest sigmoids, normalised.
        coef, intercept = self._weights
        scores = np.asarray(x @ coef.T) + intercept
        prob = 1.0 / (1.0 + np.exp(-scores))
        if prob.shape[1] == 1:
            return np.hstack([1.0 - prob, prob])
        return prob / prob.sum(axis=1, keepdims=True)

    def options(self) -> dict[str, Any]:
        return {
            "use_encoder": self.use_encoder,
            "mode": self.mode,
            "alpha": self.alpha,
            "seed": self.seed,
            "ngrams": self.ngrams,
            "hash_features": HASH_FEATURES,
            "embedding_weight": EMBEDDING_WEIGHT,
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write weights, classes and options to a numpy archive (a folder gets ``model.npz``)."""
        if self._clf is None and self._weights is None:
            raise RuntimeError("fit the model first")
        coef, intercept = self._weights or (self._clf.coef_, self._clf.intercept_)
        target = Path(path)
        if target.suffix != ".npz":
            target = target / MODEL_FILE
        with target.open("wb") as fh:
            np.savez_compressed(
                fh,
                coef=np.asarray(coef, dtype=np.float64),
                intercept=np.asarray(intercept, dtype=np.float64),
                classes=np.array(self.classes_, dtype=str),
                options=np.array(json.dumps(self.options())),
            )
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CategoryModel:
        """A model written by `save`: a ``.npz`` file or a folder holding ``model.npz``.

        Read with ``allow_pickle=False``: the archive can only hold arrays and strings, so loading
        runs no code from it. Prediction needs numpy (and scipy for the n-gram features) only."""
        from stocktake.core.errors import UnreadableSourceError

        source = Path(path)
        if source.is_dir():
            source = source / MODEL_FILE
        try:
            with np.load(source, allow_pickle=False) as data:
                options = json.loads(str(data["options"]))
                coef, intercept = data["coef"], data["intercept"]
                classes = [str(c) for c in data["classes"]]
        except (OSError, KeyError, ValueError) as exc:
            raise UnreadableSourceError(f"cannot load a category model from {source}: {exc}") from exc
        if options.get("hash_features", HASH_FEATURES) != HASH_FEATURES:
            raise UnreadableSourceError(f"{source} was saved with another feature width; retrain it")
        model = cls(
            use_encoder=bool(options["use_encoder"]),
            mode=str(options["mode"]),
            alpha=float(options["alpha"]),
            seed=int(options["seed"]),
            ngrams=bool(options["ngrams"]),
        )
        model.classes_ = classes
        model._weights = (coef, intercept)
        return model

    def predict_category(self, titles: Sequence[str]) -> list[str]:
        return self.predict_category_features(self.features(titles))

    def predict_category_features(self, x: Any) -> list[str]:
        proba = self.proba_features(x)
        return [self.classes_[i] for i in proba.argmax(axis=1)]


def out_of_fold_proba(
    titles: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    seed: int = 0,
    use_encoder: bool = True,
    ngrams: bool = True,
) -> tuple[np.ndarray, list[str]]:
    """Each row's class probabilities from a model that never saw it or its title (k-fold); the classes.

    Every class must have at least `folds` rows; drop rarer ones first."""
    model = CategoryModel(use_encoder=use_encoder, seed=seed, ngrams=ngrams)
    return out_of_fold_from_features(model, model.features(titles), titles, labels, folds, seed)


def out_of_fold_from_features(
    model: CategoryModel, x: Any, titles: Sequence[str], labels: Sequence[str], folds: int = 5, seed: int = 0
) -> tuple[np.ndarray, list[str]]:
    """out_of_fold_proba over features already computed by `model.features(titles)`."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = np.array([str(v) for v in labels])
    classes = sorted(set(y.tolist()))
    out = np.zeros((len(y), len(classes)))
    # Equal titles share a fold: a copy of a misfiled row in training would vouch for its twin.
    groups = [" ".join(str(t).lower().split()) for t in titles]
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(y)), y, groups):
        model.fit_features(x[train], y[train])
        cols = [classes.index(c) for c in model.classes_]
        out[np.ix_(test, cols)] = model.proba_features(x[test])
    return out, classes


def predict_category(model: CategoryModel, titles: Sequence[str]) -> list[str]:
    """The `stocktake.models` entry point: the most likely category of each title."""
    return model.predict_category(titles)
