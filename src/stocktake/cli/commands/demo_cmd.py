"""`stocktake demo`: generate the demo estate, scan it, and score the findings against its truth."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table

from stocktake.cli import progress
from stocktake.cli.commands.scan_cmd import run_scan_outcome
from stocktake.cli.progress import console


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("stocktake-demo"),
    show_default=True,
    help="Folder for the generated estate and the scan's outputs (under report/).",
)
@click.option(
    "--rows",
    type=click.IntRange(min=1000),
    default=100_000,
    show_default=True,
    help="Rows in the behaviour log; other tables scale with it.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed: same seed, same estate.")
@click.option("--no-catalog", is_flag=True, help="Do not record the run in the catalog.")
@click.option(
    "--runs",
    type=click.IntRange(min=1, max=50),
    default=1,
    show_default=True,
    help="Scan the estate this many times, growing it a little each time; before the last scan one "
    "table loses most of its rows and another changes its schema, so the last run reports both.",
)
@click.pass_context
def demo(ctx: click.Context, out: Path, rows: int, seed: int, no_catalog: bool, runs: int) -> None:
    """Generate a synthetic e-commerce estate with planted problems, scan it, print precision/recall."""
    from stocktake.core.errors import UsageError
    from stocktake.demo import evaluate_findings, generate_estate, load_truth
    from stocktake.demo.history import plant_history_changes, rows_for_run

    if runs > 1 and no_catalog:
        raise UsageError("--runs needs the catalog to keep the history: drop --no-catalog")
    for k in range(runs):
        last = k == runs - 1
        size = rows_for_run(rows, k)
        step = f"run {k + 1} of {runs}: " if runs > 1 else ""
        console.print(f"{step}generating the demo estate in {out} ({size:,} behaviour events, seed {seed}) …")
        layout = generate_estate(out, rows=size, seed=seed)
        truth = load_truth(layout.truth_path)
        if last and runs > 1:
            for problem in plant_history_changes(layout, truth):
                console.print(f"  planted for this run: {problem.asset}: {problem.description}")
        as_of = datetime.fromisoformat(str(truth.as_of))
        as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
        run = run_scan_outcome(
            list(layout.sources),
            out / "report",
            ctx.obj["catalog"],
            not no_catalog,
            as_of,
            quiet=not last,
            show_pii=ctx.obj["show_pii"],
        ).run
        if not last:
            console.print(f"  run {run.id}: {len(run.assets)} assets, {len(run.findings)} findings")
    scores = evaluate_findings(truth, run.findings)
    table = Table(title="Planted problems found (precision / recall per type)")
    for col in ("type", "planted", "flagged", "precision", "recall"):
        table.add_column(col, justify="left" if col == "type" else "right")
    for type_name, s in sorted(scores.items()):
        precision = "—" if s.precision is None else f"{s.precision:.2f}"
        table.add_row(type_name, str(s.planted), str(s.flagged), precision, f"{s.recall:.2f}")
    progress.out.print(table)
    console.print("counted per planted problem: a finding matches a problem of its type, asset and columns.")
    if any(s.recall == 0 for s in scores.values()):
        console.print("types with recall 0 were missed; a detector may need an extra that is not installed.")
