"""A user's next category of interest from their behaviour sequence (seed §4.3, the recommendation case).

Sequences are a user's categories in time order with consecutive repeats collapsed, so "next"
means the next category the user moves to. A candidate's score blends a first-order Markov
transition probability from the current category (counted over every training sequence, add-one
smoothed towards global popularity) with the user's own recency-weighted category frequency.
The current category is never proposed: after collapsing, the next one always differs.

>>> model = NextCategoryModel().fit(train_sequences)      # doctest: +SKIP
>>> model.predict(["c12", "c7", "c12"], k=5)                 # doctest: +SKIP
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence


def collapse(categories: Iterable[Hashable]) -> list[Hashable]:
    """Drop consecutive repeats: a b b a c c -> a b a c."""
    out: list[Hashable] = []
    for c in categories:
        if not out or out[-1] != c:
            out.append(c)
    return out


class NextCategoryModel:
    def __init__(self, markov_weight: float = 0.5, decay: float = 0.7) -> None:
        self.markov_weight = markov_weight  # 0: the user's own history only; 1: transitions only
        self.decay = decay  # weight of a category seen n steps ago: decay ** n
        self._next: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
        self._popular: Counter[Hashable] = Counter()

    def fit(self, sequences: Iterable[Sequence[Hashable]]) -> NextCategoryModel:
        for seq in sequences:
            self._popular.update(seq)
            for a, b in itertools.pairwise(seq):
                self._next[a][b] += 1
        return self

    def scores(self, history: Sequence[Hashable], pool: int = 50) -> dict[Hashable, float]:
        if not history:
            return {c: float(n) for c, n in self._popular.most_common(pool)}
        current = history[-1]
        own: dict[Hashable, float] = defaultdict(float)
        for steps, c in enumerate(reversed(history)):
            own[c] += self.decay**steps
        own_total = sum(v for c, v in own.items() if c != current) or 1.0
        after = self._next.get(current, Counter())
        after_total = sum(after.values())
        candidates = {c for c, _ in after.most_common(pool)} | set(own)
        if len(candidates) < pool:
            candidates |= {c for c, _ in self._popular.most_common(pool)}
        candidates.discard(current)
        popular_total = sum(self._popular.values()) or 1
        out = {}
        for c in candidates:
            prior = self._popular[c] / popular_total
            markov = (after[c] + prior) / (after_total + 1)
            out[c] = self.markov_weight * markov + (1 - self.markov_weight) * own.get(c, 0.0) / own_total
        return out

    def predict(self, history: Sequence[Hashable], k: int = 5) -> list[Hashable]:
        """The k most likely next categories after `history` (collapsed or not)."""
        ranked = self.scores(collapse(history))
        return [c for c, _ in sorted(ranked.items(), key=lambda kv: (-kv[1], str(kv[0])))[:k]]
