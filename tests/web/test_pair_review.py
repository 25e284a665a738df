"""Pair verdicts in the web app: the finding page's Pairs card, its form, and the JSON API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.near_dup_run import listed_run
from stocktake.catalog import Catalog
from stocktake.review import pair_labels
from stocktake.review.pairs import pair_text

from .conftest import LOCAL


@pytest.fixture
def listed(tmp_path: Path):
    from fastapi.testclient import TestClient

    from stocktake.web.app import create_app

    path = str(tmp_path / "catalog.db")
    run, _ = listed_run()
    with Catalog(path) as catalog:
        catalog.save_run(run)
    with TestClient(create_app(path), base_url=LOCAL) as client:
        yield client, path, run.findings[0]


def _csrf(client) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/csrf").json()["csrf_token"]}


def test_pair_verdicts_through_the_api(listed) -> None:
    client, path, finding = listed
    pairs = finding.evidence["pairs"]
    url = f"/api/findings/{finding.id}/pairs/verdict"
    first, second = pairs[0]["keys"], pairs[1]["keys"]
    assert client.post(url, json={"keys": first, "verdict": "rejected"}).status_code == 403  # no CSRF token
    headers = _csrf(client)
    ok = client.post(url, json={"keys": list(reversed(first)), "verdict": "rejected"}, headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json()["finding_id"] == f"{finding.id}:pair:{pair_text(first)}"
    # The latest word on a pair wins.
    again = {"keys": first, "verdict": "confirmed", "reviewer": "ana", "comment": "relisted"}
    assert client.post(url, json=again, headers=headers).status_code == 200
    assert client.post(url, json={"keys": second, "verdict": "rejected"}, headers=headers).status_code == 200

    not_listed = client.post(url, json={"keys": [first[0], 999], "verdict": "rejected"}, headers=headers)
    assert not_listed.status_code == 400 and "not one of the pairs" in not_listed.json()["detail"]
    three = client.post(url, json={"keys": [1, 2, 3], "verdict": "rejected"}, headers=headers)
    fixed = client.post(url, json={"keys": first, "verdict": "fixed"}, headers=headers)
    assert three.status_code == 422 and fixed.status_code == 422
    missing = client.post("/api/findings/nope/pairs/verdict", json={"keys": first, "verdict": "rejected"},
                          headers=headers)  # fmt: skip
    assert missing.status_code == 404

    detail = client.get(f"/api/findings/{finding.id}").json()
    judged = {k: (v["verdict"], v["reviewer"]) for k, v in detail["pair_verdicts"].items()}
    assert judged == {pair_text(first): ("confirmed", "ana"), pair_text(second): ("rejected", None)}
    assert detail["finding"]["status"] == "open"  # pair verdicts do not judge the whole finding
    assert "/api/findings/{finding_id}/pairs/verdict" in client.get("/openapi.json").json()["paths"]
    with Catalog(path) as catalog:
        labels = {json.dumps(p.right): p.label for p in pair_labels(catalog)}
    assert labels == {json.dumps(pairs[0]["right"]): 1, json.dumps(pairs[1]["right"]): 0}


def test_the_finding_page_lists_pairs_and_records_the_form(listed) -> None:
    client, path, finding = listed
    pairs = finding.evidence["pairs"]
    page = client.get(f"/findings/{finding.id}").text
    assert 'class="pairs-review"' in page and page.count(
        'action="/findings/' + finding.id + '/pairs/verdict"'
    ) == len(pairs)
    assert "Same product" in page and "Different" in page and pairs[0]["left"]["product_title"] in page
    assert "<script>" not in page  # strict CSP: no inline scripts
    token = client.get("/api/csrf").json()["csrf_token"]
    form = {"csrf_token": token, "keys": pair_text(pairs[3]["keys"]), "verdict": "rejected", "reviewer": "dee",
            "next": f"/findings/{finding.id}"}  # fmt: skip
    done = client.post(f"/findings/{finding.id}/pairs/verdict", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/findings/{finding.id}"
    after = client.get(f"/findings/{finding.id}").text
    row = after.split(f'data-keys="{pair_text(pairs[3]["keys"])}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="status st-rejected">different</span>' in row and "dee" in row

    bad = client.post(f"/findings/{finding.id}/pairs/verdict", data={**form, "keys": "[1, 999]"})
    assert bad.status_code == 400 and "not one of the pairs" in bad.text
    not_json = client.post(f"/findings/{finding.id}/pairs/verdict", data={**form, "keys": "1,2"})
    assert not_json.status_code == 400
    fixed = client.post(f"/findings/{finding.id}/pairs/verdict", data={**form, "verdict": "fixed"})
    assert fixed.status_code == 400
    no_token = client.post(f"/findings/{finding.id}/pairs/verdict", data={**form, "csrf_token": "x"})
    assert no_token.status_code == 403
    with Catalog(path) as catalog:
        assert len(catalog.verdicts_containing(":pair:")) == 1
