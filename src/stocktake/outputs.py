"""Write a run's machine-readable outputs: inventory.json and findings.json (see docs/formats.md)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stocktake.atomic import write_text_atomic

if TYPE_CHECKING:
    from stocktake.core.records import Run
    from stocktake.history.since_last import HistoryComparison

FORMAT_VERSION = 1


def _run_header(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "code_version": run.code_version,
        "model_versions": run.model_versions,
    }


def to_inventory(run: Run) -> dict[str, Any]:
    profiles: dict[tuple[str, str], dict[str, Any]] = {}
    for p in run.profiles:
        d = p.to_dict()
        for key in ("asset", "column", "logical_type", "engine_type"):
            d.pop(key)
        profiles[(p.asset, p.column)] = d
    findings_per_asset = Counter(f.asset for f in run.findings)
    assets = []
    for asset in run.assets:
        a = asset.to_dict()
        a["columns"] = [{**c.to_dict(), "profile": profiles.get((asset.id, c.name))} for c in asset.columns]
        a["findings"] = findings_per_asset.get(asset.id, 0)
        assets.append(a)
    return {
        "format": "stocktake.inventory",
        "version": FORMAT_VERSION,
        "run": _run_header(run),
        "sources": [s.to_dict() for s in run.sources],
        "summary": {
            "assets": len(run.assets),
            "columns": sum(len(a.columns) for a in run.assets),
            "rows": sum(a.row_count or 0 for a in run.assets),
            "bytes": sum(a.byte_size or 0 for a in run.assets),
            "findings": len(run.findings),
        },
        "assets": assets,
        "relationships": [r.to_dict() for r in run.relationships],
        "errors": run.errors,
    }


def to_findings(run: Run) -> dict[str, Any]:
    return {
        "format": "stocktake.findings",
        "version": FORMAT_VERSION,
        "run": _run_header(run),
        "counts": {
            "by_type": dict(sorted(Counter(str(f.type) for f in run.findings).items())),
            "by_severity": dict(sorted(Counter(str(f.severity) for f in run.findings).items())),
            "by_family": dict(sorted(Counter(str(f.family) for f in run.findings).items())),
        },
        "findings": [f.to_dict() for f in run.findings],
    }


def write_outputs(
    run: Run, out_dir: str | Path, report: bool = True, history: HistoryComparison | None = None
) -> list[Path]:
    """Write inventory.json, findings.json and (by default) report.html into `out_dir`.

    `history` (from compare_with_history) adds what changed and row counts over runs to the report."""
    out = Path(out_dir)
    paths = [
        write_text_atomic(
            out / "inventory.json", json.dumps(to_inventory(run), ensure_ascii=False, indent=1)
        ),
        write_text_atomic(out / "findings.json", json.dumps(to_findings(run), ensure_ascii=False, indent=1)),
    ]
    if report:
        from stocktake.report import write_report  # jinja2 templates load only when a report is asked for

        paths.extend(write_report(run, out, formats=("html",), history=history))
    return paths
