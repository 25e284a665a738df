"""Personal data is masked in every view unless the server allows it and the reviewer opts in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stocktake.cli import main
from stocktake.web.app import create_app

LOCAL = "http://127.0.0.1:8765"
EMAIL = "wang.fang1987@qq.com"


@pytest.fixture(scope="module")
def unmasked_catalog(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A catalog written with --show-pii: the raw e-mail addresses are stored."""
    root = tmp_path_factory.mktemp("pii")
    (root / "data").mkdir()
    lines = ["user_id,email,city"]
    for i in range(200):
        email = "null" if i % 9 == 0 else f"user{i}.x{i * 7}@163.com"
        lines.append(f"{i},{EMAIL if i == 1 else email},{'null' if i % 4 == 0 else 'Hangzhou'}")
    (root / "data" / "users.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalog = str(root / "catalog.db")
    with pytest.raises(SystemExit) as done:
        main(
            ["--catalog", catalog, "--show-pii", "scan", str(root / "data"), "--out", str(root / "out"), "-q"]
        )
    assert done.value.code == 0
    return catalog


def _all_text(client: TestClient) -> str:
    asset = client.get("/api/assets").json()[0]["id"]
    findings = client.get("/api/findings", params={"status": "all"}).json()["items"]
    pages = [f"/assets/{asset}", f"/api/assets/{asset}", "/findings?status=all"]
    pages += [f"/findings/{i['finding']['id']}" for i in findings]
    return "\n".join(client.get(p).text for p in pages)


def test_masked_by_default_even_when_the_catalog_holds_raw_values(unmasked_catalog: str):
    with TestClient(create_app(unmasked_catalog), base_url=LOCAL) as client:
        assert EMAIL not in _all_text(client)
        assert "Show personal data" not in client.get("/").text  # not offered without --show-pii
        token = client.get("/api/csrf").json()["csrf_token"]
        client.post("/pii", data={"csrf_token": token, "show": "1"})
        assert EMAIL not in _all_text(client)  # asking is not enough: the server must allow it


def test_a_reviewer_may_opt_in_when_the_server_allows_it(unmasked_catalog: str):
    with TestClient(create_app(unmasked_catalog, show_pii=True), base_url=LOCAL) as client:
        assert EMAIL not in _all_text(client)
        assert "Show personal data" in client.get("/").text
        token = client.get("/api/csrf").json()["csrf_token"]
        assert (
            client.post("/pii", data={"csrf_token": token, "show": "1"}, follow_redirects=False).status_code
            == 303
        )
        assert EMAIL in _all_text(client)
        client.post("/pii", data={"csrf_token": token, "show": "0"})
        assert EMAIL not in _all_text(client)
