"""`stocktake errors DIRTY --oracle CLEAN --budget N --out cells.csv`: few-label cell error detection."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from stocktake.cli.progress import console


@click.command()
@click.argument("dirty", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--oracle",
    "oracle_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV with the clean values, row for row; it stands in for a person labelling tuples.",
)
@click.option("--budget", type=click.IntRange(min=0), default=20, show_default=True, help="Tuples to label.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for tuple selection and training.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the flagged cells (CSV: row, column, value, score, explanation).",
)
@click.option(
    "--encoder",
    type=click.Choice(["off", "fast", "full"]),
    default="off",
    show_default=True,
    help="Add MiniLM encoder features (needs the [model] extra).",
)
@click.option(
    "--head",
    type=click.Choice(["gbm", "transformer", "both"]),
    default="gbm",
    show_default=True,
    help="Classifier: gradient-boosted trees, MiniLM fine-tuned with BCE on the cells "
    "(needs the [model] extra), or both (the transformer re-scores the cells the trees are unsure of).",
)
@click.option(
    "--device",
    type=click.Choice(["auto", "cpu", "cuda"]),
    default="auto",
    show_default=True,
    help="Where the transformer head trains and scores (auto: a CUDA GPU when torch sees one).",
)
@click.option("--full-finetune", is_flag=True, help="Train every transformer weight, not LoRA adapters.")
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".stocktake/models"),
    show_default=True,
    help="Where the run's metadata is saved (NAME/VERSION/metadata.json).",
)
@click.option("--no-save", is_flag=True, help="Do not save run metadata.")
def errors(
    dirty: Path,
    oracle_path: Path,
    budget: int,
    seed: int,
    out: Path,
    encoder: str,
    head: str,
    device: str,
    full_finetune: bool,
    models_dir: Path,
    no_save: bool,
) -> None:
    """Flag erroneous cells of the CSV file DIRTY, asking the oracle for at most BUDGET clean tuples.

    Every cell is read as a string. The oracle file is read only through a LabelOracle that
    reveals the tuples the detector chooses, up to the budget.
    """
    from stocktake.detection import LabelOracle, detect_cell_errors, read_csv_strings
    from stocktake.detection.api import require_head
    from stocktake.detection.transformer_head import TransformerHeadOptions
    from stocktake.models.finetune_settings import FineTuneSettings

    require_head(head)
    table = read_csv_strings(dirty)
    oracle = LabelOracle.from_csv(oracle_path, budget)
    result = detect_cell_errors(
        table,
        oracle,
        budget,
        seed,
        use_encoder=encoder != "off",
        encoder_mode="fast" if encoder == "off" else encoder,
        head=head,  # type: ignore[arg-type]
        transformer=TransformerHeadOptions(finetune=FineTuneSettings(lora=not full_finetune, device=device)),  # type: ignore[arg-type]
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "column", "value", "score", "explanation"])
    for cell in result.cells:
        writer.writerow([cell.row, cell.column, cell.value, f"{cell.score:.4f}", cell.explanation])
    from stocktake.atomic import write_text_atomic

    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, buffer.getvalue())
    console.print(
        f"{dirty.name}: {table.n_rows:,} rows x {table.n_cols} columns; "
        f"oracle revealed {result.revealed} of {budget} tuples; "
        f"{len(result.cells):,} cells flagged in {result.seconds:.1f}s",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    console.print(f"  wrote {out}", markup=False, highlight=False, soft_wrap=True)
    if not no_save:
        from stocktake.detection.store import save_run

        folder = save_run(
            result, dirty.stem if dirty.stem not in ("dirty", "data") else dirty.parent.name, models_dir
        )
        console.print(f"  run metadata in {folder}", markup=False, highlight=False, soft_wrap=True)
