"""Measure the semantic type classifier on the hand-labelled real columns (tests/data/semantic_columns.csv).

Prints accuracy overall, per source group and per language (Chinese separately), then the
confusion list of misses. The scanned profiles can be cached between runs (--cache), since
scanning the shared data takes longer than classifying it. Another label file over another
data folder (the fresh set, tests/data/semantic_columns_fresh.csv, over the folder that
scripts/fresh_semantic_columns.py prints) is measured with --labels and --data, or with
--fresh. --half picks the fresh set's development or test half (split by package, see
tests/data/README.md); the test half's misses are not printed, since nobody reads them.

    .venv/bin/python scripts/eval_semantic_types.py [--encoder|--no-encoder] [--threshold 0.35]
        [--labels FILE] [--data DIR | --fresh [--half development|test]] [--cache FILE]
"""

from __future__ import annotations

import argparse
import csv
import pickle
import time
from pathlib import Path

from fresh_semantic_columns import DEVELOPMENT_PACKAGES, FRESH_DATA

from stocktake.core.records import ColumnProfile
from stocktake.pipeline import ScanOptions, scan
from stocktake.semantics.semantic_types import DEFAULT_THRESHOLD, classify_many
from stocktake.semantics.type_accuracy import score_decisions

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "tests" / "data" / "semantic_columns.csv"
SHARED_DATA = ROOT.parent / "shared" / "data"
FRESH_LABELS = LABELS.with_name("semantic_columns_fresh.csv")


def in_half(row: dict[str, str], half: str | None) -> bool:
    if half is None:
        return True
    return (row["source_path"].split("/", 1)[0] in DEVELOPMENT_PACKAGES) == (half == "development")


def labelled_profiles(
    cache: Path | None, labels: Path = LABELS, data: Path = SHARED_DATA, half: str | None = None
) -> list[tuple[ColumnProfile, dict[str, str]]]:
    """(profile, label row) for every labelled column, scanning each top folder of the data once.

    The cache holds profiles keyed by (data folder, source path, column), so runs over
    different data folders can share one cache file without mixing.
    """
    with labels.open(newline="", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if in_half(row, half)]
    root = str(data.resolve())
    cached: dict[tuple[str, ...], ColumnProfile] = {}
    if cache is not None and cache.exists():
        cached = pickle.loads(cache.read_bytes())
        # caches written before the data folder was part of the key belong to the shared data
        legacy = str(SHARED_DATA.resolve())
        cached = {(key if len(key) == 3 else (legacy, *key)): p for key, p in cached.items()}
    profiles = {(key[1], key[2]): p for key, p in cached.items() if key[0] == root}
    wanted = {r["source_path"].split("/", 1)[0] for r in rows}
    done = {key[0].split("/", 1)[0] for key in profiles}
    options = ScanOptions(findings=False, relationships=False, suggest=False, semantic_types="off")
    for folder in sorted(wanted - done):
        run = scan([str(data / folder)], options)
        location = {a.id: Path(a.location).resolve().relative_to(data.resolve()) for a in run.assets}
        profiles |= {(str(location[p.asset]), p.column): p for p in run.profiles}
    if cache is not None:
        cached |= {(root, *key): p for key, p in profiles.items()}
        cache.write_bytes(pickle.dumps(cached))
    return [(profiles[(r["source_path"], r["column"])], r) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--cache", type=Path, help="pickle of the scanned profiles, reused when present")
    parser.add_argument(
        "--labels", type=Path, default=LABELS, help="hand-labelled columns (default: %(default)s)"
    )
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA, help="folder the labels' source_path is relative to"
    )
    parser.add_argument("--fresh", action="store_true", help="the fresh set: its labels over its data folder")
    parser.add_argument("--half", choices=("development", "test"), help="one half of the fresh set")
    args = parser.parse_args()
    if args.half and not args.fresh:
        parser.error("--half needs --fresh")
    if args.fresh:
        args.labels, args.data = FRESH_LABELS, FRESH_DATA
        if not args.data.is_dir():
            parser.error(f"{args.data} is missing: run scripts/fresh_semantic_columns.py first")
    labelled = labelled_profiles(args.cache, args.labels, args.data, args.half)
    started = time.perf_counter()
    decisions = classify_many(
        [(p.column, p, None) for p, _ in labelled], threshold=args.threshold, use_encoder=args.encoder
    )
    seconds = time.perf_counter() - started
    accuracy = score_decisions([row for _, row in labelled], decisions)
    print("\n".join(accuracy.lines()))
    print(f"classified {len(decisions)} columns in {seconds:.2f} s (threshold {args.threshold})")
    if args.half == "test":
        print(f"misses: {len(accuracy.misses)} (not printed: the test half's misses are not read)")
    else:
        print("misses:\n" + "\n".join(accuracy.misses))


if __name__ == "__main__":
    main()
