"""Report tree -> JSON: the same decisions as the HTML and Markdown, for tools and dashboards.

inventory.json and findings.json (stocktake.outputs) carry the raw records; report.json
carries what the report *says*: scores, formatted numbers, chart data, the diagram layout.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from stocktake.report.tree import Report

FORMAT = "stocktake.report"
VERSION = 1


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def render_json(report: Report) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, **_plain(report)}, ensure_ascii=False, indent=1)
