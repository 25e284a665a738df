"""`stocktake` command line. Thin: every command calls the public library API.

User mistakes (StocktakeError) print one line and exit with the code documented in
docs/cli.md; a bug prints one line plus how to get the traceback.
"""

from __future__ import annotations

import os
import sys

import click

from stocktake.core.errors import EXIT_INTERNAL, EXIT_USAGE, StocktakeError


def _build() -> click.Group:
    from stocktake.cli.app import cli

    return cli


def main(argv: list[str] | None = None) -> None:
    debug = os.environ.get("STOCKTAKE_DEBUG") == "1"
    try:
        _build().main(args=argv, prog_name="stocktake", standalone_mode=False)
    except StocktakeError as exc:
        if debug:
            raise
        click.echo(f"stocktake: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("stocktake: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"stocktake: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code if exc.exit_code else EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("stocktake: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(
            f"stocktake: internal error: {type(exc).__name__}: {first} "
            "(set STOCKTAKE_DEBUG=1 for a traceback and please report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(0)
