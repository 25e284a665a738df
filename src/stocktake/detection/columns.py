"""Integer codes for string columns and the group statistics built on them.

Everything downstream works on codes (one int per distinct string of a column), so that
counting values, patterns and co-occurrences is a handful of numpy calls per column pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def encode(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes in first-seen order and the distinct strings they stand for."""
    position: dict[str, int] = {}
    codes = np.fromiter(
        (position.setdefault(v, len(position)) for v in values), dtype=np.int64, count=len(values)
    )
    return codes, list(position)


def share_of_own_value(codes: np.ndarray) -> np.ndarray:
    """For each row, how many rows (itself included) hold the same code."""
    return np.bincount(codes)[codes]


@dataclass(frozen=True)
class GroupStats:
    """How column ``target`` behaves inside the groups of rows that share a ``key`` value."""

    group_size: np.ndarray  # rows in this row's key group
    own_count: np.ndarray  # rows in the group holding this row's target value
    majority_count: np.ndarray  # count of the group's most common target value
    majority_code: np.ndarray  # that value's code (ties: the first seen)

    @property
    def agrees(self) -> np.ndarray:
        """Holds the group's majority value, and that majority is shared by more than one row."""
        return (self.own_count == self.majority_count) & ((self.majority_count > 1) | (self.group_size <= 1))

    @property
    def support(self) -> np.ndarray:
        """Share of the *other* rows of the group that hold the same value; 1 for lone rows."""
        others = self.group_size - 1
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(others > 0, (self.own_count - 1) / np.maximum(others, 1), 1.0)

    def strength(self) -> tuple[float, float]:
        """(mean support among rows in groups of 2+, share of such rows).

        Support, not "agrees with the majority": in a group of distinct values every value
        ties for the majority, which would make any unique column look determined.
        """
        shared = self.group_size >= 2
        coverage = float(shared.mean()) if len(shared) else 0.0
        if not shared.any():
            return 0.0, coverage
        return float(self.support[shared].mean()), coverage


def group_stats(key: np.ndarray, target: np.ndarray, weights: np.ndarray | None = None) -> GroupStats:
    """Group statistics of ``target`` codes within ``key`` groups, optionally weighted per row."""
    n_target = int(target.max()) + 1 if len(target) else 1
    pair = key * n_target + target
    uniq, inverse = np.unique(pair, return_inverse=True)
    w = np.ones(len(key)) if weights is None else weights
    pair_weight = np.bincount(inverse, weights=w, minlength=len(uniq))
    group_of_pair = uniq // n_target
    # Majority per key group: sort pairs by group, then by weight descending.
    order = np.lexsort((-pair_weight, group_of_pair))
    first = np.ones(len(order), dtype=bool)
    first[1:] = group_of_pair[order][1:] != group_of_pair[order][:-1]
    n_groups = int(key.max()) + 1 if len(key) else 1
    maj_weight = np.zeros(n_groups)
    maj_code = np.zeros(n_groups, dtype=np.int64)
    maj_weight[group_of_pair[order][first]] = pair_weight[order][first]
    maj_code[group_of_pair[order][first]] = uniq[order][first] % n_target
    group_weight = np.bincount(key, weights=w, minlength=n_groups)
    return GroupStats(
        group_size=group_weight[key],
        own_count=pair_weight[inverse],
        majority_count=maj_weight[key],
        majority_code=maj_code[key],
    )
