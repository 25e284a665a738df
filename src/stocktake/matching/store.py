"""Save trained matchers in the model registry and load them back by ``NAME[/VERSION]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stocktake.core.errors import UsageError
from stocktake.matching.metrics import PairScores

FEATURES_KIND = "entity matcher (pair features, gradient boosting)"
CROSS_KIND = "entity matcher (cross-encoder fine-tuned from all-MiniLM-L6-v2)"


def save_matcher(
    matcher: Any,
    name: str,
    root: Path,
    *,
    data: dict[str, Any],
    test: PairScores | None,
    options: dict[str, Any],
) -> Path:
    """Write the matcher and its metadata (validation and, when given, test scores)."""
    from stocktake.models import registry

    kind = CROSS_KIND if getattr(matcher, "kind", "") == "cross" else FEATURES_KIND
    metrics: dict[str, Any] = {"validation": matcher.validation.as_dict() if matcher.validation else None}
    if test is not None:
        metrics["test"] = test.as_dict()
    key = test or matcher.validation
    payload = {
        "kind": kind,
        "description": "record pair -> same entity? threshold chosen on validation F1",
        "data": data,
        "options": {**options, **matcher.config()},
        "training": {"seconds": round(matcher.seconds, 3)},
        "metrics": metrics,
        "key_metric": {
            "name": "test_f1" if test is not None else "validation_f1",
            "value": key.f1 if key else 0.0,
        },
    }
    return registry.save(root, name, payload, matcher.save)


def load_matcher(ref: str, root: Path) -> Any:
    """The saved matcher `ref` (``NAME`` = newest version); a model of another kind is refused."""
    from stocktake.models import registry

    saved = registry.resolve(ref, root)
    if saved.kind == FEATURES_KIND:
        from stocktake.matching.feature_matcher import FeatureMatcher

        return FeatureMatcher.load(saved.path)
    if saved.kind == CROSS_KIND:
        from stocktake.matching.cross import load_cross_matcher

        return load_cross_matcher(saved.path)
    raise UsageError(f"model {ref!r} is a {saved.short_kind}, not an entity matcher")


__all__ = ["CROSS_KIND", "FEATURES_KIND", "load_matcher", "save_matcher"]
