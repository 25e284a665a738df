"""`stocktake train from-reviews`: learn record-detector thresholds from reviewers' verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from stocktake.cli.progress import console, out


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@click.command("from-reviews")
@click.option(
    "--run",
    "run_ref",
    default="latest",
    show_default=True,
    metavar="RUN",
    help="The run whose verdicts to use.",
)
@click.option(
    "--held-out",
    type=float,
    default=0.3,
    show_default=True,
    help="Share of each detector's row verdicts kept out of training to measure before/after.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the train/held-out split.")
@click.option(
    "--models-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the thresholds are saved [default: models/ beside a SQLite catalog, else .stocktake/models].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def from_reviews(
    ctx: click.Context, run_ref: str, held_out: float, seed: int, models_dir: Path | None, as_json: bool
) -> None:
    """Turn row verdicts into labels: each record detector's threshold is learned on a train split,
    compared with the current one on held-out verdicts, refit on all, and saved; the next scan
    against this catalog uses it. Rejected findings stay suppressed by their verdicts."""
    from stocktake.catalog import Catalog
    from stocktake.review.retrain import models_dir_for, train_from_reviews

    root = models_dir or models_dir_for(ctx.obj["catalog"])
    with Catalog(ctx.obj["catalog"]) as catalog:
        result = train_from_reviews(catalog, run_ref, root, held_out, seed)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str))
        return
    lessons = result.lessons
    _say(f"run {lessons.run_id}: {sum(d.train + d.held_out for d in lessons.detectors)} labelled rows")
    for d in lessons.detectors:
        _say(
            f"  {d.check}: {d.train} train / {d.held_out} held-out rows ({d.positives} confirmed); "
            f"threshold {d.threshold_before:g} -> {d.threshold_train:g} (train) -> {d.threshold_after:g} (all)"
        )
        out.print(
            f"    held-out before: precision={_fmt(d.before.precision)} recall={_fmt(d.before.recall)} "
            f"f1={_fmt(d.before.f1)}   after: precision={_fmt(d.after.precision)} "
            f"recall={_fmt(d.after.recall)} f1={_fmt(d.after.f1)}",
            soft_wrap=True,
        )
    if lessons.unscored:
        _say(f"  {lessons.unscored} row verdicts name rows this run did not score (skipped)")
    for s in lessons.suppressed:
        _say(f"  suppressed {s['finding']} ({s['check']} on {s['asset']}): {s['why']}")
    for note in result.notes:
        _say(f"  {note}")
    if result.saved is not None:
        _say(f"  saved {result.saved}")
