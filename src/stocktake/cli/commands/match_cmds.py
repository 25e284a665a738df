"""`stocktake match LEFT RIGHT`, `stocktake dedupe DATA` and `stocktake train matcher PAIRS`."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import click

from stocktake.cli.progress import console, out, scan_progress

if TYPE_CHECKING:
    from stocktake.matching.api import MatchResult
    from stocktake.matching.ditto import LabelledPair

_MODELS_DIR = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where matchers are saved (NAME/VERSION/) [default: .stocktake/models].",
)


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _scoring_options(f):  # the options match and dedupe share
    f = click.option(
        "--model",
        default=None,
        metavar="NAME[/VERSION]",
        help="A matcher saved by `stocktake train matcher` [default: the zero-shot score].",
    )(f)
    f = click.option(
        "--threshold",
        type=click.FloatRange(0, 1),
        default=None,
        help="Keep pairs scoring at least this [default: the matcher's own].",
    )(f)
    f = click.option(
        "--columns",
        default=None,
        metavar="A,B,...",
        help="Columns to compare [default: all but integer row keys].",
    )(f)
    f = click.option(
        "-k",
        "--neighbours",
        "k",
        type=click.IntRange(min=1),
        default=10,
        show_default=True,
        help="Candidates per record from each blocker.",
    )(f)
    f = click.option(
        "--encoder",
        type=click.Choice(["fast", "full", "off"]),
        default="fast",
        show_default=True,
        help="Encoder for blocking and the zero-shot score (full: slower, a little better).",
    )(f)
    f = click.option(
        "--no-trigram", is_flag=True, help="Block by encoder neighbours only (no character-trigram list)."
    )(f)
    f = click.option(
        "--out",
        "out_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="CSV to write [default: print to stdout].",
    )(f)
    f = click.option("--no-progress", is_flag=True, help="No progress bars.")(f)
    return _MODELS_DIR(f)


def _load(model: str | None, models_dir: Path | None):  # -> matcher or None
    from stocktake.models.training import require_sklearn

    require_sklearn()  # the trigram blocker and the feature matcher need scikit-learn ([detect])
    if model is None:
        return None
    from stocktake.matching.store import load_matcher
    from stocktake.models.registry import DEFAULT_MODELS_DIR

    return load_matcher(model, models_dir or DEFAULT_MODELS_DIR)


def _columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [c.strip() for c in text.split(",") if c.strip()]
    if not names:
        from stocktake.core.errors import UsageError

        raise UsageError("--columns names no column")
    return names


def _write(rows: list[list[object]], out_path: Path | None) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    if out_path is None:
        out.file.write(buffer.getvalue())
        return
    from stocktake.atomic import write_text_atomic

    write_text_atomic(out_path, buffer.getvalue())
    _say(f"  wrote {out_path}")


def _summary(result: MatchResult, what: str) -> None:
    _say(
        f"{len(result.pairs):,} {what} of {result.candidates:,} candidate pairs at threshold "
        f"{result.threshold:.3f} ({result.scorer}); {result.seconds:.1f}s"
    )


@click.command()
@click.argument("left")
@click.argument("right")
@click.option("--left-table", default=None, metavar="NAME", help="Asset of LEFT when it holds several.")
@click.option("--right-table", default=None, metavar="NAME", help="Asset of RIGHT when it holds several.")
@_scoring_options
def match(
    left: str, right: str, left_table: str | None, right_table: str | None, model: str | None, threshold: float | None,
    columns: str | None, k: int, encoder: str, no_trigram: bool, out_path: Path | None, no_progress: bool, models_dir: Path | None,
) -> None:  # fmt: skip
    """Find records of LEFT and RIGHT (any source Stocktake opens) that describe the same entity.

    Writes one CSV row per matched pair: row numbers, score, a short explanation, then both records."""
    from stocktake.matching.api import match_assets, select_columns
    from stocktake.matching.sources import read_records

    matcher = _load(model, models_dir)
    a, b = read_records(left, left_table), read_records(right, right_table)
    wanted = _columns(columns)
    lrec, rrec = select_columns(a.records, wanted), select_columns(b.records, wanted)
    _say(f"{a.source}: {len(lrec):,} records; {b.source}: {len(rrec):,} records")
    with scan_progress(not no_progress) as hook:
        result = match_assets(
            lrec,
            rrec,
            matcher=matcher,
            threshold=threshold,
            k=k,
            encoder=encoder,
            trigram=not no_trigram,
            progress=hook,
        )  # type: ignore[arg-type]
    lcols, rcols = list(lrec[0]) if lrec else [], list(rrec[0]) if rrec else []
    rows: list[list[object]] = [
        [
            "left_row",
            "right_row",
            "score",
            "explanation",
            *(f"left_{c}" for c in lcols),
            *(f"right_{c}" for c in rcols),
        ]
    ]
    for p in result.pairs:
        rows.append(
            [
                p.left,
                p.right,
                f"{p.score:.4f}",
                p.explanation,
                *lrec[p.left].values(),
                *rrec[p.right].values(),
            ]
        )
    _summary(result, "matched pairs")
    _write(rows, out_path)


@click.command()
@click.argument("data")
@click.option("--table", default=None, metavar="NAME", help="Asset of DATA when it holds several.")
@click.option(
    "--join-threshold",
    type=click.FloatRange(0, 1),
    default=0.3,
    show_default=True,
    help="Also block every pair at this word + trigram TF-IDF similarity or above (1: none).",
)
@click.option(
    "--join-pairs",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="At most this many joined pairs per record on average (the threshold rises); 0: no bound.",
)
@_scoring_options
def dedupe(
    data: str, table: str | None, join_threshold: float, join_pairs: int, model: str | None, threshold: float | None,
    columns: str | None, k: int, encoder: str, no_trigram: bool, out_path: Path | None, no_progress: bool,
    models_dir: Path | None,
) -> None:  # fmt: skip
    """Find near-duplicate records within one asset of DATA and group them (average linkage).

    Writes one CSV row per duplicate pair with its cluster number, score, explanation and both records."""
    from stocktake.matching.api import find_duplicates, select_columns
    from stocktake.matching.sources import read_records

    matcher = _load(model, models_dir)
    asset = read_records(data, table)
    records = select_columns(asset.records, _columns(columns))
    _say(f"{asset.source}: {len(records):,} records")
    with scan_progress(not no_progress) as hook:
        result = find_duplicates(
            records,
            matcher=matcher,
            threshold=threshold,
            k=k,
            encoder=encoder,
            trigram=not no_trigram,
            progress=hook,
            join_threshold=None if join_threshold >= 1 else join_threshold,
            join_pairs_per_record=join_pairs or None,
        )  # type: ignore[arg-type]
    cluster_of = {row: n for n, group in enumerate(result.clusters, 1) for row in group}
    cols = list(records[0]) if records else []
    rows: list[list[object]] = [
        [
            "cluster",
            "row_a",
            "row_b",
            "score",
            "explanation",
            *(f"a_{c}" for c in cols),
            *(f"b_{c}" for c in cols),
        ]
    ]
    for p in sorted(result.pairs, key=lambda p: (cluster_of.get(p.left, 0), -p.score)):
        rows.append(
            [
                cluster_of.get(p.left, 0),  # 0: a pair average linkage left out of any group
                p.left,
                p.right,
                f"{p.score:.4f}",
                p.explanation,
                *records[p.left].values(),
                *records[p.right].values(),
            ]
        )
    _summary(result, f"duplicate pairs in {len(result.clusters):,} clusters,")
    _write(rows, out_path)


@click.command("matcher")
@click.argument("pairs", metavar="[TRAIN_DIR_OR_PAIRS]", required=False)
@click.option(
    "--kind",
    type=click.Choice(["features", "cross"]),
    default="features",
    show_default=True,
    help="features: fast on CPU; cross: fine-tuned MiniLM cross-encoder (slow on CPU).",
)
@click.option(
    "--add",
    "extra",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="More labelled pairs (Ditto format), e.g. reviewed verdicts; repeatable.",
)
@click.option(
    "--from-reviews",
    is_flag=True,
    help="Add the pairs reviewers judged on near-duplicate findings in the catalog (same product: 1, "
    "different: 0); alone, train on those only.",
)
@click.option("--name", default="matcher", show_default=True, help="Saved model name.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--encoder",
    type=click.Choice(["fast", "full", "off"]),
    default="fast",
    show_default=True,
    help="Encoder cosine features (features kind).",
)
@click.option(
    "--rounds",
    type=click.IntRange(min=1),
    default=400,
    show_default=True,
    help="Boosting rounds per booster (features kind).",
)
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Cross-encoder epochs (early stopping on validation F1).",
)
@click.option(
    "--device",
    type=click.Choice(["cpu", "cuda"]),
    default="cpu",
    show_default=True,
    help="Cross-encoder device.",
)
@_MODELS_DIR
@click.pass_context
def train_matcher(
    ctx: click.Context, pairs: str | None, kind: str, extra: tuple[str, ...], from_reviews: bool, name: str,
    seed: int, encoder: str, rounds: int, epochs: int, device: str, models_dir: Path | None,
) -> None:  # fmt: skip
    """Train an entity matcher on labelled pairs and save it.

    TRAIN_DIR_OR_PAIRS is a folder with Ditto-format train.txt and valid.txt (test.txt is scored
    when present) or one pairs file (80/20 train/valid split). The threshold is chosen on valid.
    --from-reviews adds the verdicts on near-duplicate pairs stored in the catalog to train; without
    TRAIN_DIR_OR_PAIRS those reviewed pairs are split 80/20 themselves."""
    from stocktake.core.errors import UsageError
    from stocktake.matching.store import save_matcher
    from stocktake.matching.training import load_training
    from stocktake.matching.training import train_matcher as train
    from stocktake.models import registry
    from stocktake.models.training import require_sklearn

    require_sklearn()
    registry.safe_name(name)
    if pairs is None and not from_reviews:
        raise UsageError("give TRAIN_DIR_OR_PAIRS, --from-reviews, or both")
    reviewed = _reviewed_pairs(ctx.obj["catalog"]) if from_reviews else []
    splits = load_training(pairs, extra, seed, reviewed)
    counts = splits.counts()
    _say(
        ", ".join(
            f"{k}: {v['pairs']:,} pairs ({v['matches']:,} matches)" for k, v in counts.items() if v["pairs"]
        )
    )
    options: dict[str, object] = {"kind": kind, "seed": seed, "reviewed_pairs": len(reviewed)}
    if kind == "cross":
        matcher, test = train(
            "cross",
            splits,
            seed=seed,
            epochs=epochs,
            device=device,
            on_epoch=lambda e, f, s: _say(f"  epoch {e}: validation F1 {f:.4f} ({s:.0f}s)"),
        )
    else:
        matcher, test = train("features", splits, seed=seed, encoder=encoder, rounds=rounds)
    folder = save_matcher(
        matcher,
        name,
        models_dir or registry.DEFAULT_MODELS_DIR,
        data={"source": splits.source, **counts},
        test=test,
        options=options,
    )
    v = matcher.validation
    _say(f"validation: F1 {v.f1:.4f} at threshold {v.threshold:.3f}; trained in {matcher.seconds:.1f}s")
    if test is not None:
        out.print(f"test: precision={test.precision:.4f} recall={test.recall:.4f} f1={test.f1:.4f}")
    _say(f"  saved {folder}")


def _reviewed_pairs(catalog_url: str | None) -> list[LabelledPair]:
    from stocktake.catalog import Catalog
    from stocktake.core.errors import UsageError
    from stocktake.review.pairs import pair_labels

    with Catalog(catalog_url) as catalog:
        labels = pair_labels(catalog)
    if not labels:
        raise UsageError(
            "no pair verdicts in the catalog: judge near-duplicate pairs first "
            "(`stocktake review FINDING_ID --pair K1 K2 --verdict confirmed|rejected`, or the web app)"
        )
    same = sum(p.label for p in labels)
    _say(f"reviewed pairs: {len(labels):,} ({same:,} same entity, {len(labels) - same:,} different)")
    return labels
