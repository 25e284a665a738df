"""The HTML pages: server-rendered from the report tree with the report's own templates and CSS.

Forms work without JavaScript (a verdict is a plain POST answered by a redirect back);
static/app.js only submits filters on change and ticks every row for a bulk action.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stocktake.core.errors import UsageError
from stocktake.report.charts import render_chart
from stocktake.report.fmt import fmt_datetime, fmt_int
from stocktake.report.html import TEMPLATES as REPORT_TEMPLATES
from stocktake.report.html import DedentingLoader
from stocktake.report.tree import Bar, BarChart, SeriesChart, SeriesPoint
from stocktake.review.pairs import evidence_pairs, pair_verdicts
from stocktake.review.rows import key_text, row_verdicts
from stocktake.web import api
from stocktake.web.queue import SORTS, QueueFilter, query_findings
from stocktake.web.service import priority
from stocktake.web.session import PII_COOKIE, REVIEWER_COOKIE, guard_of, reveal_pii, reviewer_of, service_of

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
STATUSES = ("open", "confirmed", "rejected", "fixed", "all")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # Our pages first, then the report's templates (asset body, column, style) reused as they are.
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(TEMPLATES), DedentingLoader(REPORT_TEMPLATES)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["svg"] = render_chart
    env.filters["num"] = fmt_int
    env.filters["when"] = fmt_datetime
    return env


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    service = service_of(request)
    context.setdefault("run_id", None)
    html = (
        environment()
        .get_template(template)
        .render(
            request_path=request.url.path,
            csrf=guard_of(request).csrf_token,
            pii_allowed=service.pii_allowed,
            pii_shown=reveal_pii(request),
            reviewer=reviewer_of(request),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return _page(request, "page_error.html.j2", status=status, message=message, status_code=status)


def _local(target: str | None, default: str) -> str:
    """Only redirect within this server: a path, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _runs_query(run: str | None) -> str:
    return f"?{urlencode({'run': run})}" if run else ""


# -- static -------------------------------------------------------------------------------------


@router.get("/static/style.css")
def style() -> Response:
    css = environment().get_template("style.css.j2").render() + (TEMPLATES / "web.css").read_text("utf-8")
    return Response(css, media_type="text/css")


@router.get("/static/app.js")
def script() -> Response:
    return Response((TEMPLATES / "app.js").read_text("utf-8"), media_type="text/javascript")


# -- views --------------------------------------------------------------------------------------


def _trend_chart(points: list[api.TrendPoint], key: str, metric: str) -> SeriesChart:
    return SeriesChart(
        points=[
            SeriesPoint(
                label=fmt_datetime(p.started_at),
                value=float(getattr(p, key)),
                display=f"{getattr(p, key):g}",
            )
            for p in points
        ],
        metric=metric,
    )


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, run: str | None = None) -> HTMLResponse:
    service = service_of(request)
    if not service.list_runs():
        return _page(request, "page_empty.html.j2")
    view = service.view(run, reveal_pii(request))
    data = api.dashboard_data(service, view)
    by_family = BarChart([Bar(k.capitalize(), v, fmt_int(v), k) for k, v in data.open_by_family.items()])
    return _page(
        request,
        "page_dashboard.html.j2",
        run_id=view.run.id,
        o=view.report.overview,
        data=data,
        by_family=by_family,
        trend_open=_trend_chart(data.trends, "open", "open findings"),
        trend_score=_trend_chart(data.trends, "score", "mean quality score"),
        worst=sorted(view.report.inventory, key=lambda r: r.score)[:8],
    )


@router.get("/assets", response_class=HTMLResponse)
def assets(request: Request, run: str | None = None) -> HTMLResponse:
    view = service_of(request).view(run, reveal_pii(request))
    rows = api.asset_rows(view)
    return _page(request, "page_assets.html.j2", run_id=view.run.id, rows=rows, q=_runs_query(run))


@router.get("/assets/{asset_id:path}", response_class=HTMLResponse)
def asset(request: Request, asset_id: str, run: str | None = None) -> HTMLResponse:
    view = service_of(request).view(run, reveal_pii(request))
    found = api.find_asset(view, asset_id)
    section = next(s for s in view.report.assets if s.asset_id == found.id)
    return _page(request, "page_asset.html.j2", run_id=view.run.id, asset=section, q=_runs_query(run))


def _filter_from(request: Request) -> QueueFilter:
    p = request.query_params
    try:
        offset = max(0, int(p.get("offset", "0") or 0))
    except ValueError:
        offset = 0
    sort = p.get("sort", "priority")
    return QueueFilter(
        status=p.get("status", "open"),
        family=p.get("family", ""),
        type=p.get("type", ""),
        severity=p.get("severity", ""),
        asset=p.get("asset", ""),
        q=p.get("q", ""),
        sort=sort if sort in SORTS else "priority",
        offset=offset,
        limit=50,
    )


@router.get("/findings", response_class=HTMLResponse)
def findings(request: Request, run: str | None = None) -> HTMLResponse:
    view = service_of(request).view(run, reveal_pii(request))
    flt = _filter_from(request)
    total, page = query_findings(view.run.findings, flt)
    views = {f.id: f for f in view.report.findings.items}
    items = [(views[f.id], priority(f)) for f in page if f.id in views]
    here = dict(request.query_params)
    pages = {}
    if flt.offset > 0:
        pages["prev"] = "?" + urlencode({**here, "offset": max(0, flt.offset - flt.limit)})
    if flt.offset + flt.limit < total:
        pages["next"] = "?" + urlencode({**here, "offset": flt.offset + flt.limit})
    section = view.report.findings
    return _page(
        request,
        "page_findings.html.j2",
        run_id=view.run.id,
        run_ref=run or "",
        flt=flt,
        total=total,
        items=items,
        pages=pages,
        choices={
            "status": STATUSES,
            "family": section.families,
            "type": section.types,
            "severity": section.severities,
            "sort": SORTS,
        },
        asset_choices=section.assets,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding(request: Request, finding_id: str, run: str | None = None) -> HTMLResponse:
    service = service_of(request)
    view = service.view(run, reveal_pii(request))
    raw = api.find_finding(view, finding_id)
    shown = next(f for f in view.report.findings.items if f.id == raw.id)
    judged = row_verdicts(service.catalog, raw.id)
    rows = [
        (text, key_text(key), judged.get(key_text(key)))
        for text, key in zip(shown.sample_keys, raw.rows.keys, strict=False)
    ]
    pair_judged = pair_verdicts(service.catalog, raw.id)
    pairs = [(text, pair, pair_judged.get(text)) for text, pair in evidence_pairs(raw).items()]
    return _page(
        request,
        "page_finding.html.j2",
        run_id=view.run.id,
        run_ref=run or "",
        f=shown,
        raw=raw,
        priority=priority(raw),
        verdicts=service.catalog.verdicts_for(raw.id),
        flagged_rows=rows,
        pairs=pairs,
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


@router.get("/diff", response_class=HTMLResponse)
def diff(request: Request, old: str | None = None, new: str | None = None) -> HTMLResponse:
    service = service_of(request)
    try:
        data = api.diff_data(service, old, new, reveal_pii(request))
    except UsageError as exc:
        return _page(request, "page_diff.html.j2", data=None, message=str(exc), runs=service.list_runs())
    new_view = service.view(data.new_run, reveal_pii(request))
    old_view = service.view(data.old_run, reveal_pii(request))
    by_id = {**{f.id: f for f in old_view.run.findings}, **{f.id: f for f in new_view.run.findings}}
    return _page(
        request,
        "page_diff.html.j2",
        run_id=data.new_run,
        data=data,
        message="",
        runs=service.list_runs(),
        found=by_id,
    )


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request) -> HTMLResponse:
    return _page(request, "page_runs.html.j2", runs=service_of(request).list_runs())


# -- writes -------------------------------------------------------------------------------------


def _field(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[-1].strip()


def _after_post(form: dict[str, list[str]], default: str) -> RedirectResponse:
    response = RedirectResponse(_local(_field(form, "next"), default), status_code=303)
    reviewer = _field(form, "reviewer")
    if reviewer:
        response.set_cookie(REVIEWER_COOKIE, reviewer[:80], httponly=True, samesite="strict")
    return response


def _json_field(form: dict[str, list[str]], name: str, what: str) -> Any:
    try:
        return json.loads(_field(form, name))
    except ValueError as exc:
        raise UsageError(f"{what} is not valid JSON") from exc


def _verdict_body(form: dict[str, list[str]]) -> api.VerdictIn:
    verdict = _field(form, "verdict")
    if verdict not in ("confirmed", "rejected", "fixed"):
        raise UsageError("choose confirm, reject or mark fixed")
    return api.VerdictIn(
        verdict=verdict,  # type: ignore[arg-type]
        comment=_field(form, "comment") or None,
        reviewer=_field(form, "reviewer") or None,
        run=_field(form, "run") or None,
    )


@router.post("/findings/{finding_id}/verdict")
async def post_verdict(request: Request, finding_id: str) -> Response:
    form = await guard_of(request).check_post(request)
    api.record(service_of(request), [finding_id], _verdict_body(form))
    return _after_post(form, f"/findings/{finding_id}")


@router.post("/findings/{finding_id}/rows/verdict")
async def post_row_verdict(request: Request, finding_id: str) -> Response:
    form = await guard_of(request).check_post(request)
    base = _verdict_body(form)
    key = _json_field(form, "key", "the row key")
    api.record_row(service_of(request), finding_id, api.RowVerdictIn(**base.model_dump(), key=key))
    return _after_post(form, f"/findings/{finding_id}")


@router.post("/findings/{finding_id}/pairs/verdict")
async def post_pair_verdict(request: Request, finding_id: str) -> Response:
    form = await guard_of(request).check_post(request)
    base = _verdict_body(form)
    keys = _json_field(form, "keys", "the pair's keys")
    scalars = isinstance(keys, list) and all(k is None or isinstance(k, str | int | float) for k in keys)
    if not scalars or len(keys) != 2 or base.verdict == "fixed":
        raise UsageError("judge a pair of two keys: same product (confirmed) or different (rejected)")
    body = api.PairVerdictIn(**base.model_dump(), keys=keys)
    api.record_pair(service_of(request), finding_id, body)
    return _after_post(form, f"/findings/{finding_id}")


@router.post("/verdicts")
async def post_verdicts(request: Request) -> Response:
    form = await guard_of(request).check_post(request)
    ids = [i for i in form.get("finding_id", []) if i]
    if not ids:
        raise UsageError("tick at least one finding for a bulk action")
    api.record(service_of(request), list(dict.fromkeys(ids)), _verdict_body(form))
    return _after_post(form, "/findings")


@router.post("/pii")
async def post_pii(request: Request) -> Response:
    form = await guard_of(request).check_post(request)
    response = _after_post(form, "/")
    if _field(form, "show") == "1" and service_of(request).pii_allowed:
        response.set_cookie(PII_COOKIE, "1", httponly=True, samesite="strict")
    else:
        response.delete_cookie(PII_COOKIE)
    return response
