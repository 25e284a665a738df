"""The demo estate: deterministic, every finding type planted, planted keys really show the problem,
and the evaluation arithmetic."""

from __future__ import annotations

import csv
import difflib
import hashlib
import re
import sqlite3
import statistics
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from stocktake.core.records import Finding, Impact, RowSet
from stocktake.core.vocab import FAMILY_OF_TYPE, NULL_LIKE_TOKENS, FindingType, Severity
from stocktake.demo import Problem, Truth, evaluate_findings, generate_estate, load_truth
from stocktake.demo.lexicon_catalog import LEAVES
from stocktake.demo.truth import Counterpart

ROWS = 20_000
ASSETS = {
    "behaviour_log",
    "search_queries",
    "reviews",
    "users",
    "products",
    "orders",
    "order_items",
    "payments",
    "supplier_feed",
}


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory):
    return generate_estate(tmp_path_factory.mktemp("estate"), rows=ROWS, seed=7)


@pytest.fixture(scope="module")
def truth(estate) -> Truth:
    return load_truth(estate.truth_path)


@pytest.fixture(scope="module")
def shop(estate):
    con = sqlite3.connect(f"file:{estate.shop}?mode=ro", uri=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def lake(estate):
    con = duckdb.connect()
    for name in ("behaviour_log", "search_queries", "reviews"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{estate.lake / name}.parquet')")
    yield con
    con.close()


def problem(truth: Truth, type_: FindingType, asset: str, column: str | None = None) -> Problem:
    found = [p for p in truth.of_type(type_) if p.asset == asset and (column is None or column in p.columns)]
    assert len(found) == 1, (type_, asset, column)
    return found[0]


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ---- shape and determinism -------------------------------------------------------------------


def test_same_seed_gives_identical_files(estate, tmp_path: Path) -> None:
    again = generate_estate(tmp_path / "again", rows=ROWS, seed=7)
    first = digests(estate.root)
    assert set(first) == {
        "lake/behaviour_log.parquet",
        "lake/search_queries.parquet",
        "lake/reviews.parquet",
        "shop.sqlite",
        "feeds/supplier_feed.csv",
        "truth.json",
    }
    assert digests(again.root) == first


def test_other_seed_gives_other_data(estate, tmp_path: Path) -> None:
    other = generate_estate(tmp_path / "other", rows=ROWS, seed=8)
    assert (
        digests(other.root)["lake/behaviour_log.parquet"]
        != digests(estate.root)["lake/behaviour_log.parquet"]
    )


def test_layout_and_truth_header(estate, truth: Truth, shop, lake) -> None:
    assert estate.sources == [str(estate.lake), str(estate.shop), str(estate.feeds)]
    assert truth.source_paths() == [str(Path(s).resolve()) for s in estate.sources]
    assert (truth.as_of, truth.seed, truth.rows) == ("2026-11-20", 7, ROWS)
    tables = {r[0] for r in shop.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    files = {p.stem for p in estate.lake.glob("*.parquet")} | {p.stem for p in estate.feeds.glob("*.csv")}
    assert tables | files == ASSETS
    assert {p.asset for p in truth.problems} <= ASSETS
    n_log = lake.execute("SELECT count(*) FROM behaviour_log").fetchone()[0]
    assert 0.97 * ROWS <= n_log <= ROWS
    funnel = dict(lake.execute("SELECT behaviour_type, count(*) FROM behaviour_log GROUP BY 1").fetchall())
    assert funnel["pv"] > 10 * funnel["cart"] > 10 * funnel["buy"] / 2


def test_every_finding_type_is_planted(truth: Truth) -> None:
    assert {p.type for p in truth.problems} == set(FindingType)
    for p in truth.problems:
        assert p.count > 0 and p.description
        if p.type is not FindingType.SCHEMA_DRIFT:
            assert p.keys, p.type


def test_planted_keys_never_collide(truth: Truth) -> None:
    seen: dict[tuple[str, str], FindingType] = {}
    for p in truth.problems:
        if p.type in (FindingType.MISSING_PARTITION, FindingType.VOLUME_ANOMALY):
            continue  # day-level keys live in another key space
        for key in p.keys:
            slot = (p.asset, repr(key))
            assert slot not in seen, (p.type, seen.get(slot), key)
            seen[slot] = p.type


# ---- planted keys show the problem, and (mostly) only they do --------------------------------


def test_missing_city(truth: Truth, shop) -> None:
    rows = shop.execute("SELECT user_id, city FROM users").fetchall()
    missing = {u for u, city in rows if city is None or city.strip().lower() in NULL_LIKE_TOKENS}
    assert missing == set(problem(truth, FindingType.MISSING_VALUES, "users").keys)


def test_invalid_email_and_phone(truth: Truth, shop) -> None:
    rows = shop.execute("SELECT user_id, email, phone FROM users").fetchall()
    bad_email = {u for u, e, _ in rows if not re.fullmatch(r"[a-z0-9._]+@[a-z0-9]+\.[a-z]+", e)}
    bad_phone = {u for u, _, p in rows if not re.fullmatch(r"1[3-9]\d{9}", p)}
    assert bad_email == set(problem(truth, FindingType.INVALID_FORMAT, "users", "email").keys)
    assert bad_phone == set(problem(truth, FindingType.INVALID_FORMAT, "users", "phone").keys)


def test_orders_temporal_and_duplicates(truth: Truth, shop) -> None:
    paid_early = {r[0] for r in shop.execute("SELECT order_id FROM orders WHERE paid_at < ordered_at")}
    delivered_early = {
        r[0] for r in shop.execute("SELECT order_id FROM orders WHERE delivered_at < shipped_at")
    }
    repeated = {r[0] for r in shop.execute("SELECT order_id FROM orders GROUP BY 1 HAVING count(*) > 1")}
    assert paid_early == set(problem(truth, FindingType.TEMPORAL_ORDER, "orders", "paid_at").keys)
    assert delivered_early == set(problem(truth, FindingType.TEMPORAL_ORDER, "orders", "delivered_at").keys)
    assert repeated == set(problem(truth, FindingType.DUPLICATE_KEY, "orders").keys)


def test_order_items_orphans_and_range(truth: Truth, shop) -> None:
    orphans = shop.execute(
        "SELECT order_id, line_no FROM order_items WHERE item_id NOT IN (SELECT item_id FROM products)"
    ).fetchall()
    negative = shop.execute("SELECT order_id, line_no FROM order_items WHERE quantity <= 0").fetchall()
    assert sorted(map(list, orphans)) == sorted(
        problem(truth, FindingType.ORPHAN_REFERENCE, "order_items").keys
    )
    assert sorted(map(list, negative)) == sorted(problem(truth, FindingType.OUT_OF_RANGE, "order_items").keys)


def test_products_outliers_and_misfiled(truth: Truth, shop) -> None:
    rows = shop.execute("SELECT item_id, title, category, price FROM products").fetchall()
    medians = {cat: statistics.median(p for _, _, c, p in rows if c == cat) for cat in {r[2] for r in rows}}
    outliers = {i for i, _, c, p in rows if p / medians[c] > 50}
    assert outliers == set(problem(truth, FindingType.OUTLIER_VALUE, "products").keys)
    nouns = {leaf.name: [n[0].lower() for n in leaf.nouns] for leaf in LEAVES}
    misfiled = {i for i, title, c, _ in rows if not any(n in title.lower() for n in nouns[c])}
    assert misfiled == set(problem(truth, FindingType.CATEGORY_MISMATCH, "products").keys)


def test_near_duplicate_pairs(truth: Truth, shop) -> None:
    found = problem(truth, FindingType.NEAR_DUPLICATE_ENTITY, "products")
    rows = {r[0]: r[1:] for r in shop.execute("SELECT item_id, title, brand, category, price FROM products")}
    for a, b in zip(found.keys[::2], found.keys[1::2], strict=True):
        (title_a, *rest_a), (title_b, *rest_b) = rows[a], rows[b]
        assert rest_a[:2] == rest_b[:2] and abs(rest_a[2] - rest_b[2]) <= 0.1 * rest_a[2]
        assert title_a != title_b
        assert difflib.SequenceMatcher(None, title_a.lower(), title_b.lower()).ratio() > 0.75


def test_supplier_feed_conflicts(truth: Truth, estate, shop) -> None:
    products = {r[0]: r[1:] for r in shop.execute("SELECT item_id, brand, price FROM products")}
    with (estate.feeds / "supplier_feed.csv").open(encoding="utf-8", newline="") as fh:
        feed = list(csv.DictReader(fh))
    assert 0.5 * len(products) < len(feed) < 0.7 * len(products)
    conflicts = set()
    for row in feed:
        brand, price = products[int(row["item_id"])]
        if row["brand"] != brand or not 0.99 <= float(row["list_price"]) / price <= 1.3:
            conflicts.add(int(row["item_id"]))
    assert conflicts == set(problem(truth, FindingType.CROSS_SOURCE_CONFLICT, "supplier_feed").keys)


def test_behaviour_log_problems(truth: Truth, lake) -> None:
    per_day = dict(
        lake.execute(
            "SELECT strftime(event_time, '%Y-%m-%d'), count(*) FROM behaviour_log GROUP BY 1"
        ).fetchall()
    )
    (missing_day,) = problem(truth, FindingType.MISSING_PARTITION, "behaviour_log").keys
    assert missing_day not in per_day and len(per_day) == 29
    (spike_day,) = problem(truth, FindingType.VOLUME_ANOMALY, "behaviour_log").keys
    assert per_day[spike_day] > 3.5 * statistics.median(per_day.values())

    dup_keys = lake.execute(
        "SELECT user_id, item_id, strftime(event_time, '%Y-%m-%d %H:%M:%S') FROM behaviour_log "
        "GROUP BY ALL HAVING count(*) > 1"
    ).fetchall()
    exact = lake.execute("SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT * FROM behaviour_log)) FROM behaviour_log").fetchone()[0]  # fmt: skip
    planted = problem(truth, FindingType.DUPLICATE_RECORD, "behaviour_log")
    assert sorted(map(list, dup_keys)) == sorted(planted.keys) and exact == planted.count

    bots = problem(truth, FindingType.BOT_TRAFFIC, "behaviour_log")
    per_user = dict(lake.execute("SELECT user_id, count(*) FROM behaviour_log GROUP BY 1").fetchall())
    busiest_human = max(n for u, n in per_user.items() if u not in bots.keys)
    for user in bots.keys:
        assert per_user[user] > 1.5 * busiest_human
        gaps = lake.execute(
            "SELECT epoch(event_time) - epoch(lag(event_time) OVER (ORDER BY event_time)) FROM behaviour_log "
            "WHERE user_id = ?",
            [user],
        ).fetchall()
        gap, n = Counter(g for (g,) in gaps[1:]).most_common(1)[0]
        assert gap in (20, 30, 45) and n > 0.9 * len(gaps)


def test_search_future_timestamps(truth: Truth, lake) -> None:
    future = {r[0] for r in lake.execute("SELECT query_id FROM search_queries WHERE event_time > TIMESTAMP '2026-11-20'").fetchall()}  # fmt: skip
    assert future == set(problem(truth, FindingType.FUTURE_TIMESTAMP, "search_queries").keys)


def test_reviews_problems(truth: Truth, lake) -> None:
    out_of_range = {r[0] for r in lake.execute("SELECT review_id FROM reviews WHERE rating NOT BETWEEN 1 AND 5").fetchall()}  # fmt: skip
    assert out_of_range == set(problem(truth, FindingType.OUT_OF_RANGE, "reviews").keys)
    texts = dict(lake.execute("SELECT review_id, review_text FROM reviews").fetchall())
    contact = re.compile(r"1[3-9]\d[ ]?\d{4}[ ]?\d{4}|[\w.]+@[\w]+\.com")
    assert {r for r, t in texts.items() if contact.search(t)} == set(problem(truth, FindingType.PII_EXPOSURE, "reviews").keys)  # fmt: skip
    garbage = problem(truth, FindingType.TEXT_GARBAGE, "reviews")
    for key in garbage.keys:
        text = texts[key]
        assert re.search(r"[<>锟�åæçè]|^[a-z;]+$", text) or text.encode("gbk", errors="ignore").decode("utf-8", errors="ignore") != text  # fmt: skip
    types = dict(lake.execute("SELECT column_name, column_type FROM (DESCRIBE reviews)").fetchall())
    assert types["item_id"] == "VARCHAR" and types["order_id"] == "BIGINT"
    assert problem(truth, FindingType.SCHEMA_DRIFT, "reviews").columns == ["item_id"]


# ---- evaluation ------------------------------------------------------------------------------


def _finding(type_: FindingType, asset: str, columns: list[str], keys: list) -> Finding:
    return Finding(
        id=Finding.make_id(asset, columns, type_, "test"),
        asset=asset,
        columns=columns,
        family=FAMILY_OF_TYPE[type_],
        type=type_,
        severity=Severity.WARNING,
        reason="hand-made",
        rows=RowSet(count=len(keys), share=0.0, keys=keys[:20]),
        impact=Impact(rows=len(keys), share=0.0),
        score=0.5,
    )


def test_perfect_findings_score_one(truth: Truth) -> None:
    findings = [_finding(p.type, f"src/{p.asset}", p.columns, p.keys) for p in truth.problems]
    scores = evaluate_findings(truth, findings)
    assert set(scores) == {str(t) for t in FindingType}
    for score in scores.values():
        assert (score.precision, score.recall) == (1.0, 1.0), score
        assert score.key_precision in (1.0, None)


def test_no_findings_score_zero(truth: Truth) -> None:
    for score in evaluate_findings(truth, []).values():
        assert score.recall == 0.0 and score.precision is None and score.note == "not detected yet"


def test_hand_made_half_and_matching_rules() -> None:
    t = FindingType.TEMPORAL_ORDER
    truth = Truth(
        as_of="2026-11-20",
        seed=1,
        rows=0,
        sources=[],
        problems=[
            Problem("orders", ["paid_at", "ordered_at"], t, ["order_id"], [1, 2, 3, 4], 4, "paid early"),
            Problem("orders", ["delivered_at", "shipped_at"], t, ["order_id"], [5, 6], 2, "delivered early"),
            Problem("behaviour_log", ["event_time"], FindingType.MISSING_PARTITION, ["event_time"],
                    ["2026-10-30"], 1, "gap", unit="days"),
            Problem("supplier_feed", ["list_price"], FindingType.CROSS_SOURCE_CONFLICT, ["item_id"], [9], 1,
                    "price", counterpart=Counterpart("products", ("price",))),
        ],
    )  # fmt: skip
    findings = [
        {
            "type": "temporal_order",
            "asset": "shop/orders",
            "columns": ["paid_at"],
            "rows": {"keys": ["1", 2, 99]},
        },
        {"type": "temporal_order", "asset": "shop/payments", "columns": ["paid_at"], "rows": {"keys": [1]}},
        _finding(FindingType.MISSING_PARTITION, "lake/behaviour_log.parquet", [], ["2026-10-30 00:00:00"]),
        _finding(FindingType.CROSS_SOURCE_CONFLICT, "shop/products", ["price"], [9]),
        _finding(FindingType.CROSS_SOURCE_CONFLICT, "shop/products", ["title"], []),
    ]
    scores = evaluate_findings(truth, findings)
    temporal = scores["temporal_order"]
    assert (temporal.planted, temporal.flagged, temporal.matched_findings, temporal.matched_problems) == (
        2,
        2,
        1,
        1,
    )
    assert (temporal.precision, temporal.recall) == (0.5, 0.5)
    assert temporal.key_recall == pytest.approx(2 / 6)  # keys 1 and 2 of the six planted
    assert temporal.key_precision == pytest.approx(2 / 3)  # 99 was never planted
    gap = scores["missing_partition"]
    assert (gap.precision, gap.recall, gap.key_recall) == (1.0, 1.0, 1.0)
    conflict = scores["cross_source_conflict"]  # the counterpart side counts; an unrelated column does not
    assert (conflict.precision, conflict.recall) == (0.5, 1.0)
    assert scores["bot_traffic"].precision is None and scores["bot_traffic"].recall == 0.0
