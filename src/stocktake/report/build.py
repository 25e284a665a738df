"""Run -> Report: decide what the report shows and format every number once.

Renderers never look at a Run; they read the tree built here. Caps on how much
is shown per column live in ReportOptions so a big run stays a reasonable file.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from stocktake.core.records import (
    Asset,
    ColumnProfile,
    Finding,
    Relationship,
    Run,
)
from stocktake.core.vocab import SAMPLE_ROWS_KEY, Severity
from stocktake.history.metrics import newest_timestamp
from stocktake.report import tree
from stocktake.report.columns import column_section
from stocktake.report.erd import layout_erd
from stocktake.report.fmt import (
    fmt_bytes,
    fmt_datetime,
    fmt_duration,
    fmt_int,
    fmt_pct,
    fmt_value,
    plural,
    shorten,
    type_label,
)
from stocktake.report.scores import asset_scores, domain_scores, tone

if TYPE_CHECKING:
    from stocktake.history.diff import RunDiff
    from stocktake.history.since_last import HistoryComparison

# Most severe first: the order of KPI cards, filters and finding lists.
SEVERITY_ORDER: tuple[str, ...] = (
    Severity.CRITICAL.value,
    Severity.ERROR.value,
    Severity.WARNING.value,
    Severity.INFO.value,
)


@dataclass(frozen=True, slots=True)
class ReportOptions:
    max_top_values: int = 8
    max_patterns: int = 5
    max_sample_keys: int = 10
    max_evidence: int = 12
    max_sample_rows: int = 3  # the JSON outputs keep every sample row; the page shows the first few
    max_sample_columns: int = 6
    max_text: int = 160  # longest evidence value or sample key shown, in characters
    max_label: int = 24  # widest chart label, in character cells (CJK counts two)


def _rank(severity: Severity | str) -> int:
    return len(SEVERITY_ORDER) - SEVERITY_ORDER.index(str(severity))


def _anchor(prefix: str, key: str) -> str:
    # DOM ids must be safe and stable across runs; asset ids may contain anything.
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


# ---- overview charts as data ----


def _count_bars(counter: Counter[str], label_of: Callable[[str], str]) -> tree.BarChart:
    bars = [
        tree.Bar(label=label_of(k), value=n, display=fmt_int(n), title=label_of(k))
        for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return tree.BarChart(bars=bars)


# ---- findings, assets ----


def _evidence(evidence: dict[str, Any], options: ReportOptions) -> list[tuple[str, str]]:
    def compact(value: Any) -> str:
        if isinstance(value, dict):
            return ", ".join(f"{k}={compact(v)}" for k, v in value.items())
        if isinstance(value, list | tuple):
            return ", ".join(compact(v) for v in value)
        return fmt_value(value, options.max_text)

    shown = [(k, v) for k, v in evidence.items() if k != SAMPLE_ROWS_KEY][: options.max_evidence]
    return [(str(k), shorten(compact(v), options.max_text)) for k, v in shown]


def _finding(
    f: Finding, assets: dict[str, Asset], anchors: dict[str, str], options: ReportOptions
) -> tree.FindingView:
    keys = f.rows.keys[: options.max_sample_keys]
    asset = assets.get(f.asset)
    samples = [r for r in f.evidence.get(SAMPLE_ROWS_KEY) or [] if isinstance(r, dict)]
    samples = samples[: options.max_sample_rows]
    sample_columns = list(dict.fromkeys(c for r in samples for c in r))[: options.max_sample_columns]
    safe_id = f.id if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", f.id) else _anchor("x", f.id)
    return tree.FindingView(
        id=f.id,
        anchor=f"f-{safe_id}",
        asset_id=f.asset,
        asset_name=asset.name if asset else f.asset,
        asset_anchor=anchors.get(f.asset, ""),
        columns=list(f.columns),
        family=str(f.family),
        type=str(f.type),
        type_label=type_label(f.type),
        severity=str(f.severity),
        severity_rank=_rank(f.severity),
        reason=f.reason,
        rows=f.rows.count,
        rows_display=fmt_int(f.rows.count),
        share=f.rows.share,
        share_display=fmt_pct(f.rows.share),
        key_columns=list(f.rows.key_columns),
        sample_keys=[fmt_value(k, options.max_text) for k in keys],
        keys_left_off=len(f.rows.keys) - len(keys),
        predicate=f.rows.predicate,
        impact=f"{fmt_int(f.impact.rows)} rows ({fmt_pct(f.impact.share)})",
        downstream=[
            f"{d.asset}: {fmt_int(d.rows)} rows ({fmt_pct(d.share)}) via {d.via}" for d in f.impact.downstream
        ],
        evidence=_evidence(f.evidence, options),
        sample_columns=sample_columns,
        sample_rows=[[fmt_value(r.get(c), options.max_text) for c in sample_columns] for r in samples],
        score=f.score,
        score_display=f"{f.score:.2f}",
        status=str(f.status),
        check=f.check,
    )


def _worst(findings: list[tree.FindingView]) -> str | None:
    return max((f.severity for f in findings), key=_rank, default=None)


def _history_chart(points: list[Any] | None, flagged_runs: set[str]) -> tree.SeriesChart | None:
    if not points or len(points) < 2:
        return None
    return tree.SeriesChart(
        points=[
            tree.SeriesPoint(
                label=fmt_datetime(p.started_at),
                value=p.value,
                display="—" if p.value is None else fmt_int(int(p.value)),
                flagged=p.run_id in flagged_runs,
            )
            for p in points
        ],
        metric="rows",
    )


def _relationship_lines(asset_id: str, rels: list[Relationship], names: dict[str, str]) -> list[str]:
    lines = []
    for r in rels:
        if r.from_asset == asset_id:
            other, cols, theirs, arrow = r.to_asset, r.from_columns, r.to_columns, "→"
        elif r.to_asset == asset_id:
            other, cols, theirs, arrow = r.from_asset, r.to_columns, r.from_columns, "←"
        else:
            continue
        orphans = f", {fmt_int(r.orphan_count)} orphans" if r.orphan_count else ""
        lines.append(
            f"{', '.join(cols)} {arrow} {names.get(other, other)}.{', '.join(theirs)} "
            f"({fmt_pct(r.coverage)} found{orphans})"
        )
    return lines


def _asset(
    asset: Asset,
    anchor: str,
    profiles: dict[str, ColumnProfile],
    findings: list[tree.FindingView],
    options: ReportOptions,
    score: float = 100.0,
    history: tree.SeriesChart | None = None,
    relationships: list[str] | None = None,
) -> tree.AssetSection:
    per_column: dict[str, list[tree.FindingView]] = defaultdict(list)
    for f in findings:
        for name in f.columns:
            per_column[name].append(f)
    columns = [
        column_section(
            f"{anchor}-c{i}",
            col,
            profiles.get(col.name),
            per_column[col.name],
            _worst(per_column[col.name]),
            options,
        )
        for i, col in enumerate(asset.columns)
    ]
    facts = [
        tree.Stat("Rows", fmt_int(asset.row_count)),
        tree.Stat("Size", fmt_bytes(asset.byte_size)),
        tree.Stat("Columns", fmt_int(len(asset.columns))),
        tree.Stat("Last modified", fmt_datetime(asset.last_modified)),
    ]
    facts += [tree.Stat(label, v) for label, v in (("Domain", asset.domain), ("Owner", asset.owner)) if v]
    facts.append(tree.Stat("Quality score", f"{score:.0f}", "of 100"))
    return tree.AssetSection(
        anchor=anchor,
        asset_id=asset.id,
        name=asset.name,
        source=asset.source,
        format=asset.format,
        location=asset.location,
        summary=[
            "— rows" if asset.row_count is None else plural(asset.row_count, "row"),
            fmt_bytes(asset.byte_size),
            plural(len(asset.columns), "column"),
        ],
        facts=facts,
        tags=list(asset.tags),
        read_options=[(k, fmt_value(v, options.max_text)) for k, v in asset.read_options.items()],
        notes=list(asset.notes),
        columns=columns,
        findings=findings,
        worst_severity=_worst(findings),
        score=score,
        score_display=f"{score:.0f}",
        score_tone=tone(score),
        history=history,
        relationships=relationships or [],
    )


# ---- overview, inventory, the whole report ----


def _changes(diff: RunDiff | None, names: dict[str, str]) -> tree.Changes | None:
    if diff is None:
        return None

    def listed(assets: list[Asset]) -> str:
        shown = ", ".join(a.name for a in assets[:5])
        return shown + (f" and {len(assets) - 5} more" if len(assets) > 5 else "")

    lines = []
    if diff.dropped_assets:
        lines.append(f"{plural(len(diff.dropped_assets), 'asset')} gone: {listed(diff.dropped_assets)}.")
    for change in diff.changed:
        name = names.get(change.asset, change.asset)
        parts = []
        if change.removed_columns:
            parts.append(f"removed {', '.join(change.removed_columns)}")
        if change.added_columns:
            parts.append(f"added {', '.join(change.added_columns)}")
        parts += [f"{r.column} {r.old_logical} → {r.new_logical}" for r in change.retyped]
        ratio = change.row_change_ratio
        if ratio and change.old_rows is not None and change.new_rows is not None and abs(ratio) >= 0.1:
            pct = "" if ratio == float("inf") else f" ({ratio:+.0%})"
            parts.append(f"rows {fmt_int(change.old_rows)} → {fmt_int(change.new_rows)}{pct}")
        if parts:
            lines.append(f"{name}: {'; '.join(parts)}.")
    if diff.new_assets:
        lines.append(f"{plural(len(diff.new_assets), 'new asset')}: {listed(diff.new_assets)}.")
    return tree.Changes(previous_run=diff.old_run, lines=lines)


def _domain_scores(assets: list[Asset], scores: dict[str, float]) -> list[tree.DomainScore]:
    names = {a.id: a.name for a in assets}
    return [
        tree.DomainScore(domain, count, score, f"{score:.0f}", tone(score), names[worst])
        for domain, (score, worst, count) in sorted(
            domain_scores(assets, scores).items(), key=lambda kv: (kv[1][0], kv[0])
        )
    ]


def _overview(
    run: Run,
    findings: list[tree.FindingView],
    scores: dict[str, float],
    changes: tree.Changes | None,
) -> tree.Overview:
    assets = run.assets
    counted = [a.row_count for a in assets if a.row_count is not None]
    sized = [a.byte_size for a in assets if a.byte_size is not None]
    profiled = {(p.asset, p.column) for p in run.profiles}
    by_severity = Counter(f.severity for f in findings)
    uncounted, unsized = len(assets) - len(counted), len(assets) - len(sized)
    kpis = [
        tree.Kpi("Assets", fmt_int(len(assets)), f"in {plural(len({a.source for a in assets}), 'source')}"),
        tree.Kpi("Rows", fmt_int(sum(counted)), f"{plural(uncounted, 'asset')} not counted" if uncounted else ""),
        tree.Kpi("Size", fmt_bytes(sum(sized)), f"{plural(unsized, 'asset')} without a size" if unsized else ""),
        tree.Kpi("Columns", fmt_int(sum(len(a.columns) for a in assets)), f"{len(profiled):,} profiled"),
        tree.Kpi("Findings", fmt_int(len(findings)), f"on {plural(len({f.asset_id for f in findings}), 'asset')}"),
    ]  # fmt: skip
    duration = ""
    if run.finished_at is not None:
        duration = fmt_duration((run.finished_at - run.started_at).total_seconds())
    return tree.Overview(
        run_id=run.id,
        started=fmt_datetime(run.started_at),
        finished=fmt_datetime(run.finished_at),
        duration=duration,
        code_version=run.code_version,
        model_versions=sorted(run.model_versions.items()),
        sources=[tree.SourceView(s.name, s.kind, s.uri) for s in run.sources],
        kpis=kpis,
        severities=[tree.SeverityCount(s, by_severity[s], fmt_int(by_severity[s])) for s in SEVERITY_ORDER],
        by_family=_count_bars(Counter(f.family for f in findings), label_of=str.capitalize),
        by_type=_count_bars(Counter(f.type for f in findings), label_of=type_label),
        errors=list(run.errors),
        domain_scores=_domain_scores(assets, scores),
        changes=changes,
    )


def _sortable_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    # Aware times in UTC so that text order is time order across offsets.
    return (moment.astimezone(UTC) if moment.tzinfo else moment).isoformat()


def _inventory_row(
    section: tree.AssetSection, asset: Asset, profiles: dict[str, ColumnProfile]
) -> tree.InventoryRow:
    score = section.score
    newest = newest_timestamp(list(profiles.values()))
    return tree.InventoryRow(
        anchor=section.anchor,
        asset_id=asset.id,
        name=asset.name,
        source=asset.source,
        format=asset.format,
        domain=asset.domain or "",
        pii=", ".join(sorted({c.pii_kind for c in section.columns if c.pii_kind})),
        rows=asset.row_count,
        rows_display=fmt_int(asset.row_count),
        bytes=asset.byte_size,
        bytes_display=fmt_bytes(asset.byte_size),
        modified_sort=_sortable_time(asset.last_modified),
        modified_display=fmt_datetime(asset.last_modified),
        owner=asset.owner or "",
        freshness_sort=_sortable_time(newest),
        freshness_display=fmt_datetime(newest) if newest else "",
        columns=len(asset.columns),
        findings=len(section.findings),
        worst_severity=section.worst_severity,
        score=score,
        score_display=section.score_display,
        score_tone=section.score_tone,
    )


def _sort_key(f: tree.FindingView) -> tuple[Any, ...]:
    return (-_rank(f.severity), -f.score, f.asset_name, f.type, f.id)


def _unique_anchors(views: list[tree.FindingView]) -> list[tree.FindingView]:
    """Finding ids should be unique in a run; if two collide, their links must still work."""
    seen: Counter[str] = Counter()
    unique = []
    for view in views:
        seen[view.anchor] += 1
        n = seen[view.anchor]
        unique.append(view if n == 1 else replace(view, anchor=f"{view.anchor}-{n}"))
    return unique


def build_report(
    run: Run, options: ReportOptions | None = None, history: HistoryComparison | None = None
) -> tree.Report:
    """`history` (from stocktake.history.compare_with_history) adds what changed since the last
    run and each asset's row counts over runs; without it the report covers this run alone."""
    options = options or ReportOptions()
    assets = sorted(run.assets, key=lambda a: (a.source, a.name, a.id))
    by_id = {a.id: a for a in assets}
    anchors = {a.id: _anchor("a", a.id) for a in assets}
    findings = _unique_anchors(
        sorted((_finding(f, by_id, anchors, options) for f in run.findings), key=_sort_key)
    )
    findings_of: dict[str, list[tree.FindingView]] = defaultdict(list)
    for view in findings:
        findings_of[view.asset_id].append(view)
    profiles_of: dict[str, dict[str, ColumnProfile]] = defaultdict(dict)
    for profile in run.profiles:
        profiles_of[profile.asset][profile.column] = profile
    scores = asset_scores(assets, run.findings)
    names = {a.id: a.name for a in assets}
    row_counts = history.row_counts if history else {}
    flagged_runs = {run.id} if history else set()
    volume_flagged = {
        f.asset
        for f in run.findings
        if str(f.type) == "volume_anomaly" and f.check and "row_count" in f.check
    }
    sections = [
        _asset(
            a,
            anchors[a.id],
            profiles_of[a.id],
            findings_of[a.id],
            options,
            score=scores[a.id],
            history=_history_chart(row_counts.get(a.id), flagged_runs if a.id in volume_flagged else set()),
            relationships=_relationship_lines(a.id, run.relationships, names),
        )
        for a in assets
    ]
    present = {f.asset_id for f in findings}
    # A filter choice is labelled by the asset's name, or by its id where two sources share a name.
    name_counts = Counter(a.name for a in assets)
    labels = {a.id: a.name if name_counts[a.name] == 1 else a.id for a in assets}
    return tree.Report(
        title=f"Stocktake inventory · {run.id}",
        overview=_overview(run, findings, scores, _changes(history.diff if history else None, names)),
        inventory=[_inventory_row(s, by_id[s.asset_id], profiles_of[s.asset_id]) for s in sections],
        assets=sections,
        findings=tree.FindingsSection(
            items=findings,
            families=sorted({f.family for f in findings}),
            types=sorted({f.type for f in findings}),
            severities=[s for s in SEVERITY_ORDER if any(f.severity == s for f in findings)],
            assets=sorted(((a, labels.get(a, a)) for a in present), key=lambda pair: (pair[1], pair[0])),
        ),
        erd=layout_erd(assets, run.relationships, lambda asset_id: anchors[asset_id]),
    )
