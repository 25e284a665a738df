"""The public benchmark pairs (../shared/data/error-detection), one seed each: slow, opt-in."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="needs the [detect] extra")

from stocktake.detection import LabelOracle, detect_cell_errors, read_csv_strings
from stocktake.detection.evaluate import score_cells, true_errors

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "error-detection"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["hospital", "flights"])
def test_twenty_labels_beat_raha(name):
    folder = DATA / name
    if not (folder / "dirty.csv").exists():
        pytest.skip(f"{folder} is absent (shared benchmark data)")
    dirty, clean = read_csv_strings(folder / "dirty.csv"), read_csv_strings(folder / "clean.csv")
    oracle = LabelOracle(clean.rows, 20)
    result = detect_cell_errors(dirty, oracle, budget=20, seed=0)
    assert oracle.revealed == 20
    # Raha's published F1 with 20 tuples: 0.72 (hospital), 0.81 (flights).
    assert score_cells(result.flagged(), true_errors(dirty, clean)).f1 >= 0.85
