"""What the web app's browser tests share: the app served on a free local port in a thread,
screenshots that must not be blank, and a check that a page fits its viewport's width."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stocktake.report.browser import browser_unavailable


def need_browser() -> None:
    """Skip without Chromium; under CI=true a missing browser fails instead."""
    reason = browser_unavailable()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    if reason:
        pytest.skip(reason)


@contextmanager
def serving(catalog_url: str) -> Iterator[str]:
    """`stocktake serve`'s app over `catalog_url` on 127.0.0.1; yields its base URL."""
    import uvicorn

    from stocktake.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(catalog_url), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def shot(page, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """Screenshot into STOCKTAKE_SCREENSHOTS (or tmp_path); a blank page fails."""
    folder = Path(os.environ.get("STOCKTAKE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000  # a rendered page, not a blank one


def no_horizontal_overflow(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"page is {width}px wide"
