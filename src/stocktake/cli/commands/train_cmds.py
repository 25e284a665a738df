"""`stocktake train category DATA ...` and `stocktake models [list|show]`: train, save and list models."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from stocktake.cli.progress import console, out

MODELS_DIR_OPTION = click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where models are saved (NAME/VERSION/) [default: .stocktake/models].",
)


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@click.group()
def train() -> None:
    """Train a model on labelled data and save it with its metrics."""


@train.command("category")
@click.argument("data")
@click.option("--text-column", required=True, metavar="T", help="Column with the product titles.")
@click.option("--label-column", required=True, metavar="L", help="Column with the category labels.")
@click.option("--table", default=None, metavar="NAME", help="Asset to read when DATA holds several.")
@click.option("--name", default="category", show_default=True, help="Saved model name.")
@click.option("--val", type=float, default=0.1, show_default=True, help="Validation share (early stopping).")
@click.option("--test", type=float, default=0.1, show_default=True, help="Test share (final metrics).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the split and training.")
@click.option(
    "--encoder",
    type=click.Choice(["off", "fast"]),
    default="off",
    show_default=True,
    help="Add the packaged encoder's fast embeddings to the n-grams (needs the [model] extra).",
)
@click.option("--max-epochs", type=click.IntRange(min=1), default=30, show_default=True)
@click.option(
    "--patience",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Stop after this many epochs without a validation macro-F1 gain.",
)
@MODELS_DIR_OPTION
def category(
    data: str,
    text_column: str,
    label_column: str,
    table: str | None,
    name: str,
    val: float,
    test: float,
    seed: int,
    encoder: str,
    max_epochs: int,
    patience: int,
    models_dir: Path | None,
) -> None:
    """Train the title -> category model on DATA (any source Stocktake opens) and save it.

    Rows are split (stratified) into train / validation / test; training stops early on
    validation macro-F1; the report below is on the test split only."""
    from stocktake.models import registry, training

    training.require_sklearn()
    root = models_dir or registry.DEFAULT_MODELS_DIR
    registry.safe_name(name)  # bad arguments fail before any work
    training.check_shares(val, test)
    labelled = training.read_labelled(data, text_column, label_column, table)
    _say(
        f"{labelled.source}: {labelled.rows_read:,} rows read, {len(labelled.texts):,} kept "
        f"({labelled.dropped_empty:,} empty, {labelled.dropped_duplicates:,} repeated), "
        f"{len(set(labelled.labels))} labels"
    )
    result = training.train_category(
        labelled.texts,
        labelled.labels,
        val=val,
        test=test,
        seed=seed,
        use_encoder=encoder != "off",
        max_epochs=max_epochs,
        patience=patience,
    )
    options = {
        "text_column": text_column,
        "label_column": label_column,
        "table": table,
        "val": val,
        "test": test,
        "seed": seed,
        "encoder": encoder,
        "max_epochs": max_epochs,
        "patience": patience,
    }
    folder = training.save_category_model(result, labelled, name, root, options)
    s = result.splits
    _say(
        f"split: {s['train']:,} train / {s['validation']:,} validation / {s['test']:,} test; "
        f"{result.epochs} epochs (best {result.best_epoch}, validation macro-F1 "
        f"{max(result.history):.4f}){', stopped early' if result.stopped_early else ''}; "
        f"{result.seconds:.1f}s"
    )
    out.print(_report_table(result.test_metrics))
    m = result.test_metrics
    out.print(
        f"test: accuracy={m['accuracy']:.4f} macro_precision={m['macro_precision']:.4f} "
        f"macro_recall={m['macro_recall']:.4f} macro_f1={m['macro_f1']:.4f}"
    )
    _say(f"  saved {folder}")


def _report_table(m: dict) -> Table:
    table = Table(title=f"test split ({m['rows']:,} rows)")
    for col in ("class", "precision", "recall", "f1", "support"):
        table.add_column(col, justify="left" if col == "class" else "right")
    for label, row in m["per_class"].items():
        table.add_row(
            label, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"])
        )
    table.add_row(
        "macro avg",
        f"{m['macro_precision']:.3f}",
        f"{m['macro_recall']:.3f}",
        f"{m['macro_f1']:.3f}",
        str(m["rows"]),
        style="bold",
    )
    return table


@click.group(invoke_without_command=True)
@MODELS_DIR_OPTION
@click.pass_context
def models(ctx: click.Context, models_dir: Path | None) -> None:
    """List saved models (`stocktake models` or `models list`); `models show NAME[/VERSION]` prints one."""
    ctx.obj = {**(ctx.obj or {}), "models_dir": models_dir}
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_cmd)


def _root(ctx: click.Context, models_dir: Path | None) -> Path:
    from stocktake.models.registry import DEFAULT_MODELS_DIR

    return models_dir or (ctx.obj or {}).get("models_dir") or DEFAULT_MODELS_DIR


@models.command("list")
@MODELS_DIR_OPTION
@click.pass_context
def list_cmd(ctx: click.Context, models_dir: Path | None = None) -> None:
    """Every saved model version: name, kind, version, created, key metric."""
    from stocktake.models.registry import list_models

    root = _root(ctx, models_dir)
    saved = list_models(root)
    if not saved:
        _say(f"no saved models under {root}")
        return
    # Plain aligned columns: a rich table folds ids and versions at 80 columns in pipes and logs.
    rows = [("name", "kind", "version", "created", "key metric")]
    rows += [(m.name, m.short_kind, m.version, m.created, m.key_metric) for m in saved]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        out.print(
            "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=False)) + "  " + r[-1], soft_wrap=True
        )


@models.command("show")
@click.argument("ref", metavar="NAME[/VERSION]")
@MODELS_DIR_OPTION
@click.pass_context
def show_cmd(ctx: click.Context, ref: str, models_dir: Path | None) -> None:
    """Print the metadata of NAME's newest version, or of NAME/VERSION, as JSON."""
    from stocktake.models.registry import resolve

    saved = resolve(ref, _root(ctx, models_dir))
    _say(str(saved.path))
    click.echo(json.dumps(saved.metadata, indent=2, ensure_ascii=False))  # no rich: it would wrap lines
