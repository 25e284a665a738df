"""`stocktake suggest SOURCE...` (propose a contract) and `stocktake check SOURCE... --config FILE`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table

from stocktake.cli import progress
from stocktake.cli.commands.scan_cmd import CONFIG_OPTION, parse_as_of, run_scan_outcome
from stocktake.cli.progress import console, scan_progress
from stocktake.core.errors import EXIT_FINDINGS
from stocktake.core.vocab import Severity

_AS_OF = click.option(
    "--as-of",
    default=None,
    metavar="TIME",
    help="Treat this ISO time as 'now' for not_future and freshness checks [default: the contract's as_of, else now].",
)


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the contract to FILE instead of standard output.",
)
@_AS_OF
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def suggest(sources: tuple[str, ...], out: Path | None, as_of: str | None, quiet: bool) -> None:
    """Profile SOURCE... and print a contract of checks the data already keeps, each with why.

    \b
    Examples:
      stocktake suggest shop.sqlite lake/ > stocktake.yml
      stocktake check shop.sqlite lake/ --config stocktake.yml
    """
    from stocktake.atomic import write_text_atomic
    from stocktake.checks.contract_render import render_contract
    from stocktake.checks.profile_rules import RuleOptions
    from stocktake.pipeline import ScanOptions, scan_with_checks

    moment = parse_as_of(as_of) or datetime.now(UTC)
    options = ScanOptions(rules=RuleOptions(as_of=moment))
    with scan_progress(enabled=not quiet) as hook:
        outcome = scan_with_checks(list(sources), options, progress=hook)
    header = (
        f"Suggested by stocktake from {', '.join(sources)} on {moment:%Y-%m-%d}.\n"
        "Each check is what the data already does; keep the ones you mean, set severity: fail to gate on them."
    )
    text = render_contract(outcome.suggestions, header)
    if out is None:
        sys.stdout.write(text)
        return
    write_text_atomic(out, text)
    if not quiet:
        console.print(f"wrote {len(outcome.suggestions)} suggested checks to {out}")


@click.command()
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@CONFIG_OPTION
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("stocktake-out"),
    show_default=True,
    help="Folder for inventory.json, findings.json and report.html.",
)
@click.option("--no-catalog", is_flag=True, help="Do not record the run in the catalog.")
@_AS_OF
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or summary.")
@click.pass_context
def check(
    ctx: click.Context,
    sources: tuple[str, ...],
    config: Path | None,
    out: Path,
    no_catalog: bool,
    as_of: str | None,
    quiet: bool,
) -> None:
    """Scan SOURCE... and run the contract's checks; exit 1 if a fail-level check fails.

    Only declared checks run here (no suggestions); the profile rules still report findings.
    """
    if config is None:
        raise click.UsageError("--config FILE is required: the contract to check")
    outcome = run_scan_outcome(
        list(sources),
        out,
        ctx.obj["catalog"],
        not no_catalog,
        parse_as_of(as_of),
        quiet,
        config,
        suggest=False,
        show_pii=ctx.obj["show_pii"],
    )
    table = Table(title=f"Checks from {config}")
    for col in ("asset", "check", "severity", "status", "failing", "rows"):
        table.add_column(col, justify="right" if col in {"failing", "rows"} else "left")
    for r in outcome.check_results:
        level = "fail" if r.check.severity in (Severity.ERROR, Severity.CRITICAL) else "warn"
        colour = {"passed": "green", "failed": "red", "error": "yellow"}[r.status]
        table.add_row(
            r.check.asset,
            f"{r.check.kind} {', '.join(r.check.checked_columns)}" + (f": {r.error}" if r.error else ""),
            level,
            f"[{colour}]{r.status}[/]",
            f"{r.failing:,}",
            f"{r.total:,}",
        )
    progress.out.print(table)
    failed = outcome.failed_fail_level
    if failed:
        console.print(
            f"[red]{len(failed)} fail-level check(s) failed[/]: {', '.join(r.check.name for r in failed)}"
        )
        sys.exit(EXIT_FINDINGS)  # SystemExit passes the CLI's error handling untouched
