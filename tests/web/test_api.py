"""The JSON API answers every view from the demo catalog, and /openapi.json describes each one."""

from __future__ import annotations

from stocktake.catalog import Catalog


def test_runs_lists_both_demo_runs_newest_first(client):
    runs = client.get("/api/runs").json()
    assert len(runs) == 2
    assert runs[0]["started_at"] > runs[1]["started_at"]
    assert runs[0]["finding_count"] > 0


def test_dashboard_counts_open_findings_by_family_and_trends_over_runs(client, fresh_catalog):
    data = client.get("/api/dashboard").json()
    latest = Catalog(fresh_catalog).get_run("latest")
    assert sum(data["open_by_family"].values()) == len(latest.findings)
    assert [p["run_id"] for p in data["trends"]][-1] == latest.id
    assert len(data["trends"]) == 2
    assert data["previous_run"] is not None and data["changes"]


def test_assets_and_asset_detail_with_profiles_and_history(client):
    rows = client.get("/api/assets").json()
    assert rows and all(0 <= r["score"] <= 100 for r in rows)
    detail = client.get(f"/api/assets/{rows[0]['id']}").json()
    assert detail["asset"]["id"] == rows[0]["id"]
    assert detail["profiles"] and len(detail["history"]) == 2


def test_findings_queue_filters_and_sorts_by_impact_times_confidence(client):
    page = client.get("/api/findings", params={"status": "all", "limit": 500}).json()
    priorities = [i["priority"] for i in page["items"]]
    assert priorities == sorted(priorities, reverse=True)
    family = page["items"][0]["finding"]["family"]
    only = client.get("/api/findings", params={"family": family}).json()
    assert only["total"] >= 1 and {i["finding"]["family"] for i in only["items"]} == {family}
    assert client.get("/api/findings", params={"sort": "nonsense"}).status_code == 400


def test_finding_detail_and_unknown_finding_is_404(client):
    first = client.get("/api/findings").json()["items"][0]["finding"]
    detail = client.get(f"/api/findings/{first['id']}").json()
    assert detail["finding"]["reason"] == first["reason"] and detail["verdicts"] == []
    assert client.get("/api/findings/doesnotexist").status_code == 404


def test_diff_between_the_two_demo_runs_shows_the_planted_schema_change(client):
    data = client.get("/api/diff").json()
    changed = {c["asset"]: c for c in data["changed"]}
    assert any(c["added_columns"] or c["retyped"] for c in changed.values())
    assert data["new_findings"] or data["kept_findings"]


def test_openapi_describes_every_api_view(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/runs", "/api/dashboard", "/api/assets", "/api/assets/{asset_id}", "/api/findings",
                 "/api/findings/{finding_id}", "/api/diff", "/api/findings/{finding_id}/verdict", "/api/verdicts"):  # fmt: skip
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"DashboardOut", "FindingsPageOut", "FindingDetailOut", "DiffOut", "Finding"} <= set(schemas)
