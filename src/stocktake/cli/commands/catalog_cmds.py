"""Commands that read the catalog: `assets`, `show ASSET`, `runs`."""

from __future__ import annotations

import click
from rich.table import Table

from stocktake.cli.progress import out


def _catalog(ctx: click.Context) -> object:
    from stocktake.catalog import Catalog

    return Catalog(ctx.obj["catalog"])


def _fmt_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return str(n)


@click.command()
@click.option(
    "--run", "run_ref", default=None, metavar="RUN", help="A run id, id prefix, 'latest' or 'previous'."
)
@click.pass_context
def assets(ctx: click.Context, run_ref: str | None) -> None:
    """List the assets of the latest (or the given) run."""
    catalog = _catalog(ctx)
    run_id = catalog.resolve_run(run_ref) if run_ref else None  # type: ignore[attr-defined]
    table = Table()
    for col in ("asset", "format", "rows", "size", "columns", "last modified"):
        table.add_column(col, justify="right" if col in {"rows", "size", "columns"} else "left")
    for a in catalog.list_assets(run_id):  # type: ignore[attr-defined]
        modified = a.last_modified.isoformat(timespec="seconds") if a.last_modified else "—"
        rows = "—" if a.row_count is None else f"{a.row_count:,}"
        table.add_row(a.id, a.format, rows, _fmt_bytes(a.byte_size), str(len(a.columns)), modified)
    out.print(table)


@click.command()
@click.argument("asset")
@click.option(
    "--run", "run_ref", default=None, metavar="RUN", help="A run id, id prefix, 'latest' or 'previous'."
)
@click.pass_context
def show(ctx: click.Context, asset: str, run_ref: str | None) -> None:
    """Show one ASSET (an id like 'shop/orders' or a unique name like 'orders'): schema, profile, findings."""
    catalog = _catalog(ctx)
    run_id = catalog.resolve_run(run_ref) if run_ref else None  # type: ignore[attr-defined]
    a, profiles, findings = catalog.get_asset(asset, run_id)  # type: ignore[attr-defined]
    rows = "—" if a.row_count is None else f"{a.row_count:,}"
    out.print(f"{a.id}  {a.format}  {rows} rows  {_fmt_bytes(a.byte_size)}  {a.location}")
    for note in a.notes:
        out.print(f"  note: {note}")
    table = Table()
    for col in ("column", "type", "nulls", "distinct", "min", "max", "top values"):
        table.add_column(col)
    by_name = {p.column: p for p in profiles}
    for c in a.columns:
        p = by_name.get(c.name)
        if p is None:
            table.add_row(c.name, c.logical_type, "", "", "", "", "")
            continue
        nulls = f"{p.null_count + p.null_like_count:,}"
        top = ", ".join(f"{v.value}×{v.count}" for v in p.top_values[:3])
        table.add_row(
            c.name,
            c.logical_type,
            nulls,
            "" if p.distinct_count is None else f"{p.distinct_count:,}",
            str(p.min)[:24],
            str(p.max)[:24],
            top[:60],
        )
    out.print(table)
    for f in findings:
        out.print(f"  [{f.severity}] {f.type}: {f.reason}")


@click.command()
@click.pass_context
def runs(ctx: click.Context) -> None:
    """List the runs recorded in the catalog, newest first."""
    table = Table()
    for col in ("run", "started", "assets", "findings", "sources"):
        table.add_column(col)
    for r in _catalog(ctx).list_runs():  # type: ignore[attr-defined]
        table.add_row(
            r.id,
            r.started_at.isoformat(timespec="seconds"),
            str(r.asset_count),
            str(r.finding_count),
            ", ".join(s.name for s in r.sources),
        )
    out.print(table)
