"""Report tree -> a Markdown summary: overview, inventory, findings by severity.

For pull requests, chat and terminals; the HTML report has the detail. Text from
the data is escaped so it cannot break a table or turn into markup or links.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from stocktake.report.fmt import fmt_int
from stocktake.report.html import TEMPLATES
from stocktake.report.tree import FindingView, Report

# Characters that would end a table cell, start markup or a link, or be read as HTML.
_MD_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "[": "\\[",
        "]": "\\]",
    }
)


def md_text(value: object) -> str:
    """One line of Markdown text, safe inside a table cell."""
    return " ".join(str(value).split()).translate(_MD_ESCAPES)


@lru_cache(maxsize=1)
def markdown_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown, not HTML: the md filter does the escaping
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["num"] = fmt_int
    return env


def _by_severity(items: list[FindingView], severities: list[str]) -> list[tuple[str, list[FindingView]]]:
    return [(s, [f for f in items if f.severity == s]) for s in severities]


def render_markdown(report: Report, max_findings_per_severity: int = 200) -> str:
    groups = _by_severity(report.findings.items, report.findings.severities)
    template = markdown_environment().get_template("report.md.j2")
    return template.render(report=report, groups=groups, cap=max_findings_per_severity)
