"""Commands over the catalog's history: `diff [A] [B]` and `history ASSET [METRIC]`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click
from rich.table import Table

from stocktake.cli.progress import out

if TYPE_CHECKING:
    from collections.abc import Sequence

    from stocktake.catalog import Catalog
    from stocktake.history import Anomaly, RunDiff

_BARS = "▁▂▃▄▅▆▇█"
_SPARK_WIDTH = 80


def _catalog(ctx: click.Context) -> Catalog:
    from stocktake.catalog import Catalog

    return Catalog(ctx.obj["catalog"])


def sparkline(values: Sequence[float | None], width: int = _SPARK_WIDTH) -> str:
    """One bar per point (per bucket of points when there are more than `width`); a gap for None."""
    if len(values) > width:
        size = -(-len(values) // width)  # ceil: every bucket but the last is full
        buckets = [values[i : i + size] for i in range(0, len(values), size)]
        values = [
            sum(present) / len(present) if (present := [v for v in b if v is not None]) else None
            for b in buckets
        ]
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = high - low
    return "".join(
        " " if v is None else _BARS[0 if span == 0 else round((v - low) / span * (len(_BARS) - 1))]
        for v in values
    )


@click.command()
@click.argument("old_ref", metavar="[A]", default="previous")
@click.argument("new_ref", metavar="[B]", default="latest")
@click.pass_context
def diff(ctx: click.Context, old_ref: str, new_ref: str) -> None:
    """Compare run A with run B (default: previous with latest): assets, columns, types, row counts."""
    from stocktake.history import diff_runs, drift_findings

    catalog = _catalog(ctx)
    old, new = catalog.get_run(old_ref), catalog.get_run(new_ref)
    changes = diff_runs(old, new)
    out.print(f"{old.id} ({_when(old.started_at)}) → {new.id} ({_when(new.started_at)})")
    if not changes.has_changes:
        out.print("no changes")
        return
    _print_changes(changes)
    findings = drift_findings(changes)
    if findings:
        out.print(f"\n{len(findings)} drift finding(s):")
    for f in findings:
        out.print(f"  [{f.severity}] {f.type}: {f.reason}")


def _print_changes(changes: RunDiff) -> None:
    table = Table()
    for col in ("asset", "change", "detail"):
        table.add_column(col)
    for a in changes.new_assets:
        table.add_row(a.id, "new asset", f"{_rows(a.row_count)} rows, {len(a.columns)} columns")
    for a in changes.dropped_assets:
        table.add_row(a.id, "dropped asset", f"had {_rows(a.row_count)} rows")
    for c in changes.changed:
        for name in c.added_columns:
            table.add_row(c.asset, "added column", name)
        for name in c.removed_columns:
            table.add_row(c.asset, "removed column", name)
        for r in c.retyped:
            detail = f"{r.column}: {r.old_logical} ({r.old_engine}) → {r.new_logical} ({r.new_engine})"
            table.add_row(c.asset, "retyped column", detail)
        if c.row_change:
            ratio = c.row_change_ratio
            pct = "" if ratio is None or ratio == float("inf") else f" ({ratio:+.0%})"
            table.add_row(c.asset, "row count", f"{_rows(c.old_rows)} → {_rows(c.new_rows)}{pct}")
        for s in c.shifts:
            table.add_row(c.asset, f"{s.metric} shift", f"{s.column}: {_metric(s.old)} → {_metric(s.new)}")
    out.print(table)


@click.command()
@click.argument("asset")
@click.argument("metric", default="row_count")
@click.pass_context
def history(ctx: click.Context, asset: str, metric: str) -> None:
    """Show METRIC of ASSET over the runs, with a sparkline, and flag anomalies.

    METRIC: row_count (default), null_share:COL, distinct:COL, mean:COL, freshness[:COL], or
    per_day[:COL] (rows per day of a date column in the latest run).
    """
    from stocktake.history import daily_counts, detect_all, metric_history, strategies_for
    from stocktake.history.metrics import DAILY_METRIC, parse_metric

    catalog = _catalog(ctx)
    name, column = parse_metric(metric)
    strategies = strategies_for(metric)
    if name == DAILY_METRIC:
        days = daily_counts(catalog, asset, column)
        values: list[float | None] = [float(d.count) for d in days]
        labels = [(d.day.isoformat(), "") for d in days]
    else:
        points = metric_history(catalog, asset, metric)
        values = [p.value for p in points]
        labels = [(p.run_id, _when(p.started_at)) for p in points]
    anomalies = detect_all(values, strategies)
    show = _freshness if name == "freshness" else _metric
    out.print(f"{asset} {metric}  {sparkline(values)}")
    table = Table()
    for col in ("day",) if name == DAILY_METRIC else ("run", "started"):
        table.add_column(col)
    table.add_column("value", justify="right")
    table.add_column("anomaly")
    # Daily series run to hundreds of days: list only the flagged ones.
    rows = anomalies if name == DAILY_METRIC else range(len(values))
    for i in rows:
        label = labels[i] if name != DAILY_METRIC else labels[i][:1]
        table.add_row(*label, show(values[i]), _flag(anomalies.get(i, [])))
    if name == DAILY_METRIC:
        out.print(f"{len(values)} days from {labels[0][0]} to {labels[-1][0]}", highlight=False)
    out.print(table)
    out.print(f"{len(anomalies)} anomal{'y' if len(anomalies) == 1 else 'ies'} found", highlight=False)


def _flag(found: list[Anomaly]) -> str:
    return "; ".join(a.reason for a in found)


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _rows(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _metric(value: float | None) -> str:
    if value is None:
        return "—"
    if value == int(value) and abs(value) >= 1:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def _freshness(value: float | None) -> str:
    return "—" if value is None else _when(datetime.fromtimestamp(value, UTC))
