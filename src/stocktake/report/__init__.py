"""The inventory report: a Run -> a report tree (build) -> HTML, Markdown and JSON (renderers).

`write_report` renders every requested format first and only then writes, each file
atomically, so a failure while rendering leaves the previous report as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from stocktake.atomic import write_text_atomic
from stocktake.core.errors import UsageError
from stocktake.core.records import Run
from stocktake.report.build import ReportOptions, build_report
from stocktake.report.html import render_html
from stocktake.report.json_tree import render_json
from stocktake.report.markdown import render_markdown
from stocktake.report.tree import Report

if TYPE_CHECKING:
    from stocktake.history.since_last import HistoryComparison

__all__ = [
    "FORMATS",
    "Report",
    "ReportOptions",
    "build_report",
    "render_html",
    "render_json",
    "render_markdown",
    "write_report",
]

# format -> file name; the renderer is looked up at call time so tests can swap it.
FORMATS: dict[str, str] = {"html": "report.html", "md": "report.md", "json": "report.json"}


def _renderer(fmt: str) -> Callable[[Report], str]:
    return {"html": render_html, "md": render_markdown, "json": render_json}[fmt]


def write_report(
    run: Run,
    out_dir: Path,
    formats: Iterable[str] = ("html", "md"),
    options: ReportOptions | None = None,
    history: HistoryComparison | None = None,
) -> list[Path]:
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown report format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    report = build_report(run, options, history)
    rendered = {fmt: _renderer(fmt)(report) for fmt in wanted}
    return [write_text_atomic(Path(out_dir) / FORMATS[fmt], text) for fmt, text in rendered.items()]
