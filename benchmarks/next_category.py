"""Next category of interest on a real behaviour log: accuracy@1/@5 against "the user's most frequent".

    .venv/bin/python benchmarks/next_category.py --data ../shared/data/behavior/taobao-userbehavior \
        [--rows 1000000]

DIR holds one headerless CSV of user, item, category, behaviour, Unix time (Taobao UserBehavior's
layout; --columns names other positions). Per user, events in time order become a category
sequence with consecutive repeats collapsed (stocktake.models.next_category). Test: each user's
last category given everything before it; the model is fitted on the sequences without their
last element, so no test target is ever seen. The blend weight and decay are chosen on the
second-to-last element (validation) in the same way. Baseline: the user's most frequent earlier
categories (ties: the most recent), then global popularity; like the model, it never proposes
the category the user is in now.
Last line: ``acc1=… acc5=… baseline_acc1=… baseline_acc5=… users=… seconds=…``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from stocktake.models.next_category import NextCategoryModel, collapse


def load(folder: Path, rows: int, cols: tuple[int, int, int]) -> dict[str, list[str]]:
    files = sorted(folder.glob("*.csv"))
    if len(files) != 1:
        sys.exit(f"expected one CSV in {folder}, found {len(files)}")
    user_i, cat_i, time_i = cols
    events: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    with files[0].open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.reader(handle)):
            if n >= rows:
                break
            if len(row) <= max(cols) or not row[time_i].strip().isdigit():
                continue  # the file's last line is cut off
            events[row[user_i]].append((int(row[time_i]), n, row[cat_i]))
    return {u: collapse(c for _, _, c in sorted(e)) for u, e in events.items()}


def baseline(history: list, popular: list, k: int) -> list:
    current = history[-1]
    seen = Counter(history)
    last = {c: i for i, c in enumerate(history)}
    ranked = sorted((c for c in seen if c != current), key=lambda c: (-seen[c], -last[c]))
    ranked += [c for c in popular if c not in seen and c != current]
    return ranked[:k]


def evaluate(
    seqs: dict[str, list], cut: int, weight: float, decay: float
) -> tuple[float, float, float, float, int]:
    """Predict element -cut of every long enough sequence from the elements before it."""
    train = [s[:-cut] for s in seqs.values() if len(s) > cut]
    model = NextCategoryModel(weight, decay).fit(train)
    popular = [c for c, _ in Counter(c for s in train for c in s).most_common(10)]
    hits = [0, 0, 0, 0]
    users = 0
    for s in seqs.values():
        if len(s) < cut + 2:
            continue
        history, target = s[: len(s) - cut], s[len(s) - cut]
        users += 1
        mine, base = model.predict(history, 5), baseline(history, popular, 5)
        hits[0] += mine[:1] == [target]
        hits[1] += target in mine
        hits[2] += base[:1] == [target]
        hits[3] += target in base
    return (*(h / max(users, 1) for h in hits), users)  # type: ignore[return-value]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--rows", type=int, default=1_000_000, help="read at most this many events")
    ap.add_argument("--columns", default="0,2,4", help="positions of user, category, time")
    args = ap.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no such folder: {args.data}")
    start = time.perf_counter()
    cols = tuple(int(c) for c in args.columns.split(","))
    seqs = load(args.data, args.rows, cols)  # type: ignore[arg-type]
    print(
        f"{args.data}: {len(seqs):,} users, {sum(map(len, seqs.values())):,} category steps (repeats collapsed)"
    )
    grid = [(w, d) for w in (0.0, 0.25, 0.5, 0.75, 1.0) for d in (0.5, 0.7, 0.9)]
    scored = {(w, d): evaluate(seqs, 2, w, d) for w, d in grid}
    weight, decay = max(grid, key=lambda g: (scored[g][1], scored[g][0]))
    print(f"validation (second-to-last step): best markov_weight={weight} decay={decay} "
          f"acc5={scored[(weight, decay)][1]:.3f}")  # fmt: skip
    acc1, acc5, base1, base5, users = evaluate(seqs, 1, weight, decay)
    seconds = time.perf_counter() - start
    print(f"test (last step), {users} users: model acc@1={acc1:.3f} acc@5={acc5:.3f}; "
          f"most-frequent baseline acc@1={base1:.3f} acc@5={base5:.3f}; "
          f"ratio acc@5 {acc5 / base5 if base5 else float('nan'):.2f}x")  # fmt: skip
    print(f"acc1={acc1:.4f} acc5={acc5:.4f} baseline_acc1={base1:.4f} baseline_acc5={base5:.4f} "
          f"users={users} seconds={seconds:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
