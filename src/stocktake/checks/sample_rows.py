"""A few whole rows for each finding that has a predicate: what the problem looks like, not just a count.

Fetched with the finding's own predicate, in the source's engine, after every finding is known.
The columns shown are the finding's columns and key columns first, then the asset's others up to a
cap, so a wide table still reads at a glance. Values are cut to a length and stored in the
evidence as `sample_rows`; personal data in them is masked with the rest of the run
(semantics/redact_run.py) before anything is written. A sample is a courtesy: a query that fails
leaves the finding as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from stocktake.core.records import Asset, Finding
from stocktake.core.vocab import SAMPLE_ROWS_KEY, Severity
from stocktake.engines.profiling import REL, quote_duckdb, to_scalar

if TYPE_CHECKING:
    from stocktake.engines.base import Engine

SAMPLE_ROWS = 5
MAX_COLUMNS = 10
MAX_CHARS = 120
# A run can hold thousands of findings; the most severe ones per asset get samples.
MAX_FINDINGS_PER_ASSET = 25
_RANK = {Severity.CRITICAL: 0, Severity.ERROR: 1, Severity.WARNING: 2, Severity.INFO: 3}


def attach_sample_rows(findings: list[Finding], assets: list[Asset], engines: Mapping[str, Engine]) -> int:
    """Add `sample_rows` to the evidence of findings with a predicate; returns how many got one."""
    by_id = {a.id: a for a in assets}
    per_asset: dict[str, list[Finding]] = {}
    for f in findings:
        if f.rows.predicate and f.asset in by_id and SAMPLE_ROWS_KEY not in f.evidence:
            per_asset.setdefault(f.asset, []).append(f)
    done = 0
    for asset_id, candidates in per_asset.items():
        asset = by_id[asset_id]
        engine = engines.get(asset.source)
        if engine is None:
            continue
        candidates.sort(key=lambda f: (_RANK.get(f.severity, 9), -f.score))
        for f in candidates[:MAX_FINDINGS_PER_ASSET]:
            rows = _fetch(engine, asset, f)
            if rows:
                f.evidence[SAMPLE_ROWS_KEY] = rows
                done += 1
    return done


def _columns(asset: Asset, finding: Finding) -> list[str]:
    names = [c.name for c in asset.columns]
    wanted = [c for c in [*finding.columns, *finding.rows.key_columns] if c in names]
    wanted += [c for c in names if c not in wanted]
    return list(dict.fromkeys(wanted))[:MAX_COLUMNS]


def _fetch(engine: Engine, asset: Asset, finding: Finding) -> list[dict[str, object]]:
    columns = _columns(asset, finding)
    if not columns:
        return []
    select = engine.transpile(f"SELECT {', '.join(quote_duckdb(c) for c in columns)} FROM {REL}")
    # The stored predicate is already in the engine's dialect and names the relation itself.
    sql = f"{select.replace(REL, engine.relation(asset))} WHERE {finding.rows.predicate} LIMIT {SAMPLE_ROWS}"
    try:
        _, rows = engine.execute(sql)
    except Exception:  # an engine's error must not cost the finding; the sample is optional
        return []
    return [{c: _short(to_scalar(v)) for c, v in zip(columns, row, strict=False)} for row in rows]


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CHARS:
        return value[: MAX_CHARS - 1] + "…"
    return value
