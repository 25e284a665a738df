"""LabelOracle: the budget is the only way to the clean values, and it is enforced."""

from __future__ import annotations

import pytest

from stocktake.core.errors import UsageError
from stocktake.detection import LabelBudgetExceeded, LabelOracle, StringTable

CLEAN = [["1", "a"], ["2", "b"], ["3", "c"]]


def test_reveals_and_counts_distinct_tuples():
    oracle = LabelOracle(CLEAN, budget=2)
    assert oracle.reveal(1) == ["2", "b"]
    assert oracle.reveal(1) == ["2", "b"]  # asking again costs nothing
    assert oracle.revealed == 1 and oracle.remaining == 1
    oracle.reveal(0)
    assert oracle.revealed_rows == [1, 0]


def test_refuses_beyond_the_budget():
    oracle = LabelOracle(CLEAN, budget=1)
    oracle.reveal(2)
    with pytest.raises(LabelBudgetExceeded, match="budget of 1"):
        oracle.reveal(0)
    assert oracle.revealed == 1


def test_returned_rows_are_copies():
    oracle = LabelOracle(CLEAN, budget=3)
    oracle.reveal(0)[1] = "tampered"
    assert oracle.reveal(0) == ["1", "a"]


def test_rejects_bad_rows_and_shapes():
    oracle = LabelOracle(CLEAN, budget=3)
    with pytest.raises(UsageError):
        oracle.reveal(3)
    with pytest.raises(UsageError, match="rows"):
        oracle.check_shape(StringTable(["x", "y"], [["1", "a"]]))
    with pytest.raises(UsageError, match="columns"):
        oracle.check_shape(StringTable(["x"], [["1"], ["2"], ["3"]]))
    with pytest.raises(UsageError):
        LabelOracle(CLEAN, budget=-1)
