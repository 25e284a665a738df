"""`stocktake scan SOURCE... --out DIR`."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from stocktake.cli.progress import console, scan_progress

if TYPE_CHECKING:
    from stocktake.pipeline import ScanOutcome


def parse_as_of(value: str | None) -> datetime | None:
    """None when not given: the contract's as_of, else now, applies."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date or timestamp: {value!r}", param_hint="--as-of") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run_scan_outcome(
    sources: list[str],
    out: Path,
    catalog_url: str | None,
    save: bool,
    as_of: datetime | None,
    quiet: bool,
    config: Path | None = None,
    suggest: bool = True,
    show_pii: bool = False,
    sample_rows: int | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    semantic_types: str = "features",
) -> ScanOutcome:
    """Shared by `scan`, `check` and `demo`: scan, store in the catalog, write outputs, print a summary.

    With `config` (a contract file), the contract is read and validated before anything is
    scanned or stored. Returns the run with its check results.
    """
    from stocktake.checks.contract_yaml import load_contract
    from stocktake.checks.profile_rules import RuleOptions
    from stocktake.detection.unsupervised import RecordOptions
    from stocktake.outputs import write_outputs
    from stocktake.pipeline import DEFAULT_SAMPLE_ROWS, ScanOptions, scan_with_checks
    from stocktake.review.cells import review_labels_at
    from stocktake.review.retrain import load_tuning, models_dir_for
    from stocktake.semantics.redact_run import redact_run

    contract = load_contract(config) if config is not None else None  # a bad contract stops here
    moment = as_of or (contract.as_of if contract and contract.as_of else None) or datetime.now(UTC)
    budget = DEFAULT_SAMPLE_ROWS if sample_rows is None else sample_rows or None
    options = ScanOptions(
        rules=RuleOptions(as_of=moment),
        suggest=suggest,
        contract=contract,
        sample_rows=budget,
        engine=engine,
        spark_master=spark_master,
        semantic_types=semantic_types,
        # Record-detector thresholds learned from this catalog's reviews (stocktake train from-reviews).
        record=RecordOptions(tuning=load_tuning(models_dir_for(catalog_url))),
        # Assets with reviewed cells or rows get the cell error detector, trained on those verdicts.
        review_labels=review_labels_at(catalog_url) if save else None,
    )
    with scan_progress(enabled=not quiet) as hook:
        outcome = scan_with_checks(sources, options, progress=hook)
    history = None
    if save:
        from stocktake.catalog import Catalog
        from stocktake.history.since_last import compare_with_history
        from stocktake.review import apply_verdicts

        catalog = Catalog(catalog_url)
        # Drift since the last run over the same sources, anomalies over all of them.
        history = compare_with_history(catalog, outcome.run)
        outcome.run.findings.extend(history.findings)
        # A person's latest verdict on a finding id follows it into this run; rejected ones stop counting.
        outcome.run = apply_verdicts(catalog, outcome.run)
    # PII is masked before anything leaves the process: catalog, JSON, report, terminal.
    outcome.run = run = redact_run(outcome.run, show_pii=show_pii)
    if save:
        catalog.save_run(run)
    paths = write_outputs(run, out, history=history)
    if not quiet:
        rows = sum(a.row_count or 0 for a in run.assets)
        console.print(
            f"[bold]run {run.id}[/]: {len(run.assets)} assets, {rows:,} rows, "
            f"{len(run.findings)} findings, {len(run.errors)} errors"
        )
        for asset in run.assets:
            if "profile_sample_rows" in asset.read_options:
                of = f" of {asset.row_count:,}" if asset.row_count is not None else ""
                sampled = f"{asset.read_options['profile_sample_rows']:,}"
                console.print(f"  [cyan]sampled[/] {escape(asset.id)}: profiled on {sampled} rows{of}")
        # Names and messages come from the data: never read "[...]" in them as markup.
        for err in run.errors:
            console.print(f"  [yellow]skipped[/] {escape(err)}")
        for p in paths:
            console.print(f"  wrote {escape(str(p))}")
    return outcome


CONFIG_OPTION = click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="A contract (stocktake.yml): declared checks, owners, expected assets; see docs/contracts.md.",
)


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("stocktake-out"),
    show_default=True,
    help="Folder for inventory.json, findings.json and report.html.",
)
@click.option("--no-catalog", is_flag=True, help="Do not record the run in the catalog.")
@click.option(
    "--as-of",
    default=None,
    metavar="TIME",
    help="Treat this ISO time as 'now' for freshness and future-timestamp checks [default: now].",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.option(
    "--sample-rows",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Profile assets with more rows than N over a sample of N rows; 0: never sample "
    "[default: 10,000,000].",
)
@click.option(
    "--statement-timeout",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Cancel any database query running longer than this; 0: no limit "
    "[default: $STOCKTAKE_STATEMENT_TIMEOUT, else 300].",
)
@click.option(
    "--semantic-types",
    type=click.Choice(["features", "encoder", "off"]),
    default="features",
    show_default=True,
    help="How each column's semantic type is inferred: features (numpy model, fast), encoder (adds "
    "MiniLM embeddings: more accurate, needs the [model] extra, ~30 s to load), or off.",
)
@click.option(
    "--engine",
    "engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Engine that profiles and checks file sources; spark needs the [spark] extra and Java. "
    "Databases are always profiled in place.",
)
@click.option(
    "--spark-master",
    default=None,
    metavar="URL",
    help="Spark master for --engine spark (spark://host:7077, yarn, k8s://...) "
    "[default: a running SparkSession, else local[*]].",
)
@CONFIG_OPTION
@click.pass_context
def scan(
    ctx: click.Context,
    sources: tuple[str, ...],
    out: Path,
    no_catalog: bool,
    as_of: str | None,
    quiet: bool,
    sample_rows: int | None,
    statement_timeout: float | None,
    semantic_types: str,
    engine: str,
    spark_master: str | None,
    config: Path | None,
) -> None:
    """Discover, profile and check every asset in SOURCE... (folders, globs, files, database URLs).

    \b
    Examples:
      stocktake scan data/ --out out/
      stocktake scan shop.sqlite 'postgresql://me@db/shop?schema=sales' lake/*.parquet
    """
    if statement_timeout is not None:  # the connectors read it when they open a database
        from stocktake.connectors._sql_common import STATEMENT_TIMEOUT_ENV

        os.environ[STATEMENT_TIMEOUT_ENV] = f"{statement_timeout:g}"
    run_scan_outcome(
        list(sources),
        out,
        ctx.obj["catalog"],
        not no_catalog,
        parse_as_of(as_of),
        quiet,
        config,
        show_pii=ctx.obj["show_pii"],
        sample_rows=sample_rows,
        engine=engine,
        spark_master=spark_master,
        semantic_types=semantic_types,
    )
