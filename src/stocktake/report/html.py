"""Report tree -> one self-contained HTML file (inline CSS, JS and SVG; no URLs).

Templates mirror the tree: report.html.j2 lays out the page and includes one
template per node (overview, inventory, asset, column, findings, finding).
Autoescaping is always on, so text from the data can never become markup.

What is big and not needed at first sight — each asset's body (column profiles and
charts) and every finding row — is rendered to HTML here but parked in two payloads
(<script type="application/json">, gzip+base64 above PAYLOAD_GZIP_BYTES) that the page's
script inserts on demand: a section when it is opened, findings a page at a time. The
file stays small because repetitive markup compresses ~10×, and the page is usable once
the findings part is unpacked (benchmarks/report_scale.py measures both).
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from stocktake.report.charts import render_chart
from stocktake.report.fmt import fmt_int
from stocktake.report.tree import FindingView, Report

PAYLOAD_GZIP_BYTES = 1_000_000  # below this, plain JSON: greppable, and no decompression at all
JSON_TYPE, GZIP_TYPE = "application/json", "application/x-stocktake-gzip-base64"

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


def _finding_row(f: FindingView, html: str) -> list[Any]:
    # Field order is read by script.js.j2 (F there): keep the two in step. Search text is
    # derived from the row's HTML in the browser, on first search, rather than shipped twice.
    return [f.anchor, f.severity, f.family, f.type, f.asset_id, f.severity_rank, f.asset_name.lower(),
            f.rows, f.score, f.status, html]  # fmt: skip


def build_payload(report: Report) -> dict[str, Any]:
    env = html_environment()
    body = env.get_template("asset_body.html.j2")
    row = env.get_template("finding.html.j2")
    return {
        "assets": {a.anchor: body.render(asset=a) for a in report.assets},
        "findings": [_finding_row(f, row.render(f=f)) for f in report.findings.items],
    }


def encode_payload(part: Any) -> tuple[str, str]:
    """(script type, script text). '<' is escaped so nothing in the data can close the script."""
    text = json.dumps(part, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    if len(text.encode("utf-8")) < PAYLOAD_GZIP_BYTES:
        return JSON_TYPE, text
    packed = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    return GZIP_TYPE, base64.b64encode(packed).decode("ascii")


def decode_payload(html: str) -> dict[str, Any]:
    """The payload of a rendered page ({"findings": [...], "assets": {...}}), for tests and tools."""
    parts = re.findall(r'<script type="([^"]+)" id="payload-(\w+)">(.*?)</script>', html, re.S)
    if not parts:
        raise ValueError("no payload in this page")
    out = {}
    for kind, name, text in parts:
        if kind == GZIP_TYPE:
            text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
        out[name] = json.loads(text)
    return out


def page_text(html: str) -> str:
    """The page with its payload's HTML laid out in full: what a reader could ever see."""
    payload = decode_payload(html)
    return "\n".join([html, *payload["assets"].values(), *(row[-1] for row in payload["findings"])])


def render_html(report: Report) -> str:
    # Two parts: findings are unpacked as the page opens, asset bodies only once it is usable.
    payload = build_payload(report)
    parts = {name: encode_payload(payload[name]) for name in ("findings", "assets")}
    template = html_environment().get_template("report.html.j2")
    return template.render(report=report, payloads={n: (k, Markup(t)) for n, (k, t) in parts.items()})
