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
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from stocktake.core.records import (
    Asset,
    ColumnProfile,
    ColumnSchema,
    DayCount,
    Finding,
    Impact,
    Relationship,
    RowSet,
    Run,
    Source,
    ValueCount,
)
from stocktake.core.vocab import FAMILY_OF_TYPE, FindingType, Severity
from stocktake.report import build_report, render_html
from stocktake.report.browser import browser_unavailable, chromium_page
from stocktake.report.html import decode_payload

T0 = datetime(2026, 11, 1, tzinfo=UTC)
KINDS = [
    "integer",
    "string",
    "float",
    "string",
    "timestamp",
    "integer",
    "string",
    "float",
    "string",
    "string",
]
ENGINE = {"integer": "BIGINT", "float": "DOUBLE", "string": "VARCHAR", "timestamp": "TIMESTAMP"}


def _profile(asset: str, col: ColumnSchema, rows: int, rng: random.Random) -> ColumnProfile:
    base: dict = dict(
        asset=asset, column=col.name, logical_type=col.logical_type, engine_type=col.engine_type,
        row_count=rows, null_count=rng.randint(0, rows // 20), distinct_count=rng.randint(1, rows),
        distinct_exact=True,
    )  # fmt: skip
    if col.logical_type in {"integer", "float"}:
        hi = rng.uniform(10, 100_000)
        base |= dict(
            min=0.0, max=hi, mean=hi / 3, std=hi / 7, zero_count=rng.randint(0, 50), negative_count=0,
            quantiles={f"p{q:02d}": hi * (q / 100) ** 2 for q in (1, 5, 25, 50, 75, 95, 99)},
            top_values=[ValueCount(value=round(rng.uniform(0, hi), 2), count=rng.randint(1, 500)) for _ in range(10)],
        )  # fmt: skip
    elif col.logical_type == "timestamp":
        start = date(2025, 11, 1)
        base |= dict(
            min="2025-11-01T00:00:00", max="2026-10-31T23:59:00",
            quantiles={"p25": "2026-02-01T00:00:00", "p50": "2026-05-01T00:00:00", "p75": "2026-08-01T00:00:00"},
            per_day=[DayCount(day=start + timedelta(days=d), count=rng.randint(100, 5000)) for d in range(365)],
        )  # fmt: skip
    else:
        base |= dict(
            length_min=1, length_max=64, length_mean=17.5, null_like={"n/a": rng.randint(0, 40)},
            top_values=[ValueCount(value=f"value-{rng.randint(0, 10**6)}", count=1000 - i * 37) for i in range(10)],
            patterns=[ValueCount(value=p, count=800 - 100 * i) for i, p in enumerate(["Aaaa-9999", "aaaa", "9999", "AAA"])],
            patterns_sampled_rows=10_000,
        )  # fmt: skip
    return ColumnProfile(**base)


def _sample_rows(rng: random.Random, column: str) -> list[dict[str, object]]:
    names = [column, *(f"col_{c}" for c in range(9))]
    return [
        {n: rng.choice([rng.randint(0, 10**9), f"value-{rng.randint(0, 10**6)}", None]) for n in names}
        for _ in range(5)
    ]


def synthetic_run(n_assets: int, n_columns: int, n_findings: int, seed: int = 11) -> Run:
    rng = random.Random(seed)
    assets, profiles = [], []
    domains = ["behaviour_log", "product_catalog", "orders", "payments", "search_log", "reviews", "users"]
    for a in range(n_assets):
        columns = [
            ColumnSchema(name=f"col_{c}", engine_type=ENGINE[k], logical_type=k)
            for c, k in enumerate(KINDS[c % len(KINDS)] for c in range(n_columns))
        ]
        asset = Asset(
            id=f"lake/table_{a:04d}", name=f"table_{a:04d}", source="lake", format="parquet",
            location=f"/warehouse/lake/table_{a:04d}.parquet", columns=columns,
            row_count=rng.randint(10**3, 10**8), byte_size=rng.randint(10**5, 10**10),
            last_modified=T0 - timedelta(hours=a), domain=domains[a % len(domains)],
        )  # fmt: skip
        assets.append(asset)
        profiles += [_profile(asset.id, c, asset.row_count or 1, rng) for c in columns]
    types, severities = list(FindingType), list(Severity)
    findings = []
    for i in range(n_findings):
        asset = assets[i % n_assets]
        column = f"col_{(i // n_assets) % n_columns}"
        rows = asset.row_count or 1
        count = rng.randint(1, max(1, rows // 50))
        type_ = types[i % len(types)]
        check = f"check_{i}"
        findings.append(
            Finding(
                id=Finding.make_id(asset.id, [column], type_, check),
                asset=asset.id,
                columns=[column],
                family=FAMILY_OF_TYPE[type_],
                type=type_,
                severity=severities[i % 4],
                reason=f"{count:,} of {rows:,} rows of {asset.name} ({count / rows:.2%}) fail {check} on {column}.",
                rows=RowSet(
                    count=count,
                    share=count / rows,
                    key_columns=["col_0"],
                    keys=[rng.randint(1, 10**9) for _ in range(10)],
                    predicate=f'"{column}" IS NULL',
                ),
                impact=Impact(rows=count, share=count / rows),
                evidence={
                    "threshold": 0.05,
                    "observed": round(count / rows, 4),
                    "examples": ["N/A", "-", "null"],
                    # A scan attaches up to 5 whole rows to the 25 most severe findings per asset.
                    **({"sample_rows": _sample_rows(rng, column)} if i // n_assets < 25 else {}),
                },
                score=round(rng.random(), 3),
                check=check,
            )
        )
    relationships = [
        Relationship(
            from_asset=assets[i].id,
            from_columns=["col_0"],
            to_asset=assets[i % 20].id,
            to_columns=["col_0"],
            coverage=1.0 if i % 5 else 0.97,
            orphan_count=0 if i % 5 else 12,
        )
        for i in range(20, min(n_assets, 300))
    ]
    return Run(
        id="scale", started_at=T0, finished_at=T0 + timedelta(minutes=30),
        sources=[Source(name="lake", kind="files", uri="/warehouse/lake")], code_version="bench",
        assets=assets, profiles=profiles, relationships=relationships, findings=findings,
    )  # fmt: skip


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
