"""Closing the loop in the web app: the active-learning queue and retraining from reviews.

GET /api/queue/active lists what to label first (stocktake.review.active); POST
/api/train/from-reviews learns the record detectors' thresholds from the verdicts
(stocktake.review.retrain) and saves them for the next scan. The page /queue/active shows the
same queue with one-click verdicts and a retrain button, then the last retrain's figures.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from stocktake.review.active import KINDS, active_queue
from stocktake.review.retrain import train_from_reviews
from stocktake.review.rows import key_text
from stocktake.web.session import guard_of, reveal_pii, service_of

api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)


class ActiveItemOut(BaseModel):
    target: str = Field(
        description="what a verdict is recorded against: '<finding id>:row:<key>' or a finding id"
    )
    finding_id: str
    asset: str
    type: str
    check: str
    key: Any = Field(None, description="the row's key; null for a finding-level item")
    is_row: bool
    score: float
    threshold: float | None
    flagged: bool
    uncertainty: float = Field(description="0..1; 1 is exactly on the detector's threshold")


class ActiveQueueOut(BaseModel):
    run_id: str
    total: int = Field(description="items not judged yet")
    items: list[ActiveItemOut]


class FromReviewsIn(BaseModel):
    run: str | None = Field(None, description="the run whose verdicts to learn from (default: latest)")
    held_out: float = Field(0.3, ge=0.0, lt=1.0)
    seed: int = 0


class ScoresOut(BaseModel):
    n: int
    precision: float | None
    recall: float | None
    f1: float | None


class DetectorLessonOut(BaseModel):
    check: str
    threshold_before: float
    threshold_train: float
    threshold_after: float
    train: int
    held_out: int
    positives: int
    before: ScoresOut
    after: ScoresOut


class FromReviewsOut(BaseModel):
    run_id: str
    saved: str | None
    thresholds: dict[str, float]
    detectors: list[DetectorLessonOut]
    unscored_verdicts: int
    suppressed: list[dict[str, str]]
    notes: list[str]


def _judged(request: Request) -> set[str]:
    return {v.finding_id for v in service_of(request).catalog.verdicts_starting_with("")}


def queue_data(request: Request, run: str | None, limit: int, kind: str) -> ActiveQueueOut:
    view = service_of(request).view(run, reveal_pii(request))
    judged = _judged(request)
    items = active_queue(view.run, judged, limit, kind)
    total = len(active_queue(view.run, judged, 10**9, kind))
    return ActiveQueueOut(
        run_id=view.run.id, total=total, items=[ActiveItemOut(**i.to_dict()) for i in items]
    )


@api_router.get("/queue/active", response_model=ActiveQueueOut)
def active(
    request: Request,
    run: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    kind: Annotated[str, Query(description="all, rows or findings")] = "all",
) -> ActiveQueueOut:
    """What to label first: rows nearest a record detector's threshold, then low-confidence findings."""
    return queue_data(request, run, limit, kind)


def retrain(request: Request, body: FromReviewsIn) -> FromReviewsOut:
    service = service_of(request)
    result = train_from_reviews(
        service.catalog, body.run or "latest", request.app.state.models_dir, body.held_out, body.seed
    )
    out = FromReviewsOut(**result.to_dict())
    request.app.state.last_retrain = out
    return out


@api_router.post("/train/from-reviews", response_model=FromReviewsOut)
async def post_from_reviews(request: Request, body: FromReviewsIn) -> FromReviewsOut:
    """Learn each record detector's threshold from row verdicts; the next scan uses it."""
    await guard_of(request).check_post(request)
    return retrain(request, body)


# -- the page -----------------------------------------------------------------------------------


@page_router.get("/queue/active", response_class=HTMLResponse)
def active_page(request: Request, run: str | None = None, kind: str = "all") -> HTMLResponse:
    from stocktake.web.pages import _page

    data = queue_data(request, run, 50, kind if kind in KINDS else "all")
    rows = [(item, key_text(item.key) if item.is_row else "") for item in data.items]
    return _page(
        request,
        "page_active.html.j2",
        run_id=data.run_id,
        run_ref=run or "",
        data=data,
        rows=rows,
        kind=kind,
        kinds=KINDS,
        last=getattr(request.app.state, "last_retrain", None),
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


@page_router.post("/train/from-reviews")
async def post_from_reviews_page(request: Request) -> Response:
    form = await guard_of(request).check_post(request)
    run = (form.get("run") or [""])[-1].strip() or None
    retrain(request, FromReviewsIn(run=run))
    return RedirectResponse("/queue/active#retrain", status_code=303)
