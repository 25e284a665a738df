"""The active-learning queue and retraining from reviews, over HTTP: API, OpenAPI spec, page, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from review.scored_run import CHECK, SCORES, TRUTH_WRONG, scored_run
from stocktake.catalog import Catalog
from stocktake.cli.app import cli

from .conftest import LOCAL


@pytest.fixture
def scored_catalog(tmp_path: Path) -> str:
    path = str(tmp_path / "catalog.db")
    with Catalog(path) as catalog:
        catalog.save_run(scored_run())
    return path


@pytest.fixture
def app_client(scored_catalog: str):
    from fastapi.testclient import TestClient

    from stocktake.web.app import create_app

    with TestClient(create_app(scored_catalog), base_url=LOCAL) as c:
        yield c


def _csrf(client) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/csrf").json()["csrf_token"]}


def test_active_queue_api_lists_rows_nearest_the_threshold(app_client) -> None:
    data = app_client.get("/api/queue/active", params={"kind": "rows", "limit": 3}).json()
    assert data["total"] == len(SCORES)
    assert [i["is_row"] for i in data["items"]] == [True, True, True]
    assert {i["key"] for i in data["items"][:2]} == {15, 16}
    assert data["items"][0]["threshold"] == 0.8
    assert app_client.get("/api/queue/active", params={"kind": "cells"}).status_code == 400
    spec = app_client.get("/openapi.json").json()
    assert "/api/queue/active" in spec["paths"] and "/api/train/from-reviews" in spec["paths"]


def test_verdicts_on_queued_rows_then_retrain_moves_the_threshold(app_client, scored_catalog: str) -> None:
    headers = _csrf(app_client)
    queue = app_client.get("/api/queue/active", params={"kind": "rows", "limit": 20}).json()["items"]
    for item in queue:
        body = {"verdict": "confirmed" if item["key"] in TRUTH_WRONG else "rejected", "key": item["key"]}
        answer = app_client.post(
            f"/api/findings/{item['finding_id']}/rows/verdict", json=body, headers=headers
        )
        assert answer.status_code == 200, answer.text
    assert app_client.get("/api/queue/active", params={"kind": "rows"}).json()["total"] == 0
    # A row the detector neither flagged nor scored cannot be judged.
    bad = app_client.post(
        f"/api/findings/{queue[0]['finding_id']}/rows/verdict",
        json={"verdict": "rejected", "key": 12345},
        headers=headers,
    )
    assert bad.status_code == 400
    assert app_client.post("/api/train/from-reviews", json={}).status_code == 403  # no CSRF token
    result = app_client.post("/api/train/from-reviews", json={}, headers=headers).json()
    (lesson,) = result["detectors"]
    assert lesson["check"] == CHECK and lesson["threshold_after"] < 0.8
    assert lesson["after"]["f1"] > lesson["before"]["f1"]
    assert result["thresholds"] == {CHECK: lesson["threshold_after"]}
    assert Path(result["saved"]).parent == Path(scored_catalog).parent / "models" / "record-thresholds"


def test_the_page_shows_the_queue_and_the_retrain_figures(app_client) -> None:
    page = app_client.get("/queue/active")
    assert (
        page.status_code == 200 and "Label these first" in page.text and 'class="active-queue"' in page.text
    )
    assert "Not retrained in this session yet" in page.text
    token = app_client.get("/api/csrf").json()["csrf_token"]
    done = app_client.post("/train/from-reviews", data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    again = app_client.get("/queue/active")
    assert "Learned from run" in again.text and "nothing saved" in again.text  # no verdicts yet


def test_cli_active_review_and_train_from_reviews(scored_catalog: str, tmp_path: Path) -> None:
    runner = CliRunner()
    answers = "\n".join(["c", "r", "s", "q"]) + "\n"
    done = runner.invoke(
        cli, ["--catalog", scored_catalog, "review", "--active", "--limit", "5"], input=answers
    )
    assert done.exit_code == 0, done.output
    assert "recorded 2 verdicts" in done.output and "vs threshold 0.8" in done.output
    with Catalog(scored_catalog) as catalog:
        assert len(catalog.verdicts_starting_with("")) == 2
    trained = runner.invoke(cli, ["--catalog", scored_catalog, "train", "from-reviews", "--held-out", "0"])
    assert trained.exit_code == 0, trained.output
    assert CHECK in trained.output and "saved" in trained.output
    listed = runner.invoke(
        cli, ["--catalog", scored_catalog, "models", "--models-dir", str(tmp_path / "models")]
    )
    assert "record-thresholds" in listed.output
