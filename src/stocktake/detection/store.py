"""Run metadata of a detector under ``.stocktake/models/NAME/VERSION/metadata.json``.

The detector is fitted per table (its features are that table's statistics), so there is
no reusable model file to save; what is kept is everything needed to reproduce and audit a
run: options, which tuples were revealed, label counts, timings and library versions.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from stocktake.atomic import write_text_atomic
from stocktake.detection.api import DetectionResult
from stocktake.models.registry import DEFAULT_MODELS_DIR
from stocktake.models.registry import package_version as _version

KIND = {
    "gbm": "per-table cell error detector (features + gradient-boosted trees, log loss)",
    "transformer": "per-table cell error detector (MiniLM fine-tuned with BCE on serialised cells)",
    "both": "per-table cell error detector (gradient-boosted trees, uncertain cells re-scored by fine-tuned MiniLM)",
}


def model_name(table_name: str) -> str:
    """``errors-<table stem>``, reduced to characters safe in a folder name."""
    return "errors-" + (re.sub(r"[^A-Za-z0-9_.-]+", "_", table_name).strip("._") or "table")


def save_run(result: DetectionResult, table_name: str, root: Path = DEFAULT_MODELS_DIR) -> Path:
    """Write metadata.json for this run under root/NAME/VERSION and return that folder."""
    version = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-seed{result.options.get('seed', 0)}"
    folder = root / model_name(table_name) / version
    suffix = 1
    while folder.exists():  # two runs in one second: keep both
        suffix += 1
        folder = root / model_name(table_name) / f"{version}-{suffix}"
    folder.mkdir(parents=True)
    flagged = len(result.cells)
    scores = result.scores
    payload = {
        "name": model_name(table_name),
        "version": folder.name,
        "kind": KIND[result.options.get("head", "gbm")],
        "table": table_name,
        "budget": result.budget,
        "revealed_tuples": result.revealed,
        "labelled_rows": result.labelled_rows,
        "options": result.options,
        "metrics": {
            "flagged_cells": flagged,
            "flagged_share": flagged / scores.size if scores is not None and scores.size else 0.0,
            "seconds": round(result.seconds, 3),
        },
        "versions": {
            p: _version(p)
            for p in ("stocktake", "numpy", "scikit-learn", "scipy", "torch", "transformers", "peft")
        },
    }
    write_text_atomic(folder / "metadata.json", json.dumps(payload, indent=2, default=str) + "\n")
    return folder
