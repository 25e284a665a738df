"""Per-request access to the app's service and guard, and the reviewer's choices kept in cookies."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request

    from stocktake.web.security import Guard
    from stocktake.web.service import CatalogService

PII_COOKIE = "stocktake_pii"
REVIEWER_COOKIE = "stocktake_reviewer"


def service_of(request: Request) -> CatalogService:
    return request.app.state.service  # type: ignore[no-any-return]


def guard_of(request: Request) -> Guard:
    return request.app.state.guard  # type: ignore[no-any-return]


def reveal_pii(request: Request) -> bool:
    """Personal data unmasked only when the server allows it and this reviewer opted in."""
    return service_of(request).pii_allowed and request.cookies.get(PII_COOKIE) == "1"


def reviewer_of(request: Request) -> str:
    return request.cookies.get(REVIEWER_COOKIE, "")
