"""A demo catalog (two runs) built once for the web tests, and clients bound to it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from stocktake.cli import main

pytest.importorskip("fastapi", reason="the [web] extra is not installed")

LOCAL = "http://127.0.0.1:8765"


def run_cli(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0, argv


@pytest.fixture(scope="session")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("web-demo")
    catalog = str(root / "catalog.db")
    run_cli(["--catalog", catalog, "demo", "--runs", "2", "--rows", "5000", "--out", str(root / "estate")])
    return catalog


@pytest.fixture
def fresh_catalog(demo_catalog: str, tmp_path: Path) -> str:
    """A copy of the demo catalog that a test may write verdicts into."""
    copy = tmp_path / "catalog.db"
    # The SQLite backup API, not a file copy: the catalog may hold pages in its write-ahead log.
    with sqlite3.connect(demo_catalog) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return str(copy)


@pytest.fixture
def client(fresh_catalog: str):
    from fastapi.testclient import TestClient

    from stocktake.web.app import create_app

    with TestClient(create_app(fresh_catalog), base_url=LOCAL) as c:
        yield c
