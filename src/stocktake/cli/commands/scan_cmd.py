"""`stocktake scan SOURCE... --out DIR`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from stocktake.cli.progress import console, scan_progress


def parse_as_of(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date or timestamp: {value!r}", param_hint="--as-of") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run_scan(
    sources: list[str], out: Path, catalog_url: str | None, save: bool, as_of: datetime, quiet: bool
) -> object:
    """Shared by `scan` and `demo`: scan, store in the catalog, write outputs, print a summary."""
    from stocktake.checks.profile_rules import RuleOptions
    from stocktake.outputs import write_outputs
    from stocktake.pipeline import ScanOptions, scan

    options = ScanOptions(rules=RuleOptions(as_of=as_of))
    with scan_progress(enabled=not quiet) as hook:
        run = scan(sources, options, progress=hook)
    if save:
        from stocktake.catalog import Catalog

        Catalog(catalog_url).save_run(run)
    paths = write_outputs(run, out)
    if not quiet:
        rows = sum(a.row_count or 0 for a in run.assets)
        console.print(
            f"[bold]run {run.id}[/]: {len(run.assets)} assets, {rows:,} rows, "
            f"{len(run.findings)} findings, {len(run.errors)} errors"
        )
        for err in run.errors:
            console.print(f"  [yellow]skipped[/] {err}")
        for p in paths:
            console.print(f"  wrote {p}")
    return run


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
@click.pass_context
def scan(
    ctx: click.Context, sources: tuple[str, ...], out: Path, no_catalog: bool, as_of: str | None, quiet: bool
) -> None:
    """Discover, profile and check every asset in SOURCE... (folders, globs, files, database URLs).

    \b
    Examples:
      stocktake scan data/ --out out/
      stocktake scan shop.sqlite 'postgresql://me@db/shop?schema=sales' lake/*.parquet
    """
    run_scan(list(sources), out, ctx.obj["catalog"], not no_catalog, parse_as_of(as_of), quiet)
