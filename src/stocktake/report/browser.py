"""Open a report in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Used by the browser tests and benchmarks/report_scale.py. Never downloads a browser: when
Chromium or Playwright is missing, `browser_unavailable()` says why and callers skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = os.environ.get("STOCKTAKE_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_unavailable() -> str | None:
    """None when a report can be opened here, else the reason it cannot."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (it is in the dev dependency group)"
    return None


@contextmanager
def chromium_page(width: int = 1360, height: int = 900) -> Iterator[Any]:
    """A fresh page in a fresh browser profile; console errors collect in page.console_errors."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="stocktake-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.console_errors = errors
            yield page
        finally:
            context.close()
