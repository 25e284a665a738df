"""Score semantic-type decisions against hand labels: accuracy per group and the list of misses.

Shared by the accuracy test (tests/semantics) and scripts/eval_semantic_types.py. A label row has
`semantic_type`, `language`, `source_path` and `column` (tests/data/semantic_columns.csv).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from stocktake.semantics.semantic_types import Decision


@dataclass
class TypeAccuracy:
    hits: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def share(self, group: str = "all") -> float:
        return self.hits[group] / self.totals[group] if self.totals[group] else 0.0

    def lines(self) -> list[str]:
        return [f"{g}: {self.hits[g]}/{self.totals[g]} = {self.share(g):.3f}" for g in sorted(self.totals)]


def score_decisions(labels: Sequence[Mapping[str, str]], decisions: Sequence[Decision]) -> TypeAccuracy:
    """Overall ('all'), per language and per source folder."""
    out = TypeAccuracy()
    for row, decision in zip(labels, decisions, strict=True):
        right = decision.semantic_type == row["semantic_type"]
        for group in ("all", f"language {row['language']}", row["source_path"].rsplit("/", 1)[0]):
            out.totals[group] += 1
            out.hits[group] += right
        if not right:
            out.misses.append(
                f"{row['source_path']} {row['column']}: {row['semantic_type']} -> "
                f"{decision.semantic_type} ({decision.confidence:.2f})"
            )
    return out
