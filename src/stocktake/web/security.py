"""Who may talk to the server, and which writes are the reviewer's own.

- Bound to a loopback address without a token, only requests addressed to a loopback host name
  are served (a page on another site cannot reach it through DNS rebinding).
- With a token, every request carries it: `Authorization: Bearer T`, or the cookie set by
  opening `/?token=T` once.
- Every POST carries the CSRF token (form field `csrf_token` or header `X-CSRF-Token`), an HMAC
  of a per-server secret, and must not come from another origin. A request authenticated by the
  Authorization header is exempt from the token (browsers never add that header on their own),
  not from the origin check.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from starlette.requests import Request

TOKEN_COOKIE = "stocktake_token"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

SECURITY_HEADERS = {
    # Scripts and styles only from this server; inline style attributes are used by the
    # report's templates (bar widths), inline scripts never.
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def is_loopback(host: str) -> bool:
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ip_address(name).is_loopback
    except ValueError:
        return False


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _host_name(netloc: str) -> str:
    if netloc.startswith("["):
        return netloc.split("]")[0] + "]"
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


@dataclass
class Guard:
    token: str | None = None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @property
    def csrf_token(self) -> str:
        return hmac.new(self.secret, b"stocktake-csrf", hashlib.sha256).hexdigest()

    def check_host(self, request: Request) -> None:
        if self.token is not None:
            return  # a token-protected server may be reached under any name
        host = _host_name(request.headers.get("host", ""))
        if not is_loopback(host):
            raise Refused(400, f"this server answers only to localhost, not {host!r}")

    def bearer_ok(self, request: Request) -> bool:
        if self.token is None:
            return False
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip(), self.token)

    def check_token(self, request: Request) -> None:
        if self.token is None or self.bearer_ok(request):
            return
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if cookie and hmac.compare_digest(cookie, self.token):
            return
        raise Refused(
            401, "a token is required: send 'Authorization: Bearer TOKEN' or open /?token=TOKEN once"
        )

    def token_in_query(self, request: Request) -> bool:
        given = request.query_params.get("token")
        return self.token is not None and given is not None and hmac.compare_digest(given, self.token)

    def check_origin(self, request: Request) -> None:
        host = request.headers.get("host", "")
        for header in ("origin", "referer"):
            value = request.headers.get(header)
            if value is None:
                continue
            if value == "null" or urlsplit(value).netloc != host:
                raise Refused(403, f"cross-origin request refused ({header} {value!r})")
            return  # Origin, when present, decides; Referer only when there is no Origin

    async def check_post(self, request: Request) -> dict[str, list[str]]:
        """Refuse a forged write; return the fields of a form POST ({} for JSON)."""
        self.check_origin(request)
        form: dict[str, list[str]] = {}
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = (await request.body()).decode("utf-8", errors="replace")
            form = parse_qs(body, keep_blank_values=True)
        if self.bearer_ok(request):
            return form
        given = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD, [""])[-1]
        if not given or not hmac.compare_digest(given, self.csrf_token):
            raise Refused(403, "missing or wrong CSRF token")
        return form
