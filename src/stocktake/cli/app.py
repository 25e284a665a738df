"""The click command group; each command lives in cli/commands/."""

from __future__ import annotations

import click

from stocktake.cli.commands import (
    catalog_cmds,
    check_cmds,
    clean_cmd,
    demo_cmd,
    errors_cmd,
    from_reviews_cmd,
    history_cmds,
    match_cmds,
    review_cmd,
    scan_cmd,
    serve_cmd,
    train_cmds,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="stocktake")
@click.option(
    "--catalog",
    envvar="STOCKTAKE_CATALOG",
    default=None,
    metavar="URL",
    help="Catalog location: a SQLite path or a postgresql:// URL [default: .stocktake/catalog.db; env STOCKTAKE_CATALOG].",
)
@click.option(
    "--show-pii",
    is_flag=True,
    help="Write personal data (emails, phones, ID and card numbers) unmasked in outputs and the catalog.",
)
@click.pass_context
def cli(ctx: click.Context, catalog: str | None, show_pii: bool) -> None:
    """Take stock (盘点) of the data assets behind an e-commerce search & recommendation business."""
    ctx.obj = {"catalog": catalog, "show_pii": show_pii}


cli.add_command(scan_cmd.scan)
cli.add_command(demo_cmd.demo)
cli.add_command(check_cmds.suggest)
cli.add_command(check_cmds.check)
cli.add_command(catalog_cmds.assets)
cli.add_command(catalog_cmds.show)
cli.add_command(catalog_cmds.runs)
cli.add_command(history_cmds.diff)
cli.add_command(history_cmds.history)
cli.add_command(clean_cmd.clean)
cli.add_command(errors_cmd.errors)
cli.add_command(serve_cmd.serve)
cli.add_command(review_cmd.review)
cli.add_command(train_cmds.train)
cli.add_command(train_cmds.models)
cli.add_command(match_cmds.match)
cli.add_command(match_cmds.dedupe)
train_cmds.train.add_command(match_cmds.train_matcher)
train_cmds.train.add_command(from_reviews_cmd.from_reviews)
