"""Issue 8, closing the loop in Chromium: on the demo catalog, filter the queue, confirm one finding
and reject another, label rows from the active-learning queue, retrain from the page, and see the
statuses and the before/after metrics; no console errors. Runs with `pytest -m browser` (about a
minute: a 20k-row demo, the smallest whose record detectors flag rows). STOCKTAKE_SCREENSHOTS=DIR
keeps the screenshots.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stocktake.catalog import Catalog
from stocktake.demo.evaluate import asset_name, canonical_key
from stocktake.report.browser import chromium_page

from .browser_server import need_browser, no_horizontal_overflow, serving, shot
from .conftest import run_cli

expect = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev group").expect
uvicorn = pytest.importorskip("uvicorn", reason="the [web] extra is not installed")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def record_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    need_browser()
    root = tmp_path_factory.mktemp("loop-demo")
    catalog = str(root / "catalog.db")
    run_cli(["--catalog", catalog, "demo", "--rows", "20000", "--seed", "7", "--out", str(root / "estate")])
    return catalog, root / "estate" / "truth.json"


@pytest.fixture
def server(record_demo: tuple[str, Path]):
    with serving(record_demo[0]) as url:
        yield url


def _planted(truth_path: Path) -> set[tuple[str, str, object]]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return {(p["type"], p["asset"], canonical_key(k)) for p in truth["problems"] for k in p["keys"]}


def test_label_rows_and_retrain_in_the_browser(
    server: str, record_demo: tuple[str, Path], tmp_path: Path
) -> None:
    catalog, truth_path = record_demo
    planted = _planted(truth_path)
    with chromium_page() as page:
        # Filter the findings queue to the record detectors' category mismatches.
        page.goto(server + "/findings")
        page.select_option("select[name=type]", "category_mismatch")
        page.wait_for_url("**type=category_mismatch**")
        rows = page.locator("table.queue tbody tr.finding")
        expect(rows).to_have_count(1)
        category_id = rows.first.get_attribute("data-id")
        page.select_option("select[name=type]", "")
        page.wait_for_url("**type=&**")
        ids = page.locator("table.queue tbody tr.finding").evaluate_all("rs => rs.map(r => r.dataset.id)")
        other_id = next(i for i in ids if i != category_id)

        # Confirm the category finding, reject another one.
        for fid, verdict, status in (
            (category_id, "confirmed", "confirmed"),
            (other_id, "rejected", "rejected"),
        ):
            page.goto(f"{server}/findings/{fid}")
            expect(page.locator("#status")).to_have_text("open")
            page.fill("#verdict-form input[name=comment]", f"browser test: {verdict}")
            page.click(f"#verdict-form button[value={verdict}]")
            expect(page.locator("#status")).to_have_text(status)

        # The active-learning queue, rows only: label the six most uncertain rows from the truth.
        page.click("nav.tabs >> text=Label first")
        expect(page.locator("h1")).to_have_text("Label these first")
        expect(page.locator("#retrain-status")).to_have_text("Not retrained in this session yet.")
        page.select_option("#kind-filter select[name=kind]", "rows")
        page.wait_for_url("**kind=rows**")
        no_horizontal_overflow(page)
        shot(page, tmp_path, "loop-active-queue")
        for _ in range(6):
            row = page.locator("table.active-queue tbody tr").first
            target = row.get_attribute("data-target")
            kind, asset = row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()
            key = json.loads(row.locator("td code").inner_text())
            wrong = (kind, asset_name(asset), canonical_key(key)) in planted
            row.locator("button[value=confirmed]" if wrong else "button[value=rejected]").click()
            page.wait_for_url("**kind=rows**")
            expect(page.locator(f'tr[data-target="{target}"]')).to_have_count(0)  # judged: off the queue

        # Retrain from the page: the status and the held-out metrics appear.
        page.click("#retrain-button")
        page.wait_for_url("**/queue/active**")
        expect(page.locator("#retrain-status")).to_contain_text("the next scan uses these thresholds")
        metrics = page.locator("table.retrain-metrics tbody tr")
        assert metrics.count() >= 1
        expect(metrics.first.locator("td.f1-after")).not_to_have_text("")
        page.locator("#retrain").scroll_into_view_if_needed()
        no_horizontal_overflow(page)
        shot(page, tmp_path, "loop-retrained")
        assert page.console_errors == []

    with Catalog(catalog) as stored:
        assert stored.verdicts_for(category_id)[-1].verdict == "confirmed"
        assert stored.verdicts_for(other_id)[-1].verdict == "rejected"
        assert len(stored.verdicts_starting_with(category_id + ":row:")) + 2 <= len(
            stored.verdicts_starting_with("")
        )
    assert (Path(catalog).parent / "models" / "record-thresholds").is_dir()
