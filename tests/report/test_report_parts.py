"""Quality scores, the relationship diagram, history in the report, and the JSON renderer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from test_report import realistic_run

from stocktake.core.records import Finding, Relationship
from stocktake.core.vocab import FindingStatus
from stocktake.history.metrics import MetricPoint
from stocktake.history.since_last import HistoryComparison
from stocktake.report import build_report, render_html, render_json, render_markdown
from stocktake.report.erd import layout_erd
from stocktake.report.html import page_text
from stocktake.report.scores import asset_scores, domain_scores, tone


def test_scores_follow_severity_and_share_and_ignore_rejected():
    run = realistic_run()
    scores = asset_scores(run.assets, run.findings)
    # items: one warning on ~2.5% of rows -> 1 - 0.2 * 0.025
    assert scores["shop/items"] == round(100 * (1 - 0.2 * max(1205 / 48_210, 0.02)), 1)
    assert scores["shop/orders"] < scores["shop/items"] < 100  # orders has a critical finding
    rejected = [
        f.model_copy(update={"status": FindingStatus.REJECTED}) if f.asset == "shop/items" else f
        for f in run.findings
    ]
    assert asset_scores(run.assets, rejected)["shop/items"] == 100.0
    by_domain = domain_scores(run.assets, scores)
    assert by_domain["trade"] == (scores["shop/orders"], "shop/orders", 1)
    assert by_domain["other"][2] == 2  # untagged assets
    assert (tone(95), tone(80), tone(10)) == ("good", "fair", "poor")


def test_a_critical_finding_on_every_row_scores_zero():
    run = realistic_run()
    orders = run.assets[0]
    f = run.findings[2].model_copy(
        update={"rows": run.findings[2].rows.model_copy(update={"count": orders.row_count, "share": 1.0})}
    )
    assert asset_scores([orders], [f])[orders.id] == 0.0


def test_erd_places_parents_left_of_children_and_marks_orphans():
    run = realistic_run()
    rels = [
        Relationship(from_asset="shop/orders", from_columns=["user_id"], to_asset="crm/public.users",
                     to_columns=["user_id"], coverage=0.98, orphan_count=12),
        Relationship(from_asset="shop/orders", from_columns=["order_id"], to_asset="shop/items",
                     to_columns=["item_id"], coverage=1.0, orphan_count=0),
    ]  # fmt: skip
    erd = layout_erd(run.assets, rels, lambda a: f"a-{a}")
    assert erd is not None and len(erd.edges) == 2 and erd.left_off == 0
    nodes = {n.name: n for n in erd.nodes}
    assert nodes["public.users"].x < nodes["orders"].x and nodes["items"].x < nodes["orders"].x
    assert [e.weak for e in erd.edges] == [False, True] or [e.weak for e in erd.edges] == [True, False]
    assert layout_erd(run.assets, [], lambda a: a) is None
    run.relationships = rels
    html = render_html(build_report(run))
    assert 'class="chart erd"' in html and "orders.user_id → public.users.user_id" in html


def test_history_draws_a_line_and_says_what_changed():
    run = realistic_run()
    t0 = datetime(2025, 2, 1, tzinfo=UTC)
    points = [MetricPoint(f"r{i}", t0 + timedelta(days=i), float(1_200_000 + i)) for i in range(4)]
    points.append(MetricPoint(run.id, run.started_at, 1_234_567.0))
    history = HistoryComparison(previous_run="r3", diff=None, findings=[], row_counts={"shop/orders": points})
    report = build_report(run, history=history)
    orders = next(a for a in report.assets if a.name == "orders")
    assert orders.history is not None and len(orders.history.points) == 5
    assert orders.history.points[-1].display == "1,234,567"
    assert report.overview.changes is None  # no diff: nothing to compare with
    text = page_text(render_html(report))
    assert "Rows over runs" in text and 'class="line"' in text


def test_json_renderer_carries_the_tree():
    run = realistic_run()
    data = json.loads(render_json(build_report(run)))
    assert data["format"] == "stocktake.report" and data["version"] == 1
    assert len(data["inventory"]) == len(run.assets)
    assert {r["score_tone"] for r in data["inventory"]} <= {"good", "fair", "poor"}
    assert len(data["findings"]["items"]) == len(run.findings)
    assert data["overview"]["domain_scores"][0]["domain"]


def test_markdown_has_scores_and_domains():
    md = render_markdown(build_report(realistic_run()))
    assert "**Quality by domain**" in md and "| Score |" in md


def test_findings_are_paged_in_the_payload_not_the_dom():
    run = realistic_run()
    run.findings = [
        f.model_copy(update={"id": f"{f.id}-{i}", "check": f"c{i}"}) for i in range(40) for f in run.findings
    ]
    html = render_html(build_report(run))
    assert '<tr class="finding ' not in html  # drawn by the page's script, a page at a time
    assert page_text(html).count('<tr class="finding ') == len(run.findings)
    assert all(isinstance(f, Finding) for f in run.findings)


def test_sample_rows_render_as_a_table_not_as_evidence_text():
    run = realistic_run()
    first = run.findings[0]
    first.evidence["sample_rows"] = [{"status": "N/A", "order_id": 7}, {"status": "-", "order_id": 9}]
    view = next(f for f in build_report(run).findings.items if f.id == first.id)
    assert view.sample_columns == ["status", "order_id"] and view.sample_rows == [["N/A", "7"], ["-", "9"]]
    assert "sample_rows" not in dict(view.evidence)
    text = page_text(render_html(build_report(run)))
    assert '<table class="sample">' in text and "<td>N/A</td>" in text
