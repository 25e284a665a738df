"""How big a report gets and how fast it opens, at warehouse scale (issue 4's limits).

Builds a synthetic run of --assets assets × --columns columns with --findings findings (profiles
with top values, patterns, quantiles and per-day counts; findings with reasons, sample keys,
predicates and evidence; key relationships), renders report.html, and opens it in headless
Chromium (Debian's /usr/bin/chromium via Playwright) to measure:

- file size (limit 15 MB);
- time to interactive: navigation start until the page's script has unpacked the payload and
  drawn the first page of findings (html[data-ready]), limit 3 s;
- a filter change and opening one asset section, once interactive.

Baseline, measured in the same script: the same report laid out eagerly — every finding row and
every asset body in the DOM, the way the report was written before paging (what a plain
server-rendered page does). Ratios compare the two.

    python benchmarks/report_scale.py [--assets 500 --columns 40 --findings 20000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from stocktake.report import build_report, render_html
from stocktake.report.browser import browser_unavailable, chromium_page
from stocktake.report.html import decode_payload
from stocktake.synthetic_run import synthetic_run


def eager_variant(html: str) -> str:
    """The baseline: the same page with every finding row and asset body laid out in the DOM."""
    payload = decode_payload(html)
    for anchor, body in payload["assets"].items():
        html = html.replace(f'data-body="{anchor}">', ">", 1)  # no lazy insert: the body is already there
        html = html.replace('<div class="asset-body"></div>', f'<div class="asset-body">{body}</div>', 1)
    rows = "".join(row[-1] for row in payload["findings"])
    html = html.replace('<tr><td colspan="6" class="empty">Loading findings…</td></tr>', rows, 1)
    # The page's script still runs; it only pages what is already drawn, so this is a fair floor.
    return html


def open_in_chromium(path: Path, eager: bool) -> dict[str, float]:
    with chromium_page() as page:
        page.goto(path.as_uri(), wait_until="load", timeout=120_000)
        page.wait_for_selector("html[data-ready='1']", timeout=120_000)
        ready = page.evaluate("() => performance.getEntriesByName('stocktake:ready')[0].startTime")
        marks = page.evaluate(
            "() => Object.fromEntries(["
            "['parsed', performance.getEntriesByType('navigation')[0].domInteractive],"
            "['inflated', (performance.getEntriesByName('stocktake:findings-inflated')[0] || {}).startTime]])"
        )
        started = time.perf_counter()
        page.select_option("#finding-filters select[name='type']", "schema_drift")
        page.wait_for_function(
            "() => document.querySelector('[data-count-of=\"finding-rows\"]').textContent.includes(' of ')"
        )
        filtered = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        page.locator("details.asset").nth(7).locator("summary").click()
        page.wait_for_selector("details.asset:nth-of-type(8) article.col", timeout=30_000)
        opened = (time.perf_counter() - started) * 1000
        errors = list(page.console_errors)
    if errors:
        print(f"console errors ({'eager' if eager else 'paged'}): {errors[:3]}", file=sys.stderr)
    return {
        "parsed_ms": marks["parsed"],
        "inflated_ms": marks["inflated"] or marks["parsed"],
        "ready_ms": ready,
        "filter_ms": filtered,
        "open_asset_ms": opened,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=500)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--findings", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="browser openings per variant (median reported)")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the eager baseline (slow at full scale)"
    )
    args = parser.parse_args()

    run = synthetic_run(args.assets, args.columns, args.findings)
    started = time.perf_counter()
    report = build_report(run)
    built = time.perf_counter() - started
    started = time.perf_counter()
    html = render_html(report)
    rendered = time.perf_counter() - started
    print(f"synthetic run: {args.assets} assets x {args.columns} columns, {args.findings:,} findings, "
          f"{len(run.relationships)} relationships")  # fmt: skip
    print(f"build_report {built:.2f} s, render_html {rendered:.2f} s")
    reason = browser_unavailable()
    with tempfile.TemporaryDirectory() as tmp:
        paged = Path(tmp) / "report.html"
        paged.write_text(html, encoding="utf-8")
        variants = [("paged (shipped)", paged, False)]
        if not args.no_baseline:
            eager = Path(tmp) / "eager.html"
            eager.write_text(eager_variant(html), encoding="utf-8")
            variants.append(("eager baseline", eager, True))
        results = {}
        for name, path, is_eager in variants:
            size = path.stat().st_size
            line = f"{name:16s} size {size / 1e6:6.2f} MB"
            if reason is None:
                samples = [open_in_chromium(path, is_eager) for _ in range(args.runs)]
                med = {k: statistics.median(s[k] for s in samples) for k in samples[0]}
                results[name] = (size, med)
                line += (f"  html parsed {med['parsed_ms'] / 1000:5.2f} s  findings inflated {med['inflated_ms'] / 1000:5.2f} s"
                         f"  interactive {med['ready_ms'] / 1000:5.2f} s  filter {med['filter_ms']:6.0f} ms  "
                         f"open asset {med['open_asset_ms']:6.0f} ms")  # fmt: skip
            print(line)
    if reason is not None:
        print(f"browser timings skipped: {reason}")
        return 0
    size, med = results["paged (shipped)"]
    verdict = "PASS" if size < 15e6 and med["ready_ms"] < 3000 else "FAIL"
    print(f"limits (15 MB, interactive < 3 s): {verdict}")
    if "eager baseline" in results:
        base_size, base = results["eager baseline"]
        print(f"ratios paged/eager: size {size / base_size:.2f}x, interactive {med['ready_ms'] / base['ready_ms']:.2f}x, "
              f"filter {med['filter_ms'] / base['filter_ms']:.2f}x")  # fmt: skip
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
