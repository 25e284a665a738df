"""The synthetic training columns (scripts/semantic_training_columns.py): complete and well named."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from semantic_training_columns import MAKERS, NAMES, style_name

from stocktake.core.semantic_types import SemanticType


def test_every_type_of_the_vocabulary_has_a_maker_and_names() -> None:
    assert set(MAKERS) == set(NAMES) == {t.value for t in SemanticType}


def test_keys_never_get_an_entity_prefix() -> None:
    rng = np.random.default_rng(0)
    names = {style_name(rng, "customer id", 0, headerless=0.0) for _ in range(200)}
    assert all(n.lower().replace("_", " ").startswith("customer") for n in names)
