"""Safety: loopback by default, a token elsewhere, CSRF on every POST, no cross-origin writes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from stocktake.cli.app import cli
from stocktake.web.app import create_app

LOCAL = "http://127.0.0.1:8765"  # a loopback host name: the only kind a tokenless server answers


def _post_routes() -> list[str]:
    from stocktake.web import api, pages

    routes = [*api.router.routes, *pages.router.routes]
    return [r.path for r in routes if "POST" in getattr(r, "methods", set())]


def _concrete(path: str, finding_id: str) -> str:
    return path.replace("{finding_id}", finding_id)


def test_every_post_without_csrf_token_is_refused(client):
    fid = client.get("/api/findings").json()["items"][0]["finding"]["id"]
    routes = _post_routes()
    assert len(routes) >= 5
    for path in routes:
        body = {"verdict": "confirmed", "finding_ids": [fid], "key": 1, "keys": [1, 2]}
        assert client.post(_concrete(path, fid), json=body).status_code == 403, path
        form = {"verdict": "confirmed", "finding_id": fid, "show": "1"}
        # A JSON route rejects a form body before it is read (422); either way nothing is written.
        assert client.post(_concrete(path, fid), data=form).status_code in (403, 422), path
    assert client.get(f"/api/findings/{fid}").json()["verdicts"] == []


def test_cross_origin_post_is_refused_even_with_the_csrf_token(client):
    fid = client.get("/api/findings").json()["items"][0]["finding"]["id"]
    token = client.get("/api/csrf").json()["csrf_token"]
    for header in (
        {"Origin": "http://evil.example"},
        {"Referer": "http://evil.example/page"},
        {"Origin": "null"},
    ):
        r = client.post(f"/api/findings/{fid}/verdict", json={"verdict": "rejected"},
                        headers={"X-CSRF-Token": token, **header})  # fmt: skip
        assert r.status_code == 403, header
    same = client.post(f"/api/findings/{fid}/verdict", json={"verdict": "rejected"},
                       headers={"X-CSRF-Token": token, "Origin": LOCAL})  # fmt: skip
    assert same.status_code == 200


def test_a_loopback_server_refuses_other_host_names(fresh_catalog):
    with TestClient(create_app(fresh_catalog), base_url="http://attacker.example:8765") as c:
        assert c.get("/api/runs").status_code == 400


def test_with_a_token_requests_without_it_get_401(fresh_catalog):
    app = create_app(fresh_catalog, token="s3cret")
    with TestClient(app, base_url="http://10.1.2.3:8765") as c:
        assert c.get("/").status_code == 401
        assert c.get("/api/runs").status_code == 401
        assert c.get("/api/runs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/api/runs", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        # A token in the address is traded for a cookie once; then pages load without it.
        first = c.get("/?token=s3cret", follow_redirects=False)
        assert first.status_code == 303 and "token" not in first.headers["location"]
        assert c.get("/findings").status_code == 200


def test_bearer_clients_need_no_csrf_token_but_browsers_do(fresh_catalog):
    app = create_app(fresh_catalog, token="s3cret")
    with TestClient(app, base_url="http://10.1.2.3:8765") as c:
        auth = {"Authorization": "Bearer s3cret"}
        fid = c.get("/api/findings", headers=auth).json()["items"][0]["finding"]["id"]
        assert (
            c.post(f"/api/findings/{fid}/verdict", json={"verdict": "fixed"}, headers=auth).status_code == 200
        )
        c.get("/?token=s3cret")
        assert c.post(f"/api/findings/{fid}/verdict", json={"verdict": "fixed"}).status_code == 403


def test_serve_refuses_a_non_loopback_bind_without_a_token(fresh_catalog):
    result = CliRunner().invoke(cli, ["--catalog", fresh_catalog, "serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "without a token" in str(result.exception)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_names_are_loopback(host):
    from stocktake.web.security import is_loopback

    assert is_loopback(host) and not is_loopback("0.0.0.0") and not is_loopback("example.com")


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script>" not in response.text


def test_after_a_verdict_the_redirect_stays_on_this_server(client):
    fid = client.get("/api/findings").json()["items"][0]["finding"]["id"]
    token = client.get("/api/csrf").json()["csrf_token"]
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        form = {"csrf_token": token, "verdict": "confirmed", "next": target}
        response = client.post(f"/findings/{fid}/verdict", data=form, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/findings/{fid}", target
