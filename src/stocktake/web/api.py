"""The JSON API: one route per view of the web app, each with a pydantic response model,
so /openapi.json describes all of them. Writes: a verdict per finding, or in bulk."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from stocktake.catalog import Verdict
from stocktake.core.errors import CatalogError
from stocktake.core.records import Asset, ColumnProfile, Finding, Relationship, Scalar, Source
from stocktake.core.vocab import FindingStatus
from stocktake.history import metric_history
from stocktake.review.pairs import check_pair, pair_target, pair_verdicts
from stocktake.review.rows import check_row_key, row_target, row_verdicts
from stocktake.web.queue import QueueFilter, query_findings
from stocktake.web.service import CatalogService, RunView, priority
from stocktake.web.session import guard_of, reveal_pii, service_of

router = APIRouter(prefix="/api", tags=["api"])

VerdictName = Literal["confirmed", "rejected", "fixed"]


class RunOut(BaseModel):
    id: str
    started_at: datetime
    finished_at: datetime | None
    code_version: str
    sources: list[Source]
    asset_count: int
    finding_count: int
    error_count: int


class KpiOut(BaseModel):
    label: str
    value: str
    note: str = ""


class DomainScoreOut(BaseModel):
    domain: str
    assets: int
    score: float
    worst: str


class TrendPoint(BaseModel):
    run_id: str
    started_at: datetime
    open: int  # open findings after verdicts
    score: float  # mean asset quality score, 0-100


class DashboardOut(BaseModel):
    run_id: str
    kpis: list[KpiOut]
    severities: dict[str, int]  # open findings by severity
    open_by_family: dict[str, int]
    status_counts: dict[str, int]
    domain_scores: list[DomainScoreOut]
    previous_run: str | None
    changes: list[str]
    trends: list[TrendPoint]


class AssetRowOut(BaseModel):
    id: str
    name: str
    source: str
    format: str
    domain: str
    rows: int | None
    bytes: int | None
    columns: int
    findings: int
    open_findings: int
    worst_severity: str | None
    score: float
    pii: str


class HistoryPoint(BaseModel):
    run_id: str
    started_at: datetime
    rows: float | None


class AssetDetailOut(BaseModel):
    run_id: str
    asset: Asset
    score: float
    profiles: list[ColumnProfile]
    findings: list[Finding]
    relationships: list[Relationship]
    history: list[HistoryPoint]


class QueueItem(BaseModel):
    finding: Finding
    priority: float = Field(description="impact share × score: the queue's default order")


class FindingsPageOut(BaseModel):
    run_id: str
    total: int
    offset: int
    limit: int
    items: list[QueueItem]


class VerdictOut(BaseModel):
    finding_id: str
    verdict: VerdictName
    run_id: str | None
    comment: str | None
    reviewer: str | None
    at: datetime


class FindingDetailOut(BaseModel):
    run_id: str
    finding: Finding
    priority: float
    verdicts: list[VerdictOut]  # oldest first
    row_verdicts: dict[str, VerdictOut] = Field(
        description="latest verdict per flagged row, by the row's key as compact JSON"
    )
    pair_verdicts: dict[str, VerdictOut] = Field(
        default_factory=dict,
        description="latest verdict per example pair (near-duplicate findings), by the pair's two keys "
        "as compact JSON in canonical order",
    )


class AssetChangeOut(BaseModel):
    asset: str
    added_columns: list[str]
    removed_columns: list[str]
    retyped: list[str]
    old_rows: int | None
    new_rows: int | None
    shifts: list[str]


class DiffOut(BaseModel):
    old_run: str
    new_run: str
    new_assets: list[str]
    dropped_assets: list[str]
    changed: list[AssetChangeOut]
    new_findings: list[str]  # finding ids only in the new run
    resolved_findings: list[str]  # finding ids only in the old run
    kept_findings: int


class VerdictIn(BaseModel):
    verdict: VerdictName
    comment: str | None = None
    reviewer: str | None = None
    run: str | None = Field(None, description="the run the reviewer looked at (default: latest)")


class RowVerdictIn(VerdictIn):
    key: Scalar | list[Scalar] = Field(description="one of the finding's rows.keys")


class PairVerdictIn(VerdictIn):
    verdict: Literal["confirmed", "rejected"] = Field(  # type: ignore[assignment]
        description="confirmed: the two rows are one entity; rejected: they are different ones"
    )
    keys: list[Scalar] = Field(
        min_length=2, max_length=2, description="the pair's keys, as in evidence.pairs"
    )


class BulkVerdictIn(VerdictIn):
    finding_ids: list[str] = Field(min_length=1, max_length=1000)


def verdict_out(v: Verdict) -> VerdictOut:
    return VerdictOut(
        finding_id=v.finding_id,
        verdict=v.verdict.value,  # type: ignore[arg-type]
        run_id=v.run_id,
        comment=v.comment,
        reviewer=v.reviewer,
        at=v.at,
    )


def _view(request: Request, run: str | None) -> RunView:
    return service_of(request).view(run, reveal_pii(request))


# -- reading ------------------------------------------------------------------------------------


@router.get("/runs", response_model=list[RunOut])
def runs(request: Request) -> list[RunOut]:
    return [RunOut(**vars(s)) for s in service_of(request).list_runs()]


def dashboard_data(service: CatalogService, view: RunView) -> DashboardOut:
    o = view.report.overview
    open_findings = [f for f in view.run.findings if f.status == FindingStatus.OPEN]
    return DashboardOut(
        run_id=view.run.id,
        kpis=[KpiOut(label=k.label, value=k.value, note=k.note) for k in o.kpis],
        severities=dict(Counter(str(f.severity) for f in open_findings)),
        open_by_family=dict(Counter(str(f.family) for f in open_findings).most_common()),
        status_counts=dict(Counter(str(f.status) for f in view.run.findings)),
        domain_scores=[
            DomainScoreOut(domain=d.domain, assets=d.assets, score=d.score, worst=d.worst)
            for d in o.domain_scores
        ],
        previous_run=o.changes.previous_run if o.changes else None,
        changes=list(o.changes.lines) if o.changes else [],
        trends=[TrendPoint(**p) for p in service.trends(view)],  # type: ignore[arg-type]
    )


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(request: Request, run: str | None = None) -> DashboardOut:
    return dashboard_data(service_of(request), _view(request, run))


def asset_rows(view: RunView) -> list[AssetRowOut]:
    open_of = Counter(f.asset for f in view.run.findings if f.status == FindingStatus.OPEN)
    return [
        AssetRowOut(
            id=r.asset_id,
            name=r.name,
            source=r.source,
            format=r.format,
            domain=r.domain,
            rows=r.rows,
            bytes=r.bytes,
            columns=r.columns,
            findings=r.findings,
            open_findings=open_of[r.asset_id],
            worst_severity=r.worst_severity,
            score=r.score,
            pii=r.pii,
        )
        for r in view.report.inventory
    ]


@router.get("/assets", response_model=list[AssetRowOut])
def assets(request: Request, run: str | None = None) -> list[AssetRowOut]:
    return asset_rows(_view(request, run))


def find_asset(view: RunView, asset_id: str) -> Asset:
    for a in view.run.assets:
        if a.id == asset_id:
            return a
    by_name = [a for a in view.run.assets if a.name == asset_id]
    if len(by_name) == 1:
        return by_name[0]
    raise CatalogError(f"no asset {asset_id!r} in run {view.run.id}")


@router.get("/assets/{asset_id:path}", response_model=AssetDetailOut)
def asset_detail(request: Request, asset_id: str, run: str | None = None) -> AssetDetailOut:
    view = _view(request, run)
    asset = find_asset(view, asset_id)
    service = service_of(request)
    points = metric_history(service.catalog, asset.id, "row_count")
    section = next(s for s in view.report.assets if s.asset_id == asset.id)
    return AssetDetailOut(
        run_id=view.run.id,
        asset=asset,
        score=section.score,
        profiles=[p for p in view.run.profiles if p.asset == asset.id],
        findings=[f for f in view.run.findings if f.asset == asset.id],
        relationships=[r for r in view.run.relationships if asset.id in (r.from_asset, r.to_asset)],
        history=[HistoryPoint(run_id=p.run_id, started_at=p.started_at, rows=p.value) for p in points],
    )


@router.get("/findings", response_model=FindingsPageOut)
def findings(
    request: Request,
    run: str | None = None,
    status: str = "open",
    family: str = "",
    type: str = "",
    severity: str = "",
    asset: str = "",
    q: str = "",
    sort: str = "priority",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> FindingsPageOut:
    view = _view(request, run)
    flt = QueueFilter(status, family, type, severity, asset, q, sort, offset, limit)
    total, page = query_findings(view.run.findings, flt)
    return FindingsPageOut(
        run_id=view.run.id,
        total=total,
        offset=offset,
        limit=limit,
        items=[QueueItem(finding=f, priority=priority(f)) for f in page],
    )


def find_finding(view: RunView, finding_id: str) -> Finding:
    found = view.findings.get(finding_id)
    if found is None:
        raise CatalogError(f"no finding {finding_id!r} in run {view.run.id}")
    return found


@router.get("/findings/{finding_id}", response_model=FindingDetailOut)
def finding_detail(request: Request, finding_id: str, run: str | None = None) -> FindingDetailOut:
    view = _view(request, run)
    f = find_finding(view, finding_id)
    catalog = service_of(request).catalog
    return FindingDetailOut(
        run_id=view.run.id,
        finding=f,
        priority=priority(f),
        verdicts=[verdict_out(v) for v in catalog.verdicts_for(f.id)],
        row_verdicts={k: verdict_out(v) for k, v in row_verdicts(catalog, f.id).items()},
        pair_verdicts={k: verdict_out(v) for k, v in pair_verdicts(catalog, f.id).items()},
    )


def diff_data(service: CatalogService, old: str | None, new: str | None, reveal: bool) -> DiffOut:
    old_run, new_run, d = service.diff(old, new, reveal)
    old_ids, new_ids = {f.id for f in old_run.findings}, {f.id for f in new_run.findings}
    return DiffOut(
        old_run=old_run.id,
        new_run=new_run.id,
        new_assets=[a.id for a in d.new_assets],  # type: ignore[attr-defined]
        dropped_assets=[a.id for a in d.dropped_assets],  # type: ignore[attr-defined]
        changed=[
            AssetChangeOut(
                asset=c.asset,
                added_columns=c.added_columns,
                removed_columns=c.removed_columns,
                retyped=[f"{r.column}: {r.old_logical} → {r.new_logical}" for r in c.retyped],
                old_rows=c.old_rows,
                new_rows=c.new_rows,
                shifts=[f"{s.column} {s.metric}: {s.old:.4g} → {s.new:.4g}" for s in c.shifts],
            )
            for c in d.changed  # type: ignore[attr-defined]
        ],
        new_findings=sorted(new_ids - old_ids),
        resolved_findings=sorted(old_ids - new_ids),
        kept_findings=len(old_ids & new_ids),
    )


@router.get("/diff", response_model=DiffOut)
def diff(request: Request, old: str | None = None, new: str | None = None) -> DiffOut:
    return diff_data(service_of(request), old, new, reveal_pii(request))


@router.get("/csrf", response_model=dict[str, str])
def csrf(request: Request) -> dict[str, str]:
    """The CSRF token to send as X-CSRF-Token with each POST (same-origin readers only)."""
    return {"csrf_token": guard_of(request).csrf_token}


# -- writing ------------------------------------------------------------------------------------


def record(service: CatalogService, ids: list[str], body: VerdictIn) -> list[VerdictOut]:
    view = service.view(body.run)
    missing = [i for i in ids if i not in view.findings]
    if missing:
        raise CatalogError(f"no finding {missing[0]!r} in run {view.run.id}")
    return [_store(service, i, body, view.run.id) for i in ids]


def _store(service: CatalogService, target: str, body: VerdictIn, run_id: str) -> VerdictOut:
    stored = service.catalog.record_verdict(
        target, body.verdict, run_id=run_id, comment=body.comment or None, reviewer=body.reviewer or None
    )
    return verdict_out(stored)


def record_row(service: CatalogService, finding_id: str, body: RowVerdictIn) -> VerdictOut:
    view = service.view(body.run)
    finding = find_finding(view, finding_id)
    check_row_key(finding, body.key)
    return _store(service, row_target(finding.id, body.key), body, view.run.id)


def record_pair(service: CatalogService, finding_id: str, body: PairVerdictIn) -> VerdictOut:
    view = service.view(body.run)
    finding = find_finding(view, finding_id)
    check_pair(finding, body.keys)
    return _store(service, pair_target(finding.id, body.keys), body, view.run.id)


@router.post("/findings/{finding_id}/pairs/verdict", response_model=VerdictOut)
async def post_pair_verdict(request: Request, finding_id: str, body: PairVerdictIn) -> VerdictOut:
    """A verdict on one example pair of a near-duplicate finding: the same entity (confirmed) or
    different ones (rejected)? Kept as labels for `stocktake train matcher --from-reviews`."""
    await guard_of(request).check_post(request)
    return record_pair(service_of(request), finding_id, body)


@router.post("/findings/{finding_id}/rows/verdict", response_model=VerdictOut)
async def post_row_verdict(request: Request, finding_id: str, body: RowVerdictIn) -> VerdictOut:
    """A verdict on one flagged row: is this row really wrong (confirmed) or not (rejected)?"""
    await guard_of(request).check_post(request)
    return record_row(service_of(request), finding_id, body)


@router.post("/findings/{finding_id}/verdict", response_model=VerdictOut)
async def post_verdict(request: Request, finding_id: str, body: VerdictIn) -> VerdictOut:
    await guard_of(request).check_post(request)
    return record(service_of(request), [finding_id], body)[0]


@router.post("/verdicts", response_model=list[VerdictOut])
async def post_verdicts(request: Request, body: BulkVerdictIn) -> list[VerdictOut]:
    await guard_of(request).check_post(request)
    return record(service_of(request), list(dict.fromkeys(body.finding_ids)), body)
