"""`stocktake serve`: the web app over the catalog (extra [web])."""

from __future__ import annotations

import click

from stocktake.cli.progress import console


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but loopback needs --token.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on."
)
@click.option(
    "--token",
    envvar="STOCKTAKE_TOKEN",
    default=None,
    metavar="T",
    help="Require this token on every request (header 'Authorization: Bearer T', or open /?token=T once) [env STOCKTAKE_TOKEN].",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, token: str | None) -> None:
    """Serve the catalog as a web app: dashboard, assets, findings queue, review, run diff, JSON API."""
    from stocktake.core.errors import MissingExtraError, UsageError
    from stocktake.web.security import is_loopback

    if not is_loopback(host) and not token:
        raise UsageError(f"refusing to serve on {host} without a token: pass --token (or bind 127.0.0.1)")
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError("uvicorn", "web") from exc
    from stocktake.web.app import create_app

    app = create_app(ctx.obj["catalog"], token=token, show_pii=ctx.obj["show_pii"])
    shown = f"[{host}]" if ":" in host else host
    console.print(f"serving the catalog at http://{shown}:{port}/ (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
