"""Issue 4: the demo report in a real browser: filters, a finding opened, lazy asset bodies, no errors.

Runs with `pytest -m browser` (CI runs it as its own step after installing Debian's chromium).
Set STOCKTAKE_SCREENSHOTS=DIR to keep the screenshots.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from stocktake.cli import main
from stocktake.report.browser import browser_unavailable, chromium_page

expect = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev group").expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = browser_unavailable()
    if reason and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")  # .ci/run installs chromium
    if reason:
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("demo")
    argv = [
        "--catalog",
        str(root / "catalog.db"),
        "demo",
        "--runs",
        "2",
        "--rows",
        "8000",
        "--out",
        str(root / "estate"),
    ]
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    return root / "estate" / "report"


def _shot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("STOCKTAKE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 20_000  # a rendered page, not a blank one
    return path


def test_demo_report_works_in_chromium(demo_report: Path, tmp_path: Path) -> None:
    findings = json.loads((demo_report / "findings.json").read_text())["findings"]
    with chromium_page() as page:
        page.goto((demo_report / "report.html").as_uri())
        page.wait_for_selector("html[data-ready='1']", timeout=15_000)
        _shot(page, tmp_path, "overview")

        rows = page.locator("#finding-rows tr.finding")
        assert rows.count() == min(len(findings), 100)
        label = page.locator("[data-count-of='finding-rows']")
        assert label.inner_text() == f"{len(findings)} findings"

        # Filter by type: only that type's rows stay, and the count says so.
        wanted = sum(1 for f in findings if f["type"] == "schema_drift")
        assert wanted >= 2  # the planted column change of the second run
        page.select_option("#finding-filters select[name='type']", "schema_drift")
        assert rows.count() == wanted
        assert label.inner_text() == f"{wanted} of {len(findings)} findings"
        assert {rows.nth(i).get_attribute("data-type") for i in range(wanted)} == {"schema_drift"}

        # Open one finding's details.
        first = rows.first
        first.locator("summary").click()
        expect(first.locator("details.more")).to_have_attribute("open", "")
        expect(first.locator("details.more")).to_contain_text("Impact")
        page.locator("#findings").scroll_into_view_if_needed()
        _shot(page, tmp_path, "findings")

        # Search narrows further; reset brings everything back.
        page.fill("#finding-filters input[name='q']", "position")
        expect(label).not_to_have_text(f"{wanted} of {len(findings)} findings")
        assert 1 <= rows.count() < wanted
        page.click("#finding-filters button[type='reset']")
        page.wait_for_function(
            f"document.querySelectorAll('#finding-rows tr.finding').length === {min(len(findings), 100)}"
        )

        # An asset's body is inserted when it is first opened, with its column profiles and charts.
        asset = page.locator("details.asset").first
        assert asset.locator("article.col").count() == 0
        asset.locator("summary").click()
        expect(asset.locator("article.col").first).to_be_visible()  # the toggle event is asynchronous
        assert asset.locator("svg.chart").count() > 0
        _shot(page, tmp_path, "asset")

        # The relationship diagram links to assets.
        node = page.locator("svg.erd a.node").first
        target = node.get_attribute("href")
        node.click()
        expect(page.locator(f"details{target}")).to_have_attribute("open", "")

        # A link to a finding on another page or filtered out is drawn and shown.
        page.select_option("#finding-filters select[name='type']", "schema_drift")
        last_anchor = page.evaluate("() => document.querySelector('#finding-rows tr.finding').id")
        page.select_option("#finding-filters select[name='type']", "")
        page.evaluate(f"() => {{ location.hash = '{last_anchor}'; }}")
        expect(page.locator(f"#{last_anchor}")).to_be_visible()

        assert page.console_errors == []
