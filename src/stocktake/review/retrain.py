"""`train from-reviews` as a library call: learn from a run's verdicts, save, and load for the next scan.

Learned thresholds are saved with the model registry (stocktake.models.registry) as the model
`record-thresholds` in the models folder that belongs to the catalog: `models/` next to a SQLite
catalog file (so the default `.stocktake/catalog.db` pairs with `.stocktake/models`), else
`.stocktake/models`. A scan against that catalog loads the newest version (load_tuning).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stocktake.detection.row_scores import Tuning
from stocktake.review.learn import HELD_OUT, Lessons, learn

if TYPE_CHECKING:
    from stocktake.catalog import Catalog

MODEL_NAME = "record-thresholds"
KIND = "record detector thresholds (learned from reviews)"


def models_dir_for(catalog_url: str | None) -> Path:
    """`models/` beside a SQLite catalog file; the registry's default for any other catalog."""
    from stocktake.catalog.connect import parse_catalog_url
    from stocktake.models.registry import DEFAULT_MODELS_DIR

    target = parse_catalog_url(catalog_url)
    return target.sqlite_path.parent / "models" if target.sqlite_path is not None else DEFAULT_MODELS_DIR


@dataclass
class RetrainResult:
    lessons: Lessons
    saved: Path | None  # None when no detector had labelled rows
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.lessons.run_id,
            "saved": str(self.saved) if self.saved else None,
            "thresholds": self.lessons.thresholds,
            "detectors": [d.to_dict() for d in self.lessons.detectors],
            "unscored_verdicts": self.lessons.unscored,
            "suppressed": self.lessons.suppressed,
            "notes": self.notes,
        }


def train_from_reviews(
    catalog: Catalog,
    run_ref: str = "latest",
    models_dir: Path | None = None,
    held_out: float = HELD_OUT,
    seed: int = 0,
) -> RetrainResult:
    """Learn each record detector's threshold from the verdicts on `run_ref` and save them."""
    from stocktake.core.errors import UsageError
    from stocktake.models import registry
    from stocktake.review import apply_verdicts

    if not 0.0 <= held_out < 1.0:
        raise UsageError(f"--held-out must be at least 0 and below 1, got {held_out}")
    run = apply_verdicts(catalog, catalog.get_run(run_ref))
    lessons = learn(catalog, run, held_out, seed)
    result = RetrainResult(lessons, None)
    root = models_dir or registry.DEFAULT_MODELS_DIR
    if lessons.detectors or lessons.labels:
        previous = load_tuning(root)
        thresholds = {**(previous.thresholds if previous else {}), **lessons.thresholds}
        labels = {k: dict(v) for k, v in (previous.labels if previous else {}).items()}
        for check, known in lessons.labels.items():
            labels.setdefault(check, {}).update(known)
        after = [d.after.f1 for d in lessons.detectors if d.after.f1 is not None]
        payload = {
            "kind": KIND,
            "run": run.id,
            "thresholds": thresholds,
            "labels": labels,
            "detectors": [d.to_dict() for d in lessons.detectors],
            "suppressed": lessons.suppressed,
            "options": {"held_out": held_out, "seed": seed},
            "key_metric": {"name": "held_out_f1", "value": sum(after) / len(after) if after else None},
        }
        result.saved = registry.save(root, MODEL_NAME, payload)
    else:
        result.notes.append("no row verdicts on scored rows of a record detector: thresholds unchanged")
    result.notes.append(
        "category model: the detector relearns title -> category from each scan's own rows; "
        "reviews tune its mismatch threshold (above)"
    )
    if importlib.util.find_spec("stocktake.matching") is None:
        result.notes.append("matcher: stocktake.matching is not installed here; skipped")
    else:
        result.notes.append(
            "matcher: pair verdicts train a matcher with `stocktake train matcher --from-reviews`; skipped here"
        )
    return result


def load_tuning(models_dir: Path | None = None) -> Tuning | None:
    """The newest saved thresholds under `models_dir`, or None when reviews never tuned any."""
    from stocktake.core.errors import SourceNotFoundError
    from stocktake.models import registry

    try:
        saved = registry.resolve(MODEL_NAME, models_dir or registry.DEFAULT_MODELS_DIR)
    except SourceNotFoundError:
        return None
    raw = saved.metadata.get("thresholds")
    if not isinstance(raw, dict):
        return None
    thresholds = {str(k): float(v) for k, v in raw.items() if isinstance(v, int | float)}
    stored = saved.metadata.get("labels")
    labels = {
        str(check): {str(k): bool(v) for k, v in known.items()}
        for check, known in (stored.items() if isinstance(stored, dict) else [])
        if isinstance(known, dict)
    }
    return Tuning(thresholds, labels, source=f"{saved.name}/{saved.version}")
