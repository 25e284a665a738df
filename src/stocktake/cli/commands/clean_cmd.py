"""`stocktake clean ASSET --out PATH`: a cleaned copy and a change log; the source is never touched."""

from __future__ import annotations

from pathlib import Path

import click

from stocktake.cli.progress import console


@click.command()
@click.argument("asset")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the cleaned copy (.csv or .parquet); the change log goes beside it.",
)
@click.option(
    "--source",
    default=None,
    metavar="SOURCE",
    help="The source holding ASSET [default: ASSET's source in the catalog's latest run].",
)
@click.option("--keep-duplicates", is_flag=True, help="Do not remove exact duplicate rows.")
@click.pass_context
def clean(ctx: click.Context, asset: str, out: Path, source: str | None, keep_duplicates: bool) -> None:
    """Write a cleaned copy of ASSET: text normalised (full-width, whitespace), codes zero-padded, numbers
    and dates parsed, exact duplicates removed; every change logged in OUT.changes.csv."""
    from stocktake.cleaning import clean_asset

    if source is None:
        from stocktake.catalog import Catalog

        catalog = Catalog(ctx.obj["catalog"])
        found, _, _ = catalog.get_asset(asset)
        run = catalog.latest_run()
        uris = {s.name: s.uri for s in run.sources} if run else {}
        source = uris.get(found.source)
        if source is None:
            raise click.UsageError(f"the catalog does not say where {asset} lives; pass --source")
        asset = found.id
    report = clean_asset(source, asset, out, dedupe=not keep_duplicates)
    changed = sum(report.changed_cells.values())
    console.print(
        f"{report.asset}: {report.rows_read:,} rows read, {report.rows_written:,} written, "
        f"{report.duplicates_removed:,} duplicates removed, {changed:,} cells changed"
    )
    for note in report.notes:
        console.print(f"  note: {note}")
    console.print(f"  wrote {report.out_path}\n  wrote {report.changes_path}")
