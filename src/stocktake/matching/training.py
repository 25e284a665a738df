"""Labelled pairs for training a matcher, from a Ditto folder or one pairs file, plus extra
verdicts (e.g. reviewed pairs); and the one function that trains either matcher kind."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from stocktake.core.errors import UsageError
from stocktake.matching.ditto import LabelledPair, load_pairs, load_split_dir
from stocktake.matching.metrics import PairScores, score_at

MatcherKind = Literal["features", "cross"]
VALID_SHARE = 0.2  # of a single pairs file, held out to choose the threshold
MIN_REVIEWED_ALONE = 10  # reviewed pairs needed to train on them without a pairs file


@dataclass
class PairSplits:
    train: list[LabelledPair]
    valid: list[LabelledPair]
    test: list[LabelledPair]
    source: str

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            name: {"pairs": len(split), "matches": sum(p.label for p in split)}
            for name, split in (("train", self.train), ("valid", self.valid), ("test", self.test))
        }


def _split(pairs: Sequence[LabelledPair], seed: int) -> tuple[list[LabelledPair], list[LabelledPair]]:
    """(train, valid): VALID_SHARE of each label held out, chosen by seed."""
    rng = random.Random(seed)
    train: list[LabelledPair] = []
    valid: list[LabelledPair] = []
    for label in (0, 1):
        group = [p for p in pairs if p.label == label]
        rng.shuffle(group)
        cut = max(1, round(len(group) * VALID_SHARE)) if len(group) > 1 else 0
        valid += group[:cut]
        train += group[cut:]
    return train, valid


def load_training(
    path: str | Path | None,
    extra: Sequence[str | Path] = (),
    seed: int = 0,
    reviewed: Sequence[LabelledPair] = (),
) -> PairSplits:
    """A folder with train.txt / valid.txt (/ test.txt), or one pairs file split 80/20 by seed
    (stratified); `extra` pairs files and `reviewed` pairs (verdicts on scanned pairs) are added to
    train. With no path, the reviewed pairs alone are split 80/20 the same way."""
    if path is None:
        if len(reviewed) < MIN_REVIEWED_ALONE:
            # A handful of pairs says little, and splitting it leaves folds too small to fit.
            raise UsageError(
                f"{len(reviewed)} reviewed pairs are too few to train on alone (at least "
                f"{MIN_REVIEWED_ALONE}): judge more pairs, or add them to a pairs file or folder"
            )
        out = PairSplits(*_split(reviewed, seed), [], "reviewed pairs")
        reviewed = ()
    else:
        source = Path(path)
        if source.is_dir():
            splits = load_split_dir(source)
            out = PairSplits(splits["train"], splits["valid"], splits.get("test", []), str(source))
        elif source.is_file():
            out = PairSplits(*_split(load_pairs(source), seed), [], str(source))
        else:
            raise UsageError(f"{source}: neither a folder of train/valid pairs nor a pairs file")
    for more in extra:
        out.train += load_pairs(more)
    out.train += reviewed
    for name, split in (("train", out.train), ("valid", out.valid)):
        labels = {p.label for p in split}
        if labels != {0, 1}:
            raise UsageError(f"{out.source}: the {name} pairs need both matches (1) and non-matches (0)")
    return out


def as_pairs(split: Sequence[LabelledPair]) -> tuple[list[tuple[dict[str, str], dict[str, str]]], np.ndarray]:
    return [(p.left, p.right) for p in split], np.array([p.label for p in split], dtype=np.int8)


def train_matcher(
    kind: MatcherKind,
    splits: PairSplits,
    *,
    seed: int = 0,
    encoder: str = "fast",
    rounds: int = 400,
    **cross: Any,
) -> tuple[Any, PairScores | None]:
    """Fit a matcher on train, threshold on valid; score test when there is one."""
    train, y_train = as_pairs(splits.train)
    valid, y_valid = as_pairs(splits.valid)
    if kind == "features":
        from stocktake.matching.feature_matcher import BoostingSettings, FeatureMatcher

        settings = BoostingSettings(max_iter=rounds)
        matcher: Any = FeatureMatcher(encoder=encoder, seed=seed, settings=settings).fit(
            train, y_train, valid, y_valid
        )  # type: ignore[arg-type]
    elif kind == "cross":
        from stocktake.matching.cross import CrossEncoderMatcher
        from stocktake.models.transformer.cross_encoder import CrossEncoderSettings

        on_epoch = cross.pop("on_epoch", None)
        settings = CrossEncoderSettings(seed=seed, **cross)
        matcher = CrossEncoderMatcher(settings).fit(train, y_train, valid, y_valid, on_epoch)
    else:
        raise UsageError(f"unknown matcher kind {kind!r} (features, cross)")
    test_scores = None
    if splits.test:
        test, y_test = as_pairs(splits.test)
        test_scores = score_at(y_test, matcher.predict_proba(test), matcher.threshold)
    return matcher, test_scores


__all__ = ["PairSplits", "as_pairs", "load_training", "train_matcher"]
