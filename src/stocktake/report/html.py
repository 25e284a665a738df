"""Report tree -> one self-contained HTML file (inline CSS, JS and SVG; no URLs).

Templates mirror the tree: report.html.j2 lays out the page and includes one
template per node (overview, inventory, asset, column, findings, finding).
Autoescaping is always on, so text from the data can never become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import jinja2

from stocktake.report.charts import render_chart
from stocktake.report.fmt import fmt_int
from stocktake.report.tree import Report

TEMPLATES = Path(__file__).parent / "templates"


class DedentingLoader(jinja2.FileSystemLoader):
    """Drops the templates' own indentation before compiling: readable sources, a smaller page.

    Only template text is touched; data inserted while rendering (a predicate in <pre>)
    keeps its whitespace.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)
        return "\n".join(line.lstrip() for line in source.splitlines()) + "\n", filename, uptodate


@lru_cache(maxsize=1)
def html_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=DedentingLoader(TEMPLATES),
        autoescape=True,  # on for every template, whatever its name
        undefined=jinja2.StrictUndefined,  # a misspelt field fails loudly instead of rendering blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg"] = render_chart
    env.filters["num"] = fmt_int  # counts the templates compute (lengths), formatted like the tree's
    return env


def render_html(report: Report) -> str:
    return html_environment().get_template("report.html.j2").render(report=report)
