"""Few-label cell error detection on a dirty/clean table pair, over several seeds.

    .venv/bin/python benchmarks/error_detection.py --data ../shared/data/error-detection/hospital \
        [--budget 20] [--seeds 10] [--encoder off|fast|full]
        [--no-dependency-labels] [--no-cluster-labels] [--model-only]   # ablations
        [--head gbm|transformer|both] [--device auto|cpu|cuda] [--full-finetune]
        [--train-examples N] [--epochs N]   # the fine-tuned transformer head

DIR must hold dirty.csv and clean.csv (same shape, compared by position). Each seed runs the
whole detector (select tuples -> oracle -> propagate -> train -> flag) on a fresh
LabelOracle holding clean.csv with the given budget, then scores the flagged cells against
dirty != clean. Also run, once: an unsupervised baseline in this script, which flags every
cell that disagrees with the majority value among rows sharing its strongest determinant
column's value (no labels), so the detector's F1 is also printed as a ratio to it.
The last line is ``f1=… precision=… recall=… seconds=…``: means over the seeds, and the
wall seconds of all seeds together.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from stocktake.detection import LabelOracle, detect_cell_errors, read_csv_strings
from stocktake.detection.evaluate import score_cells, true_errors
from stocktake.detection.features import table_features
from stocktake.detection.transformer_head import TransformerHeadOptions
from stocktake.models.finetune_settings import FineTuneSettings

# Published figures to print beside ours (Raha, SIGMOD 2019, Table 5: 20 labelled tuples,
# mean of 10 runs), keyed by the data folder's name; display only.
PUBLISHED = {"hospital": (0.94, 0.59, 0.72), "flights": (0.82, 0.81, 0.81)}


def baseline_flags(dirty) -> set[tuple[int, int]]:
    features = table_features(dirty)
    flagged: set[tuple[int, int]] = set()
    for det in features.determinants:
        if det.stats is not None:
            rows = np.flatnonzero(~det.stats.agrees & (det.stats.group_size >= 2))
            flagged.update((int(i), det.target) for i in rows)
    return flagged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with dirty.csv and clean.csv")
    parser.add_argument("--budget", type=int, default=20, help="labelled tuples per run (default 20)")
    parser.add_argument("--seeds", type=int, default=10, help="runs, with seeds 0..N-1 (default 10)")
    parser.add_argument("--encoder", choices=["off", "fast", "full"], default="off", help="encoder features")
    parser.add_argument(
        "--no-dependency-labels", action="store_true", help="ablation: no dependency propagation"
    )
    parser.add_argument("--no-cluster-labels", action="store_true", help="ablation: no cluster propagation")
    parser.add_argument(
        "--model-only",
        action="store_true",
        help="ablation: propagated labels only train the classifier, never override its flags",
    )
    parser.add_argument(
        "--head", choices=["gbm", "transformer", "both"], default="gbm", help="classifier head"
    )
    parser.add_argument(
        "--device", choices=["auto", "cpu", "cuda"], default="auto", help="transformer device"
    )
    parser.add_argument("--full-finetune", action="store_true", help="train every weight, not LoRA adapters")
    parser.add_argument("--train-examples", type=int, default=128, help="transformer training texts (cap)")
    parser.add_argument("--epochs", type=int, default=2, help="transformer fine-tuning epochs")
    args = parser.parse_args(argv)
    head_options = TransformerHeadOptions(
        max_examples=args.train_examples,
        finetune=FineTuneSettings(epochs=args.epochs, lora=not args.full_finetune, device=args.device),
    )
    dirty = read_csv_strings(args.data / "dirty.csv")
    clean = read_csv_strings(args.data / "clean.csv")
    errors = true_errors(dirty, clean)
    print(f"{args.data}: {dirty.n_rows} rows x {dirty.n_cols} columns, {len(errors)} erroneous cells")

    started = time.perf_counter()
    base = score_cells(baseline_flags(dirty), errors)
    base_seconds = time.perf_counter() - started
    print(
        f"baseline (determinant-majority rule, no labels): P={base.precision:.3f} R={base.recall:.3f} "
        f"F1={base.f1:.3f} in {base_seconds:.1f}s"
    )

    runs = []
    started = time.perf_counter()
    for seed in range(args.seeds):
        oracle = LabelOracle(clean.rows, args.budget)
        result = detect_cell_errors(
            dirty,
            oracle,
            args.budget,
            seed,
            use_encoder=args.encoder != "off",
            encoder_mode="fast" if args.encoder == "off" else args.encoder,
            dependency_propagation=not args.no_dependency_labels,
            cluster_propagation=not args.no_cluster_labels,
            trust_dependencies=not args.model_only,
            head=args.head,
            transformer=head_options,
        )
        s = score_cells(result.flagged(), errors)
        runs.append((s.precision, s.recall, s.f1, result.seconds))
        head = result.options.get("transformer")
        speed = (
            f" head: {head['train_examples']} texts x {args.epochs} epochs at {head['examples_per_second']:.1f}"
            f" ex/s ({head['device']}, {head['precision']}, {'LoRA' if head['lora'] else 'full'}),"
            f" {head['rescored_cells']} cells re-scored in {head['score_seconds']:.1f}s"
            if head
            else ""
        )
        print(
            f"seed {seed}: P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f} "
            f"flagged={s.flagged} revealed={result.revealed}/{args.budget} {result.seconds:.1f}s{speed}",
            flush=True,
        )
    total = time.perf_counter() - started
    p, r, f, t = (np.array(col) for col in zip(*runs, strict=True))
    std = statistics.pstdev if len(runs) > 1 else (lambda _: 0.0)
    print(
        f"mean over {len(runs)} seeds: P={p.mean():.3f}±{std(p):.3f} R={r.mean():.3f}±{std(r):.3f} "
        f"F1={f.mean():.3f}±{std(f):.3f}; {t.mean():.1f}s per seed, {total:.1f}s in all"
    )
    print(f"F1 vs baseline: {f.mean() / base.f1:.2f}x" if base.f1 else "F1 vs baseline: baseline F1 is 0")
    if args.data.name in PUBLISHED:
        rp, rr, rf = PUBLISHED[args.data.name]
        print(
            f"Raha (published, 20 tuples): P={rp:.2f} R={rr:.2f} F1={rf:.2f}; ours/Raha F1 {f.mean() / rf:.2f}x"
        )
    print(f"f1={f.mean():.4f} precision={p.mean():.4f} recall={r.mean():.4f} seconds={total:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
