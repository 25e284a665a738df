"""Verdicts: from the page or API into the catalog, and from the catalog into the next run and report."""

from __future__ import annotations

import json
from datetime import timedelta

from click.testing import CliRunner

from stocktake.catalog import Catalog
from stocktake.core.vocab import FindingStatus
from stocktake.report import build_report
from stocktake.review import REVIEW_EVIDENCE_KEY, apply_verdicts


def _next_run(catalog: Catalog):
    """The latest run scanned again: same finding ids, every status open, a later start."""
    latest = catalog.get_run("latest")
    findings = [f.model_copy(update={"status": FindingStatus.OPEN}) for f in latest.findings]
    later = latest.started_at + timedelta(hours=1)
    return latest.model_copy(update={"id": latest.id + "-next", "started_at": later, "findings": findings})


def test_verdict_posted_from_the_page_reaches_the_catalog_and_the_next_run(client, fresh_catalog):
    items = client.get("/api/findings").json()["items"]
    keep, drop = items[0]["finding"]["id"], items[1]["finding"]["id"]
    token = client.get("/api/csrf").json()["csrf_token"]
    for fid, verdict, comment in ((keep, "confirmed", "real"), (drop, "rejected", "expected: test rows")):
        form = {
            "csrf_token": token,
            "verdict": verdict,
            "comment": comment,
            "reviewer": "ana",
            "next": "/findings",
        }
        response = client.post(f"/findings/{fid}/verdict", data=form, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/findings"
    with Catalog(fresh_catalog) as catalog:
        (stored,) = catalog.verdicts_for(drop)
        assert (stored.verdict, stored.reviewer, stored.comment) == ("rejected", "ana", "expected: test rows")
        nxt = apply_verdicts(catalog, _next_run(catalog))
    by_id = {f.id: f for f in nxt.findings}
    assert by_id[keep].status == "confirmed" and by_id[drop].status == "rejected"
    assert by_id[drop].evidence[REVIEW_EVIDENCE_KEY]["comment"] == "expected: test rows"
    assert nxt.findings[-1].id == drop  # out of the open list, kept at the end
    shown = {f.id: f.status for f in build_report(nxt).findings.items}
    assert shown[drop] == "rejected"
    # The queue (open by default) no longer lists either; the finding page shows the history.
    open_ids = {
        i["finding"]["id"] for i in client.get("/api/findings", params={"limit": 500}).json()["items"]
    }
    assert keep not in open_ids and drop not in open_ids
    assert "expected: test rows" in client.get(f"/findings/{drop}").text


def test_bulk_verdict_records_one_verdict_per_ticked_finding(client, fresh_catalog):
    ids = [i["finding"]["id"] for i in client.get("/api/findings").json()["items"][:3]]
    body = {"finding_ids": ids, "verdict": "fixed", "comment": "patched", "reviewer": "bo"}
    response = client.post(
        "/api/verdicts", json=body, headers={"X-CSRF-Token": client.get("/api/csrf").json()["csrf_token"]}
    )
    assert response.status_code == 200 and len(response.json()) == 3
    status = client.get("/api/dashboard").json()["status_counts"]
    assert status["fixed"] == 3


def test_verdict_on_an_unknown_finding_is_refused(client):
    r = client.post(
        "/api/findings/nope/verdict",
        json={"verdict": "fixed"},
        headers={"X-CSRF-Token": client.get("/api/csrf").json()["csrf_token"]},
    )
    assert r.status_code == 404


def test_review_command_records_a_verdict_and_walks_the_queue(fresh_catalog):
    from stocktake.cli.app import cli

    with Catalog(fresh_catalog) as catalog:
        ids = [f.id for f in catalog.get_run("latest").findings]
    runner = CliRunner()
    one = runner.invoke(cli, ["--catalog", fresh_catalog, "review", ids[0], "--verdict", "rejected",
                              "--comment", "known", "--reviewer", "cy"])  # fmt: skip
    assert one.exit_code == 0, one.output
    # Interactive: confirm the first open finding with a comment, skip one, quit.
    walk = runner.invoke(
        cli, ["--catalog", fresh_catalog, "review", "--reviewer", "cy"], input="c\nlooks real\ns\nq\n"
    )
    assert walk.exit_code == 0, walk.output
    assert "recorded 1 verdicts" in walk.output
    with Catalog(fresh_catalog) as catalog:
        assert catalog.verdicts_for(ids[0])[-1].comment == "known"
        confirmed = [i for i in ids[1:] if catalog.verdicts_for(i)]
        assert len(confirmed) == 1 and catalog.verdicts_for(confirmed[0])[0].verdict == "confirmed"
    bad = runner.invoke(cli, ["--catalog", fresh_catalog, "review", "nope", "--verdict", "fixed"])
    assert bad.exit_code != 0


def test_row_verdicts_are_kept_per_flagged_row(client, fresh_catalog):
    from stocktake.review import row_verdicts

    items = client.get("/api/findings", params={"status": "all", "limit": 500}).json()["items"]
    finding = next(i["finding"] for i in items if len(i["finding"]["rows"]["keys"]) >= 2)
    first, second = finding["rows"]["keys"][:2]
    token = client.get("/api/csrf").json()["csrf_token"]
    url = f"/api/findings/{finding['id']}/rows/verdict"
    ok = client.post(url, json={"key": first, "verdict": "confirmed"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200
    # The page's form posts the key as JSON text.
    form = {"csrf_token": token, "key": json.dumps(second), "verdict": "rejected", "reviewer": "dee"}
    assert (
        client.post(f"/findings/{finding['id']}/rows/verdict", data=form, follow_redirects=False).status_code
        == 303
    )
    not_flagged = client.post(
        url, json={"key": "no such row", "verdict": "confirmed"}, headers={"X-CSRF-Token": token}
    )
    assert not_flagged.status_code == 400
    detail = client.get(f"/api/findings/{finding['id']}").json()
    assert {v["verdict"] for v in detail["row_verdicts"].values()} == {"confirmed", "rejected"}
    assert detail["finding"]["status"] == "open"  # row verdicts do not judge the whole finding
    with Catalog(fresh_catalog) as catalog:
        assert len(row_verdicts(catalog, finding["id"])) == 2
    page = client.get(f"/findings/{finding['id']}").text
    assert page.count('class="status st-rejected"') >= 1


def test_review_command_filters_by_type_and_asset(fresh_catalog):
    from stocktake.cli.app import cli

    with Catalog(fresh_catalog) as catalog:
        run = catalog.get_run("latest")
    finding = run.findings[0]
    asset_name = next(a.name for a in run.assets if a.id == finding.asset)
    expected = sum(1 for f in run.findings if f.type == finding.type and f.asset == finding.asset)
    args = ["--catalog", fresh_catalog, "review", "--type", str(finding.type), "--asset", asset_name]
    result = CliRunner().invoke(cli, args, input="q\n")
    assert result.exit_code == 0, result.output
    assert f"{expected} open findings" in result.output
    assert str(finding.type) in result.output and finding.id in result.output
