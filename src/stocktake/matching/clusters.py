"""Connected components of matched pairs: records linked by any chain of matches form one entity."""

from __future__ import annotations

from collections.abc import Iterable


def connected_components(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Groups of two or more of the `n` records, each sorted, largest group first."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving keeps the trees flat
            i = parent[i]
        return i

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: (-len(g), g[0]))


def pairs_within(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Every (i, j), i < j, of records in one group: the pairwise truth of a clustering."""
    out: set[tuple[int, int]] = set()
    for group in groups:
        members = sorted(group)
        out.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    return out


__all__ = ["connected_components", "pairs_within"]
