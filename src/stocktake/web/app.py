"""The FastAPI application: security middleware, error pages, static CSS/JS, pages and the API."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stocktake.core.errors import CatalogError, MissingExtraError, StocktakeError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from fastapi import FastAPI


def _fastapi() -> None:
    try:
        import fastapi  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError("fastapi", "web") from exc


def create_app(
    catalog_url: str | None,
    token: str | None = None,
    show_pii: bool = False,
    models_dir: Path | None = None,
) -> FastAPI:
    """The web app over the catalog at `catalog_url`.

    token: when set, every request must carry it (see stocktake.web.security).
    show_pii: allow reviewers to opt in to unmasked personal data; masked by default either way.
    models_dir: where retraining from reviews saves thresholds [default: beside the catalog].
    """
    _fastapi()
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

    from stocktake.review.retrain import models_dir_for
    from stocktake.web import api, learning, pages
    from stocktake.web.security import SECURITY_HEADERS, TOKEN_COOKIE, Guard, Refused
    from stocktake.web.service import CatalogService

    app = FastAPI(
        title="Stocktake",
        summary="The catalog's runs, assets and findings, and reviewers' verdicts on them.",
        version=_version(),
        docs_url=None,  # Swagger UI loads scripts from a CDN; /openapi.json is the spec
        redoc_url=None,
    )
    app.state.service = CatalogService(catalog_url, show_pii=show_pii)
    app.state.guard = guard = Guard(token=token)
    app.state.models_dir = models_dir or models_dir_for(catalog_url)

    def refusal(request: Request, status: int, message: str) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return PlainTextResponse(message, status_code=status)

    @app.middleware("http")
    async def protect(request: Request, call_next):  # type: ignore[no-untyped-def]
        try:
            guard.check_host(request)
            if guard.token_in_query(request):
                # Trade the token in the address for a cookie, and drop it from the address bar.
                target = request.url.remove_query_params("token")
                response: Response = RedirectResponse(
                    str(target.path) + (f"?{target.query}" if target.query else ""), 303
                )
                response.set_cookie(TOKEN_COOKIE, guard.token or "", httponly=True, samesite="strict")
            else:
                guard.check_token(request)
                response = await call_next(request)
        except Refused as refused:
            response = refusal(request, refused.status, refused.message)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return refusal(request, exc.status, exc.message)

    @app.exception_handler(StocktakeError)
    async def stocktake_error(request: Request, exc: StocktakeError) -> Response:
        status = 404 if isinstance(exc, CatalogError) and "no " in str(exc) else 400
        if isinstance(exc, UsageError):
            status = 400
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=status)
        return pages.error_page(request, status, str(exc))

    app.include_router(api.router)
    app.include_router(learning.api_router)
    app.include_router(pages.router)
    app.include_router(learning.page_router)
    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("stocktake")
    except PackageNotFoundError:
        return "0"
