"""One readable line per flagged cell: the evidence and the neighbours behind the flag."""

from __future__ import annotations

import numpy as np

from stocktake.detection.features import TableFeatures
from stocktake.detection.propagation import CLUSTER, DEPENDENCY, EXACT, Labels

NOTABLE_SOURCE_RATE = 0.2  # mention the row's source only when it is this error-prone
MAX_SHOWN = 60  # characters of a value quoted in an explanation


def _short(value: str) -> str:
    return repr(value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…")


def explain(
    features: TableFeatures,
    labels: Labels,
    scores: np.ndarray,
    row: int,
    j: int,
    source: int | None,
    typical: np.ndarray,
) -> str:
    """``typical`` is the per-column median feature vector, shape (n_cols, n_features)."""
    table = features.table
    header = table.header
    value = table.rows[row][j]
    code = features.values[j][row]
    parts: list[str] = []
    origin = labels.source[row, j]
    if origin == EXACT:
        parts.append("labelled erroneous by the oracle")
    elif origin == DEPENDENCY:
        parts.append(f"differs from the revealed value for its {header[labels.keys[j]]}")
    elif origin == CLUSTER:
        parts.append("clusters with cells labelled erroneous")
    count = int((features.values[j] == code).sum())
    parts.append(f"value seen {count}x in {header[j]}")
    ratio, neighbour = features.typo_hint[j].get(value, (0.0, ""))
    if neighbour:
        parts.append(f"one character from {_short(neighbour)} ({np.exp(ratio):.0f}x as common)")
    key = labels.keys[j] if labels.keys[j] is not None else features.determinants[j].key
    if key is not None:
        group = features.values[key] == features.values[key][row]
        peers = features.values[j][group]
        top = int(np.bincount(peers).argmax())
        if top != code:
            held = int((peers == top).sum())
            parts.append(
                f"rows with {header[key]}={_short(table.rows[row][key])} mostly hold "
                f"{_short(features.distinct[j][top])} ({held} of {int(group.sum())})"
            )
    if source is not None:
        rate = features.matrix[row, j, features.names.index("row_source_error_rate")]
        if rate >= NOTABLE_SOURCE_RATE:
            parts.append(
                f"rows with {header[source]}={_short(table.rows[row][source])} are wrong {rate:.0%} of the time"
            )
    names = features.names
    strongest = np.argsort(-np.abs(features.matrix[row, j] - typical[j]))[:3]
    parts.append("most unusual features: " + ", ".join(names[k] for k in strongest))
    parts.append(f"score {scores[row, j]:.2f}")
    return "; ".join(parts)
