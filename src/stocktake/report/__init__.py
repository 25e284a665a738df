"""The inventory report: a Run -> a report tree (build) -> HTML and Markdown (renderers).

`write_report` renders every requested format first and only then writes, each file
atomically, so a failure while rendering leaves the previous report as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from stocktake.atomic import write_text_atomic
from stocktake.core.errors import UsageError
from stocktake.core.records import Run
from stocktake.report.build import ReportOptions, build_report
from stocktake.report.html import render_html
from stocktake.report.markdown import render_markdown
from stocktake.report.tree import Report

__all__ = [
    "FORMATS",
    "Report",
    "ReportOptions",
    "build_report",
    "render_html",
    "render_markdown",
    "write_report",
]

# format -> file name; the renderer is looked up at call time so tests can swap it.
FORMATS: dict[str, str] = {"html": "report.html", "md": "report.md"}


def _renderer(fmt: str) -> Callable[[Report], str]:
    return {"html": render_html, "md": render_markdown}[fmt]


def write_report(
    run: Run,
    out_dir: Path,
    formats: Iterable[str] = ("html", "md"),
    options: ReportOptions | None = None,
) -> list[Path]:
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown report format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    report = build_report(run, options)
    rendered = {fmt: _renderer(fmt)(report) for fmt in wanted}
    return [write_text_atomic(Path(out_dir) / FORMATS[fmt], text) for fmt, text in rendered.items()]
