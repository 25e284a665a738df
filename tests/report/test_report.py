"""The inventory report: tree, HTML, Markdown, escaping, atomic writes and size at scale."""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from stocktake.core.errors import UsageError
from stocktake.core.records import (
    Asset,
    ColumnProfile,
    ColumnSchema,
    DayCount,
    DownstreamImpact,
    Finding,
    Impact,
    RowSet,
    Run,
    Source,
    ValueCount,
)
from stocktake.core.vocab import FAMILY_OF_TYPE, FindingStatus, FindingType, Severity
from stocktake.report import build_report, render_html, render_markdown, write_report
from stocktake.report.charts import MAX_DAY_BUCKETS, day_chart
from stocktake.report.columns import quantile_rank
from stocktake.report.fmt import fmt_bytes, fmt_int, fmt_pct, fmt_value
from stocktake.report.html import GZIP_TYPE, JSON_TYPE, decode_payload, page_text
from stocktake.report.tree import DayChart
from stocktake.report.tree import DayCount as TreeDayCount
from stocktake.synthetic_run import synthetic_run

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)

# ---- building runs by hand ----


def _profile(asset: str, col: ColumnSchema, rows: int, rng: random.Random, **extra) -> ColumnProfile:
    base: dict = dict(
        asset=asset,
        column=col.name,
        logical_type=col.logical_type,
        engine_type=col.engine_type,
        row_count=rows,
        null_count=rng.randint(0, rows // 20),
        distinct_count=rng.randint(1, rows),
        distinct_exact=rng.random() < 0.5,
    )
    if col.logical_type in {"integer", "float", "decimal"}:
        lo, hi = 0.0, rng.uniform(10, 100_000)
        base |= dict(
            min=lo, max=hi, mean=hi / 3, std=hi / 7, zero_count=rng.randint(0, 50), negative_count=0,
            quantiles={f"p{q:02d}": lo + (hi - lo) * (q / 100) ** 2 for q in (1, 5, 25, 50, 75, 95, 99)},
            top_values=[ValueCount(value=round(rng.uniform(lo, hi), 2), count=rng.randint(1, 500)) for _ in range(12)],
        )  # fmt: skip
    elif col.logical_type == "timestamp":
        start = date(2024, 1, 1)
        base |= dict(
            min="2024-01-01T00:00:00", max="2025-02-28T23:59:00",
            quantiles={"p25": "2024-05-01T00:00:00", "p50": "2024-09-01T00:00:00", "p75": "2024-12-01T00:00:00"},
            per_day=[DayCount(day=start + timedelta(days=d), count=rng.randint(100, 5000)) for d in range(425) if d % 97],
        )  # fmt: skip
    else:
        base |= dict(
            length_min=1, length_max=64, length_mean=17.5,
            null_like={"n/a": rng.randint(0, 40), "": rng.randint(0, 10)},
            top_values=[ValueCount(value=f"value-{i}", count=1000 - i * 37) for i in range(20)],
            patterns=[ValueCount(value="Aaaa-9999", count=800), ValueCount(value="汉汉汉", count=120)] * 4,
            patterns_sampled_rows=10_000,
        )  # fmt: skip
    return ColumnProfile(**(base | extra))


def _finding(
    asset: Asset, columns: list[str], type_: FindingType, severity: Severity, reason: str, **extra
) -> Finding:
    rows = asset.row_count or 1
    count = extra.pop("count", max(rows // 40, 1))
    fields: dict = dict(
        id=Finding.make_id(asset.id, columns, type_, extra.get("check")),
        asset=asset.id,
        columns=columns,
        family=FAMILY_OF_TYPE[type_],
        type=type_,
        severity=severity,
        reason=reason,
        rows=RowSet(
            count=count,
            share=count / rows,
            key_columns=["order_id"],
            keys=[1001, 1002, [7, "b"]],
            predicate=f'"{columns[0]}" IS NULL' if columns else None,
        ),
        impact=Impact(
            rows=count,
            share=count / rows,
            downstream=[
                DownstreamImpact(
                    asset="shop/order_items",
                    rows=count * 3,
                    share=0.02,
                    via="orders.order_id -> order_items.order_id",
                )
            ],
        ),
        evidence={"threshold": 0.05, "observed": count / rows, "examples": ["N/A", "-", "null"]},
        score=0.83,
    )
    return Finding(**(fields | extra))


def realistic_run() -> Run:
    """A small shop: orders and items as files, users in PostgreSQL, a few typical findings."""
    rng = random.Random(7)
    files = Source(name="shop", kind="files", uri="/data/shop/*.csv")
    db = Source(name="crm", kind="postgresql", uri="postgresql://analyst:***@db.internal/crm")

    def cols(*spec: tuple[str, str, str]) -> list[ColumnSchema]:
        return [ColumnSchema(name=n, engine_type=e, logical_type=t) for n, e, t in spec]

    orders = Asset(
        id="shop/orders", name="orders", source="shop", format="csv", location="/data/shop/orders.csv",
        columns=cols(("order_id", "BIGINT", "integer"), ("user_id", "BIGINT", "integer"),
                     ("amount", "DOUBLE", "float"), ("status", "VARCHAR", "string"),
                     ("created_at", "TIMESTAMP", "timestamp")),
        row_count=1_234_567, byte_size=12_300_000, last_modified=T0 - timedelta(hours=5),
        domain="trade", owner="orders-team", tags=["core", "pii"],
        read_options={"delimiter": ",", "encoding": "gb18030", "header": True},
    )  # fmt: skip
    items = Asset(
        id="shop/items", name="items", source="shop", format="parquet", location="/data/shop/items.parquet",
        columns=cols(("item_id", "BIGINT", "integer"), ("title", "VARCHAR", "string"),
                     ("category", "VARCHAR", "string"), ("price", "DECIMAL(10,2)", "decimal")),
        row_count=48_210, byte_size=3_400_000, last_modified=T0 - timedelta(days=2),
    )  # fmt: skip
    users = Asset(
        id="crm/public.users", name="public.users", source="crm", format="table", location="public.users",
        columns=cols(("user_id", "bigint", "integer"), ("phone", "text", "string"), ("signup_at", "timestamptz", "timestamp")),
        row_count=None, byte_size=None,
    )  # fmt: skip
    assets = [orders, items, users]
    profiles = [_profile(a.id, c, a.row_count or 10_000, rng) for a in (orders, items) for c in a.columns]
    profiles.append(
        _profile(users.id, users.columns[1], 10_000, rng, semantic_type="phone", pii_kind="phone")
    )
    findings = [
        _finding(orders, ["status"], FindingType.MISSING_VALUES, Severity.WARNING, "4.9% of status are empty or 'N/A'"),
        _finding(orders, ["order_id"], FindingType.DUPLICATE_KEY, Severity.ERROR, "order_id repeats in 812 rows", count=812),
        _finding(orders, ["user_id"], FindingType.ORPHAN_REFERENCE, Severity.CRITICAL, "user_id not found in crm/public.users"),
        _finding(orders, ["created_at"], FindingType.FUTURE_TIMESTAMP, Severity.INFO, "created_at after the scan time", status=FindingStatus.CONFIRMED),
        _finding(items, ["price"], FindingType.OUT_OF_RANGE, Severity.WARNING, "price below zero", check="price_non_negative"),
        _finding(users, ["phone"], FindingType.PII_EXPOSURE, Severity.ERROR, "phone numbers stored in clear text"),
    ]  # fmt: skip
    return Run(
        id="20250301-020000-ab12", started_at=T0, finished_at=T0 + timedelta(minutes=2, seconds=14),
        sources=[files, db], code_version="0.1.0", model_versions={"encoder": "minilm-l6-v2"},
        assets=assets, profiles=profiles, findings=findings, errors=["shop/broken.csv: not valid UTF-8 or GB18030"],
    )  # fmt: skip


# ---- reading the HTML back ----


class Page(HTMLParser):
    """Every start tag with its attributes, and all text, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or "").split())
        ]


def assert_self_contained(page: Page) -> None:
    scripts = page.find("script")
    assert all("src" not in s for s in scripts)
    # One program; everything else is data the browser never runs (type is not JavaScript).
    assert len([s for s in scripts if "type" not in s]) == 1
    assert {s["type"] for s in scripts if "type" in s} <= {JSON_TYPE, GZIP_TYPE}
    assert not page.find("link"), "no external stylesheets or icons"
    for _tag, attrs in page.tags:
        for name in ("src", "href", "action", "xlink:href", "srcset"):
            value = attrs.get(name) or ""
            assert "://" not in value and not value.startswith("//"), (name, value)


# ---- tests ----


def test_html_structure_matches_the_run() -> None:
    run = realistic_run()
    html = render_html(build_report(run))
    assert_self_contained(Page(html))
    page = Page(page_text(html))  # with the lazily inserted asset bodies and finding rows
    assert "http://" not in html and "https://" not in html
    assert len(page.find("tr", "inventory-row")) == len(run.assets)
    assert len(page.find("details", "asset")) == len(run.assets)
    assert len(page.find("article", "col")) == sum(len(a.columns) for a in run.assets)
    rows = page.find("tr", "finding")
    assert len(rows) == len(run.findings)
    assert len({r["id"] for r in rows}) == len(run.findings)
    assert {r["data-severity"] for r in rows} == {str(f.severity) for f in run.findings}
    # sortable, filterable inventory; findings filters offer what is present
    assert len([a for t, a in page.tags if t == "th" and a.get("data-sort")]) >= 8
    assert page.find("input", None) and page.find("form")
    options = {a.get("value") for a in page.find("option")}
    assert {"critical", "orphan_reference", "consistency", "shop/orders"} <= options
    text = " ".join(page.text)
    for expected in ("1,234,567", "12.3 MB", "4.9%", "orders-team", "public.users", "2 min 14 s"):
        assert expected in text, expected
    assert page.find("svg", "chart"), "inline SVG charts"
    assert '"status" IS NULL' in text  # the predicate, shown in <code>


def test_report_tree_formats_for_people() -> None:
    report = build_report(realistic_run())
    kpis = {k.label: k for k in report.overview.kpis}
    assert kpis["Assets"].value == "3" and kpis["Rows"].value == "1,282,777"
    assert kpis["Rows"].note == "1 asset not counted"
    assert [s.severity for s in report.overview.severities] == ["critical", "error", "warning", "info"]
    assert report.findings.items[0].severity == "critical"  # most severe first
    orders = next(a for a in report.assets if a.name == "orders")
    status = next(c for c in orders.columns if c.name == "status")
    assert status.top_values is not None and len(status.top_values.bars) == 8  # capped
    assert status.top_values.left_off == 12
    assert [t for t, _ in status.null_like] == ['""', "n/a"]
    amount = next(c for c in orders.columns if c.name == "amount")
    assert amount.strip is not None and [m.label for m in amount.strip.marks][:2] == ["p01", "p05"]
    created = next(c for c in orders.columns if c.name == "created_at")
    assert created.per_day is not None and created.strip is not None  # temporal quantiles are placed too
    users = next(a for a in report.assets if a.name == "public.users")
    assert not users.columns[0].profiled and users.columns[1].pii_kind == "phone"


def test_formatting_helpers() -> None:
    assert fmt_int(1_234_567) == "1,234,567" and fmt_int(None) == "—"
    assert fmt_bytes(999) == "999 B" and fmt_bytes(12_300_000) == "12.3 MB" and fmt_bytes(999_960) == "1.0 MB"
    assert (
        fmt_pct(0.049) == "4.9%"
        and fmt_pct(0) == "0%"
        and fmt_pct(0.00001) == "<0.1%"
        and fmt_pct(0.9999) == ">99.9%"
    )
    assert (
        fmt_value(None) == "NULL"
        and fmt_value("") == '""'
        and fmt_value(" x") == '" x"'
        and fmt_value(2024) == "2024"
    )
    for key in ("p50", "q50", "50%", "0.5", "50"):
        assert quantile_rank(key) == 0.5
    assert quantile_rank("p01") == 0.01 and quantile_rank("median") is None


def test_long_day_series_is_bucketed() -> None:
    start = date(2015, 1, 1)
    points = [TreeDayCount(start + timedelta(days=d), 10) for d in range(3650)]
    svg = day_chart(DayChart(points=points, first="2015-01-01", last="2024-12-29", peak="10", total="36,500"))
    path = svg.split(' d="')[1].split('"')[0]
    assert path.count("V") <= MAX_DAY_BUCKETS and "days per bar" in svg


def test_everything_is_escaped() -> None:
    run = realistic_run()
    evil = f"{XSS_SCRIPT}{XSS_ATTR}"
    old_id, new_id = run.assets[0].id, f"shop/{evil}"
    asset = run.assets[0].model_copy(
        update={"id": new_id, "name": evil, "tags": [evil], "read_options": {evil: evil}, "notes": [evil],
                "location": evil, "domain": evil, "owner": evil}
    )  # fmt: skip
    asset.columns[3] = asset.columns[3].model_copy(update={"name": XSS_ATTR, "engine_type": evil})
    evil_profile = {"asset": new_id, "column": XSS_ATTR, "null_like": {evil: 3}, "semantic_type": evil,
                    "top_values": [ValueCount(value=evil, count=5)], "patterns": [ValueCount(value=evil, count=5)]}  # fmt: skip
    profiles = [
        p.model_copy(update=evil_profile if p.column == "status" else {"asset": new_id})
        if p.asset == old_id
        else p
        for p in run.profiles
    ]
    findings = [
        f.model_copy(update={"asset": new_id if f.asset == old_id else f.asset, "reason": evil, "columns": [XSS_ATTR],
                             "evidence": {evil: [evil]}, "check": evil,
                             "rows": f.rows.model_copy(update={"keys": [evil], "predicate": evil, "key_columns": [evil]})})
        for f in run.findings
    ]  # fmt: skip
    run = run.model_copy(
        update={"id": evil, "assets": [asset, *run.assets[1:]], "profiles": profiles, "findings": findings,
                "errors": [evil], "sources": [Source(name=evil, kind="files", uri=evil)],
                "model_versions": {evil: evil}}
    )  # fmt: skip
    html = render_html(build_report(run))
    assert_self_contained(Page(html))
    assert XSS_SCRIPT not in html and "</script><" not in html.replace("</script>\n<script>", "")
    page = Page(page_text(html))  # what the page's script inserts, parsed as the browser would
    assert not page.find("img")
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert attrs.get("src") is None, (tag, attrs)
    text = "".join(page.text)
    assert XSS_SCRIPT in text and XSS_ATTR in text  # shown as text, not run
    assert len(page.find("tr", "finding")) == len(findings)
    assert {r["data-asset"] for r in page.find("tr", "finding")} >= {new_id}  # attributes round-trip intact
    md = render_markdown(build_report(run))
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md


def test_markdown_summary() -> None:
    run = realistic_run()
    md = render_markdown(build_report(run))
    for asset in run.assets:
        assert f"| {asset.name} |" in md
    assert (
        md.index("### Critical (1)")
        < md.index("### Error (2)")
        < md.index("### Warning (2)")
        < md.index("### Info (1)")
    )
    assert "| 1,234,567 | 12.3 MB |" in md and "4.9% of status are empty" in md
    table = [line for line in md.splitlines() if line.startswith("| Asset | Source")]
    assert len(table) == 1
    # every table row has the same number of cells as its header
    lines = md.splitlines()
    start = lines.index(table[0])
    widths = {
        line.count(" | ")
        for line in lines[start : start + 2 + len(run.assets)]
        if not line.startswith("|---")
    }
    assert len(widths) == 1


def test_empty_run_renders() -> None:
    run = Run(id="empty", started_at=T0, code_version="0.1.0")
    html = render_html(build_report(run))
    assert "No assets were found." in html and "No findings in this run." in html
    assert "No findings in this run." in render_markdown(build_report(run))


def test_write_report_writes_both_files(tmp_path: Path) -> None:
    paths = write_report(realistic_run(), tmp_path)
    assert [p.name for p in paths] == ["report.html", "report.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.md"]
    assert write_report(realistic_run(), tmp_path / "only", formats=("md",))[0].name == "report.md"
    with pytest.raises(UsageError):
        write_report(realistic_run(), tmp_path, formats=("pdf",))


@pytest.mark.parametrize("target", ["stocktake.report.render_markdown", "stocktake.report.charts.bar_chart"])
def test_write_report_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    write_report(realistic_run(), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*_args, **_kwargs):
        raise RuntimeError("renderer failed")

    monkeypatch.setattr(target, broken)
    changed = realistic_run().model_copy(update={"id": "a-newer-run"})
    with pytest.raises(RuntimeError, match="renderer failed"):
        write_report(changed, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old report untouched, no temp files left behind


def test_large_run_stays_small_and_fast(tmp_path: Path) -> None:
    run = synthetic_run(100, 20, 2000)
    started = time.perf_counter()
    (html_path, md_path) = write_report(run, tmp_path)
    elapsed = time.perf_counter() - started
    size = html_path.stat().st_size
    print(f"\n100 assets x 20 columns, 2,000 findings: report.html {size / 1e6:.2f} MB, "
          f"report.md {md_path.stat().st_size / 1e6:.2f} MB, built and written in {elapsed:.2f} s")  # fmt: skip
    assert size < 3_000_000  # compressed payload; benchmarks/report_scale.py measures 500 x 40 x 20,000
    html = html_path.read_text(encoding="utf-8")  # structure is checked on small runs; here just count
    assert len(decode_payload(html)["findings"]) == 2000
    assert page_text(html).count('<tr class="finding ') == 2000
    assert html.count('<tr class="inventory-row">') == 100


def test_inventory_shows_domain_and_pii_kinds() -> None:
    run = realistic_run()
    asset = run.assets[0]
    asset.domain = "orders"
    for p in run.profiles:
        if p.asset == asset.id:
            p.pii_kind = "email"
            break
    (row,) = [r for r in build_report(run).inventory if r.asset_id == asset.id]
    assert (row.domain, row.pii) == ("orders", "email")
    html = render_html(build_report(run))
    assert '<th data-sort="text">Domain</th>' in html and "<td>orders</td>" in html
