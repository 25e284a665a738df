"""Lay out the entity-relationship diagram of discovered keys (drawn by charts.er_diagram).

Layered, left to right: an asset that references nothing (a dimension: users, products) sits in
the first column, an asset that references it one column to the right, and so on, so arrows from
child to parent mostly point left. Within a column, assets are ordered by where their parents are
(one barycentre pass), which removes most crossings in the star and chain shapes estates have.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from stocktake.core.records import Asset, Relationship
from stocktake.report.fmt import fmt_pct
from stocktake.report.tree import ErDiagram, ErEdge, ErNode

NODE_WIDTH = 190
COLUMN_GAP = 110
HEADER = 24
KEY_ROW = 15
ROW_GAP = 22
PAD = 10
MAX_KEYS = 6  # key rows shown per asset; more are summarised in the last row
MAX_NODES = 80  # beyond this a diagram stops being readable: the most connected are drawn


def _levels(nodes: list[str], parents: dict[str, set[str]]) -> dict[str, int]:
    level = dict.fromkeys(nodes, 0)
    for _ in range(len(nodes)):  # longest path; the bound also stops on cycles
        changed = False
        for node in nodes:
            want = 1 + max((level[p] for p in parents[node] if p != node), default=-1)
            if want > level[node] and want < len(nodes):
                level[node], changed = want, True
        if not changed:
            break
    return level


def layout_erd(
    assets: list[Asset], relationships: list[Relationship], anchor_of: Callable[[str], str]
) -> ErDiagram | None:
    names = {a.id: a.name for a in assets}
    rels = [r for r in relationships if r.from_asset in names and r.to_asset in names]
    if not rels:
        return None
    degree: dict[str, int] = defaultdict(int)
    for r in rels:
        degree[r.from_asset] += 1
        degree[r.to_asset] += 1
    ranked = sorted(degree, key=lambda a: (-degree[a], names[a], a))
    drawn = set(ranked[:MAX_NODES])
    rels = [r for r in rels if r.from_asset in drawn and r.to_asset in drawn]
    nodes = sorted(drawn, key=lambda a: (names[a], a))
    parents: dict[str, set[str]] = defaultdict(set)
    keys: dict[str, list[str]] = defaultdict(list)
    for r in rels:
        parents[r.from_asset].add(r.to_asset)
        for asset, cols in ((r.from_asset, r.from_columns), (r.to_asset, r.to_columns)):
            label = ", ".join(cols)
            if label not in keys[asset]:
                keys[asset].append(label)
    level = _levels(nodes, parents)

    columns: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        columns[level[node]].append(node)
    placed_y: dict[str, float] = {}
    boxes: dict[str, ErNode] = {}
    height = 0.0
    for lvl in sorted(columns):
        members = columns[lvl]
        # Barycentre of the parents already placed; roots keep name order.
        members.sort(
            key=lambda n: (
                sum(placed_y[p] for p in parents[n] if p in placed_y)
                / max(1, sum(1 for p in parents[n] if p in placed_y)),
                names[n],
            )
        )
        y = PAD
        x = PAD + lvl * (NODE_WIDTH + COLUMN_GAP)
        for node in members:
            shown = keys[node][:MAX_KEYS]
            if len(keys[node]) > MAX_KEYS:
                shown = [*shown[: MAX_KEYS - 1], f"+ {len(keys[node]) - MAX_KEYS + 1} more"]
            h = HEADER + KEY_ROW * len(shown) + 6
            boxes[node] = ErNode(anchor_of(node), names[node], shown, x, y, NODE_WIDTH, h)
            placed_y[node] = y + h / 2
            y += h + ROW_GAP
        height = max(height, y)

    edges = []
    for r in sorted(rels, key=lambda r: (names[r.from_asset], r.from_columns, names[r.to_asset])):
        child, parent = boxes[r.from_asset], boxes[r.to_asset]
        cy = _key_y(child, ", ".join(r.from_columns))
        py = _key_y(parent, ", ".join(r.to_columns))
        if child.x > parent.x:  # the usual case: child to the right, arrow into the parent's right side
            x1, x2 = child.x, parent.x + parent.width
        elif child.x < parent.x:
            x1, x2 = child.x + child.width, parent.x
        else:  # same column (a cycle or a self-reference): loop out to the right
            x1 = x2 = child.x + child.width
        bend = max(40.0, abs(x1 - x2) / 2)
        c1 = x1 - bend if x1 > x2 else x1 + bend
        c2 = x2 + bend if x1 >= x2 else x2 - bend
        path = f"M{x1:.0f} {cy:.0f}C{c1:.0f} {cy:.0f} {c2:.0f} {py:.0f} {x2:.0f} {py:.0f}"
        edges.append(
            ErEdge(
                child=child.anchor,
                parent=parent.anchor,
                label=f"{child.name}.{', '.join(r.from_columns)} → {parent.name}.{', '.join(r.to_columns)}",
                coverage=fmt_pct(r.coverage),
                path=path,
                weak=r.coverage < 1.0,
            )
        )
    width = PAD * 2 + (max(level.values()) + 1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP
    return ErDiagram(
        nodes=[boxes[n] for n in nodes],
        edges=edges,
        width=width,
        height=height - ROW_GAP + PAD,
        left_off=len(degree) - len(drawn),
    )


def _key_y(node: ErNode, key: str) -> float:
    try:
        row = node.keys.index(key)
    except ValueError:
        row = len(node.keys) - 1
    return node.y + HEADER + KEY_ROW * row + KEY_ROW / 2
