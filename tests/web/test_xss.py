"""Data is never markup: a scan of hostile names and values yields inert pages everywhere."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from stocktake.cli import main
from stocktake.web.app import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE x; --"

LOCAL = "http://127.0.0.1:8765"  # a loopback host name: the only kind a tokenless server answers


@pytest.fixture(scope="module")
def hostile_catalog(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("xss")
    data = root / "data"
    data.mkdir()
    header = ["id", SCRIPT, IMG, SQL]
    lines = [",".join(f'"{h.replace(chr(34), chr(34) * 2)}"' for h in header)]
    for i in range(400):
        # Duplicate ids, missing values and hostile strings, so findings quote them back.
        values = [str(i % 350), SCRIPT if i % 3 else "", IMG if i % 5 else "x", SQL if i % 7 else "-1"]
        lines.append(",".join(f'"{v.replace(chr(34), chr(34) * 2)}"' for v in values))
    (data / f"t{IMG}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "orders'; DROP TABLE x; --.csv").write_text("\n".join(lines[:120]) + "\n", encoding="utf-8")
    catalog = str(root / "catalog.db")
    for _ in range(2):
        run_cli(["--catalog", catalog, "scan", str(data), "--out", str(root / "out"), "-q"])
    return catalog


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if (
                name in ("href", "src", "action")
                and value
                and value.strip().lower().startswith("javascript:")
            ):
                self.urls.append(value)


def run_cli(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0, argv


def _pages(client: TestClient) -> list[str]:
    assets = [a["id"] for a in client.get("/api/assets").json()]
    findings = [
        i["finding"]["id"] for i in client.get("/api/findings", params={"status": "all"}).json()["items"]
    ]
    paths = ["/", "/assets", "/findings?status=all", "/diff", "/runs"]
    paths += [f"/assets/{a}" for a in assets] + [f"/findings/{f}" for f in findings]
    paths += [f"/findings?status=all&q={SCRIPT}", f"/assets/{SCRIPT}", f"/findings/{IMG}"]
    return paths


def test_hostile_names_and_values_are_escaped_on_every_page(hostile_catalog: str):
    with TestClient(create_app(hostile_catalog), base_url=LOCAL) as client:
        assert client.get("/api/findings", params={"status": "all"}).json()["total"] > 0
        paths = _pages(client)
        assert len(paths) > 10
        quoted = 0
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 404), path
            html = response.text
            parsed = _Elements()
            parsed.feed(html)
            assert "img" not in parsed.tags, path
            assert parsed.tags.count("script") == 1, path  # only /static/app.js
            assert parsed.handlers == [] and parsed.urls == [], path
            assert "<script>alert" not in html and "<img" not in html, path
            quoted += "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert quoted >= 3  # the hostile text is shown, as text
