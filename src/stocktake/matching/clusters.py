"""Groups of records that describe one entity, from scored pairs.

`connected_components` joins records linked by any chain of matches: one wrong pair merges two
products, and on noisy pairs whole categories chain together. `average_linkage` merges two groups
only while the mean score over *all* their cross pairs (a pair never scored counts as 0) stays at
or above a threshold, so a single stray edge cannot join two large groups.
"""

from __future__ import annotations

import heapq
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


def average_linkage(n: int, edges: Iterable[tuple[int, int, float]], threshold: float) -> list[list[int]]:
    """Agglomerative clustering of `n` records with average linkage over a sparse score graph.

    `edges` are (i, j, score); pairs not given score 0. Repeatedly merges the two groups with the
    highest mean cross-pair score while it is at least `threshold`. Groups of two or more are
    returned as `connected_components` returns them. Cost: about one heap push per edge and merge."""
    links: list[dict[int, float]] = [{} for _ in range(n)]  # group -> neighbour group -> score sum
    for i, j, score in edges:
        if i != j and score > 0:
            links[i][j] = links[i].get(j, 0.0) + score
            links[j][i] = links[j].get(i, 0.0) + score
    size = [1] * n
    members: list[list[int]] = [[i] for i in range(n)]
    version = [0] * n
    heap = [
        (-total, i, j, 0, 0)
        for i in range(n)
        for j, total in links[i].items()
        if i < j and total >= threshold
    ]
    heapq.heapify(heap)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)  # ties go to the lowest ids, not to versions
        if version[a] != va or version[b] != vb or not members[a] or not members[b]:
            continue  # stale: one side has grown (its entry was pushed again) or is gone
        if len(links[a]) < len(links[b]):
            a, b = b, a  # fold the group with fewer neighbours into the other
        for c, total in links[b].items():
            del links[c][b]
            if c != a:
                links[a][c] = links[a].get(c, 0.0) + total
                links[c][a] = links[a][c]
        links[a].pop(b, None)
        links[b] = {}
        size[a] += size[b]
        members[a].extend(members[b])
        members[b] = []
        version[a] += 1
        version[b] += 1
        for c, total in links[a].items():
            mean = total / (size[a] * size[c])
            if mean >= threshold:
                lo, hi = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-mean, lo, hi, version[lo], version[hi]))
    groups = [sorted(g) for g in members if len(g) > 1]
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def pairs_within(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    """Every (i, j), i < j, of records in one group: the pairwise truth of a clustering."""
    out: set[tuple[int, int]] = set()
    for group in groups:
        members = sorted(group)
        out.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    return out


__all__ = ["average_linkage", "connected_components", "pairs_within"]
