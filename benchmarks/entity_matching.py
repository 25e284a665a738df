"""Entity matching on any Ditto-format folder: train on train, select on valid, F1 on test.

    .venv/bin/python benchmarks/entity_matching.py --data ../shared/data/entity-matching/abt-buy \
        [--seeds 3] [--matcher features|cross|both] [--device cpu|cuda] [--epochs N] [--encoder off|fast|full]
        [--no-context] [--no-realign]   # ablations of the feature matcher's two newest parts

Ditto's protocol: every choice (booster threshold, cross-encoder epoch, blend weight) is made on
valid.txt; test.txt is scored once per seed. Baseline in the same run: the zero-shot score
(no training) with its threshold chosen on valid. ``both`` blends the two trained matchers'
probabilities with a weight chosen on valid. Needs only stocktake, scikit-learn and, for the
cross-encoder, torch + transformers + the packaged MiniLM; ``--device cuda`` runs it on a GPU.
Last line: ``f1=… precision=… recall=… seconds=…`` — F1/precision/recall in 0-100 (as Ditto
reports), means over seeds; seconds = mean training time per seed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from stocktake.matching.ditto import load_split_dir
from stocktake.matching.metrics import PairScores, best_threshold, score_at
from stocktake.matching.training import as_pairs


def _zero_shot(splits: dict, encoder: str) -> PairScores:
    from stocktake.matching.zero_shot import ZeroShotMatcher

    valid, y_valid = as_pairs(splits["valid"])
    test, y_test = as_pairs(splits["test"])
    zero = ZeroShotMatcher(encoder).fit_corpus([r for p in splits["train"] for r in (p.left, p.right)])  # type: ignore[arg-type]
    chosen = best_threshold(y_valid, zero.predict_proba(valid))
    default = score_at(y_test, zero.predict_proba(test), zero.threshold)
    print(f"  zero-shot at its default threshold {zero.threshold:.2f}: test F1 {100 * default.f1:.2f}")
    return score_at(y_test, zero.predict_proba(test), chosen.threshold)


_FEATURES: dict = {}  # seed 0's matcher and features: later seeds only refit the boosters


def _features(splits: dict, seed: int, encoder: str, context: bool, realign: bool):
    from stocktake.matching.feature_matcher import BoostingSettings, FeatureMatcher, pair_ids

    valid, y_valid = as_pairs(splits["valid"])
    if not _FEATURES:
        train, y_train = as_pairs(splits["train"])
        test, _ = as_pairs(splits["test"])
        settings = BoostingSettings(context=context)
        first = FeatureMatcher(encoder=encoder, seed=seed, settings=settings, realign=realign)
        first.fit(train, y_train, valid, y_valid)  # type: ignore[arg-type]
        _FEATURES.update(
            matcher=first,
            valid=(first.features(valid), pair_ids(valid)),  # type: ignore[arg-type]
            test=(first.features(test), pair_ids(test)),  # type: ignore[arg-type]
        )
        matcher = first
    else:
        matcher = _FEATURES["matcher"].reseeded(seed, _FEATURES["valid"][0], y_valid, _FEATURES["valid"][1])
        # charge each seed the full training cost: featurising train + valid is part of it
        matcher.seconds += _FEATURES["matcher"].seconds - _FEATURES["matcher"].seconds_boosting
    return (
        matcher,
        matcher.proba_of_features(*_FEATURES["valid"]),
        matcher.proba_of_features(*_FEATURES["test"]),
        matcher.seconds,
    )


def _cross(splits: dict, seed: int, args: argparse.Namespace):
    from stocktake.matching.cross import CrossEncoderMatcher
    from stocktake.models.transformer.cross_encoder import CrossEncoderSettings

    train, y_train = as_pairs(splits["train"])
    valid, y_valid = as_pairs(splits["valid"])
    test, _ = as_pairs(splits["test"])
    settings = CrossEncoderSettings(
        epochs=args.epochs,
        batch_size=args.batch_size,
        max_length=args.max_length,
        learning_rate=args.lr,
        device=args.device,
        bf16=args.bf16,
        seed=seed,
        max_train_pairs=args.max_train_pairs,
    )

    def on_epoch(epoch: int, f1: float, seconds: float) -> None:
        print(f"    epoch {epoch}: valid F1 {100 * f1:.2f} ({seconds:.0f}s)", flush=True)

    matcher = CrossEncoderMatcher(settings).fit(train, y_train, valid, y_valid, on_epoch)
    return matcher, matcher.predict_proba(valid), matcher.predict_proba(test), matcher.seconds


def _blend(y_valid: np.ndarray, a: tuple, b: tuple) -> tuple[float, float]:
    """Weight of `a` in w*a + (1-w)*b and threshold, both chosen on valid."""
    best = (-1.0, 0.5, 0.5)
    for w in np.linspace(0, 1, 11):
        chosen = best_threshold(y_valid, w * a[1] + (1 - w) * b[1])
        if chosen.f1 > best[0]:
            best = (chosen.f1, float(w), chosen.threshold)
    return best[1], best[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--matcher", choices=["features", "cross", "both"], default="features")
    ap.add_argument(
        "--encoder", choices=["off", "fast", "full"], default="fast", help="feature matcher's encoder"
    )
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--max-length", type=int, default=160)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast for the cross-encoder")
    ap.add_argument("--max-train-pairs", type=int, default=None, help="cross-encoder: train on a sample")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--no-context", action="store_true", help="feature matcher without its second (context) stage"
    )
    ap.add_argument(
        "--no-realign", action="store_true", help="feature matcher without moving misplaced values back"
    )
    args = ap.parse_args()
    splits = load_split_dir(args.data)
    if "test" not in splits:
        raise SystemExit(f"{args.data} has no test.txt")
    counts = {k: f"{len(v)} ({sum(p.label for p in v)} matches)" for k, v in splits.items()}
    print(f"{args.data}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    y_valid = as_pairs(splits["valid"])[1]
    y_test = as_pairs(splits["test"])[1]
    baseline = None
    if not args.no_baseline:
        started = time.perf_counter()
        baseline = _zero_shot(splits, "fast" if args.encoder == "off" else args.encoder)
        print(
            f"baseline zero-shot (threshold on valid): test F1 {100 * baseline.f1:.2f} ({time.perf_counter() - started:.0f}s)"
        )
    results: list[tuple[PairScores, float]] = []
    for seed in range(args.seeds):
        runs = {}
        if args.matcher in ("features", "both"):
            runs["features"] = _features(splits, seed, args.encoder, not args.no_context, not args.no_realign)
        if args.matcher in ("cross", "both"):
            runs["cross"] = _cross(splits, seed, args)
        for name, (matcher, _, test_scores, seconds) in runs.items():
            s = score_at(y_test, test_scores, matcher.threshold)
            print(
                f"  seed {seed} {name}: test P {100 * s.precision:.2f} R {100 * s.recall:.2f} F1 {100 * s.f1:.2f}; valid F1 {100 * matcher.validation.f1:.2f}; train {seconds:.0f}s",
                flush=True,
            )
        if args.matcher == "both":
            w, threshold = _blend(y_valid, runs["features"], runs["cross"])
            blended = w * runs["features"][2] + (1 - w) * runs["cross"][2]
            s = score_at(y_test, blended, threshold)
            print(f"  seed {seed} blend (features weight {w:.1f}): test F1 {100 * s.f1:.2f}")
            results.append((s, runs["features"][3] + runs["cross"][3]))
        else:
            (_, _, test_scores, seconds), matcher = runs[args.matcher], runs[args.matcher][0]
            results.append((score_at(y_test, test_scores, matcher.threshold), seconds))
    f1s = [100 * s.f1 for s, _ in results]
    p = statistics.mean(100 * s.precision for s, _ in results)
    r = statistics.mean(100 * s.recall for s, _ in results)
    sd = statistics.stdev(f1s) if len(f1s) > 1 else 0.0
    secs = statistics.mean(t for _, t in results)
    ratio = (
        f" = {statistics.mean(f1s) / (100 * baseline.f1):.2f}x the zero-shot baseline"
        if baseline and baseline.f1
        else ""
    )
    print(f"{args.matcher} over {len(f1s)} seed(s): test F1 {statistics.mean(f1s):.2f} ± {sd:.2f}{ratio}")
    print(f"f1={statistics.mean(f1s):.2f} precision={p:.2f} recall={r:.2f} seconds={secs:.1f}")


if __name__ == "__main__":
    main()
