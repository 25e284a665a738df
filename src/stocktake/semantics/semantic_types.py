"""Say what each column means (price, user_id, city, ...) from its name and its profile.

A multinomial logistic regression over torch-free features (stocktake.semantics.column_features)
scores every type in the closed vocabulary (stocktake.core.semantic_types). The model ships as
plain numpy arrays in data/semantic_model.npz, written by scripts/train_semantic_types.py from
synthetic columns and the demo estate only. A column whose best probability stays below the
threshold is `unknown`: a wrong confident type is worse than an honest "cannot tell".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

from stocktake.core.semantic_types import SemanticType
from stocktake.semantics.column_features import NAME_DIM, VALUE_DIM, ColumnFeatures, column_features

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile, Run

DEFAULT_THRESHOLD = 0.35
EVIDENCE_ITEMS = 4


@dataclass(frozen=True)
class Decision:
    asset: str  # Asset.id
    column: str
    semantic_type: SemanticType
    confidence: float  # probability of the best type, 0..1 (also when it fell to unknown)
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SemanticModel:
    classes: tuple[SemanticType, ...]
    coef: np.ndarray  # (classes, features) float32
    intercept: np.ndarray
    version: str

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=-1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=-1, keepdims=True)


@cache
def load_model() -> SemanticModel:
    """The packaged model; numpy only, no pickle."""
    resource = files("stocktake.semantics").joinpath("data", "semantic_model.npz")
    with resource.open("rb") as f, np.load(f, allow_pickle=False) as arrays:
        return SemanticModel(
            classes=tuple(SemanticType(c) for c in arrays["classes"]),
            coef=arrays["coef"].astype(np.float32),
            intercept=arrays["intercept"].astype(np.float32),
            version=str(arrays["version"]),
        )


def _evidence(feats: ColumnFeatures, x: np.ndarray, weights: np.ndarray) -> list[str]:
    """The features that pushed hardest towards the chosen type, most first, as readable lines."""
    contribution = x * weights
    labels = {i: feats.labels[i] for i in feats.sparse}
    offset = NAME_DIM + VALUE_DIM
    labels |= {offset + i: f"values: {label}" for i, label in enumerate(feats.dense_labels) if x[offset + i]}
    # Hashed n-grams of one name share credit; keep one line per kind of reason.
    ranked = sorted(labels, key=lambda i: -contribution[i])
    lines: list[str] = []
    for index in ranked:
        if contribution[index] <= 0 or len(lines) >= EVIDENCE_ITEMS:
            break
        line = f"{labels[index]} {contribution[index]:+.2f}"
        if not any(line.split(" +")[0] == seen.split(" +")[0] for seen in lines):
            lines.append(line)
    return lines


def classify_profile(
    name: str,
    profile: ColumnProfile,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    samples: list[str] | None = None,
) -> Decision:
    """Classify one column; `samples` may add values beyond those the profile shows."""
    model = load_model()
    feats = column_features(name, profile, samples)
    x = feats.vector()
    probs = model.probabilities(x)
    best = int(np.argmax(probs))
    confidence = float(probs[best])
    chosen = model.classes[best]
    evidence = _evidence(feats, x, model.coef[best])
    if confidence < threshold:
        evidence = [f"best guess {chosen} {confidence:.2f} < threshold {threshold:.2f}", *evidence]
        chosen = SemanticType.UNKNOWN
    return Decision(profile.asset, profile.column, chosen, round(confidence, 3), evidence)


def classify_columns(
    assets: Sequence[Asset], profiles: Sequence[ColumnProfile], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Decision]:
    """One decision per profiled column of `assets`, in profile order."""
    wanted = {a.id for a in assets}
    return [classify_profile(p.column, p, threshold=threshold) for p in profiles if p.asset in wanted]


def tag_semantic_types(run: Run, *, threshold: float = DEFAULT_THRESHOLD) -> list[Decision]:
    """Set ColumnProfile.semantic_type on every profile of the run, in place; return the decisions."""
    decisions = classify_columns(run.assets, run.profiles, threshold=threshold)
    by_key = {(d.asset, d.column): d for d in decisions}
    for profile in run.profiles:
        decision = by_key.get((profile.asset, profile.column))
        if decision is not None:
            profile.semantic_type = str(decision.semantic_type)
    return decisions


__all__ = [
    "DEFAULT_THRESHOLD",
    "Decision",
    "SemanticModel",
    "classify_columns",
    "classify_profile",
    "load_model",
    "tag_semantic_types",
]
