"""Unsupervised record detectors on tiny generated tables: bots, text garbage, category mismatches."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from stocktake.connectors import open_source
from stocktake.core.vocab import FindingType
from stocktake.detection import unsupervised
from stocktake.detection.ecod import far_out, tail_contributions
from stocktake.detection.garbage import garbage_reason
from stocktake.detection.unsupervised import RecordOptions, record_findings
from stocktake.engines.profiling import ProfileOptions, profile_asset
from stocktake.models.next_category import NextCategoryModel, collapse


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _findings(path: Path, options: RecordOptions | None = None, notes: list[str] | None = None):
    with open_source(str(path)) as connector:
        engine = connector.engine()
        (asset,) = connector.discover()
        profiles = profile_asset(engine, asset, ProfileOptions())
        return record_findings(engine, asset, profiles, options, notes)


# ---- text garbage -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "质量很好，物流也快".encode().decode("gbk", errors="replace"),
        "颜色很正，尺码合适".encode().decode("cp1252", errors="ignore"),
        "café crème".encode().decode("latin-1"),
        "锟斤拷锟斤拷",
        "nice <p>fits well</p>",
        "great&nbsp;&nbsp;value",
    ],
)
def test_garbage_reason_flags_damaged_text(text: str) -> None:
    assert garbage_reason(text) is not None


@pytest.mark.parametrize(
    "text",
    ["质量很好，物流也快", "平装", "磨毛", "Produto ótimo, chegou rápido", "Größe passt", "i <3 it", "a > b"],
)
def test_garbage_reason_leaves_real_text(text: str) -> None:
    assert garbage_reason(text) is None


def test_text_garbage_finding_names_the_column_and_the_rows(tmp_path: Path) -> None:
    rng = random.Random(3)
    good = [
        "Great quality and fast delivery.",
        "Fits perfectly, would recommend.",
        "质量很好，物流也快，好评！",
    ]
    rows = [[i, rng.choice(good), rng.randint(1, 5)] for i in range(400)]
    rows[17][1] = "质量很好，物流也快，好评！".encode().decode("gbk", errors="replace")
    rows[230][1] = "asdkjqwpeoiruty;lkjhasd"
    path = _write(tmp_path / "reviews.csv", ["review_id", "review_text", "rating"], rows)
    (finding,) = [f for f in _findings(path) if f.type == FindingType.TEXT_GARBAGE]
    assert finding.columns == ["review_text"]
    assert sorted(finding.rows.keys) == [17, 230]
    assert finding.rows.count == 2


def test_a_column_of_markup_is_not_garbage(tmp_path: Path) -> None:
    rows = [[i, f"<p>Product {i} is <b>great</b></p>"] for i in range(300)]
    path = _write(tmp_path / "reviews.csv", ["review_id", "review_text"], rows)
    assert not [f for f in _findings(path) if f.type == FindingType.TEXT_GARBAGE]


# ---- bots ---------------------------------------------------------------------------------------
def _events(bot: bool) -> list[list[object]]:
    rng = random.Random(5)
    rows: list[list[object]] = []
    start = 1_700_000_000
    for user in range(1, 81):  # people: bursts of browsing, a few carts and buys, on a few days
        t = start + rng.randint(0, 86400)
        for _ in range(rng.randint(20, 80)):
            t += rng.choice([rng.randint(5, 300), rng.randint(3600, 3 * 86400)])
            rows.append(
                [
                    user,
                    rng.randint(1, 999),
                    rng.choice(["pv", "pv", "pv", "pv", "pv", "cart", "fav", "buy"]),
                    t,
                ]
            )
    if bot:
        for k in range(900):  # one account, one page view every 30 s
            rows.append([4242, 10_000 + k, "pv", start + 30 * k])
    for i, row in enumerate(rows):
        row[3] = f"2023-11-{1 + (row[3] - start) // 86400 % 28:02d} {(row[3] // 3600) % 24:02d}:" + (
            f"{(row[3] // 60) % 60:02d}:{row[3] % 60:02d}"
        )
        rows[i] = row
    return rows


def test_bot_traffic_names_the_crawler_with_feature_contributions(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "events.csv", ["user_id", "item_id", "behavior_type", "event_time"], _events(True)
    )
    (finding,) = [f for f in _findings(path) if f.type == FindingType.BOT_TRAFFIC]
    assert finding.rows.keys == [4242]
    assert finding.rows.count == 900
    flagged = finding.evidence["flagged"][0]
    assert flagged["contributions"]["gap_regularity"] > 1.0
    assert "gap_regularity" in finding.reason


def test_no_bot_among_people(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "events.csv", ["user_id", "item_id", "behavior_type", "event_time"], _events(False)
    )
    assert not [f for f in _findings(path) if f.type == FindingType.BOT_TRAFFIC]


def test_tail_contributions_and_fence() -> None:
    import numpy as np

    x = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    contrib = tail_contributions(x)[:, 0]
    assert contrib[-1] == pytest.approx(-np.log10(1 / 5))
    assert contrib[0] == 0.0
    assert far_out(x)[:, 0].tolist() == [False, False, False, False, True]


# ---- categories ---------------------------------------------------------------------------------
CATALOG = {
    "Mobile Phones": [
        "apple iphone {n} {g}gb black",
        "samsung galaxy s{n} {g}gb blue",
        "xiaomi redmi note {n} {g}gb",
    ],
    "Washing Machines": [
        "bosch serie {n} washing machine {g}kg",
        "lg front loader washer {g}kg {n}",
        "miele w{n} washer",
    ],
    "Microwaves": [
        "panasonic microwave oven {g}l {n}",
        "sharp solo microwave {g} litre {n}",
        "whirlpool grill microwave {n}",
    ],
}


def _catalog(tmp_path: Path, swapped: dict[int, str]) -> Path:
    rng = random.Random(11)
    rows = []
    for i in range(600):
        category = list(CATALOG)[i % 3]
        title = rng.choice(CATALOG[category]).format(n=rng.randint(1, 20), g=rng.choice([8, 16, 32, 64, 128]))
        rows.append([1000 + i, title, swapped.get(1000 + i, category), rng.randint(50, 900)])
    return _write(tmp_path / "products.csv", ["item_id", "title", "category", "price"], rows)


def test_category_mismatch_finds_the_misfiled_product(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    path = _catalog(tmp_path, {1003: "Microwaves", 1301: "Mobile Phones"})
    options = RecordOptions(use_encoder=False)
    (finding,) = [f for f in _findings(path, options) if f.type == FindingType.CATEGORY_MISMATCH]
    assert set(finding.columns) == {"category", "title"}
    assert sorted(finding.rows.keys) == [1003, 1301]
    assert finding.evidence["examples"][0]["predicted"] != finding.evidence["examples"][0]["declared"]


def test_category_detector_is_skipped_without_scikit_learn(tmp_path: Path, monkeypatch) -> None:
    path = _catalog(tmp_path, {1003: "Microwaves"})
    monkeypatch.setattr(unsupervised, "_installed", lambda module: module != "sklearn")
    notes: list[str] = []
    assert not [f for f in _findings(path, notes=notes) if f.type == FindingType.CATEGORY_MISMATCH]
    assert notes == []


def test_category_model_predicts_a_category_for_a_title() -> None:
    pytest.importorskip("sklearn")
    from stocktake.models.category_model import CategoryModel

    titles = [t.format(n=n, g=g) for n in range(1, 6) for g in (8, 64) for ts in CATALOG.values() for t in ts]
    labels = [c for n in range(1, 6) for g in (8, 64) for c, ts in CATALOG.items() for _ in ts]
    model = CategoryModel(use_encoder=False).fit(titles, labels)
    assert model.predict_category(["samsung galaxy s9 256gb", "bosch washing machine 9kg"]) == [
        "Mobile Phones",
        "Washing Machines",
    ]


# ---- next category ------------------------------------------------------------------------------
def test_next_category_follows_transitions_and_never_repeats_the_current() -> None:
    assert collapse("aabbbac") == ["a", "b", "a", "c"]
    model = NextCategoryModel(markov_weight=1.0).fit([list("abcabcabc"), list("abd")])
    assert model.predict(list("xxab"), k=2)[0] == "c"
    assert "b" not in model.predict(list("ab"), k=5)


# ---- fused outliers -----------------------------------------------------------------------------
def test_fused_outliers_rank_a_price_wrong_for_its_category_first() -> None:
    from stocktake.detection.fused import fused_outliers

    rng = random.Random(2)
    cats = [rng.choice(["cheap", "dear"]) for _ in range(400)]
    prices = [round(rng.uniform(5, 9) if c == "cheap" else rng.uniform(500, 900), 2) for c in cats]
    prices[37] = 700.0 if cats[37] == "cheap" else 7.0  # plausible overall, wrong for its category
    result = fused_outliers({"category": cats, "price": prices}, use_encoder=False)
    assert result.outliers[0] == 37
    assert result.features == ["category", "price"]
    assert result.contributions[37, 1] > result.contributions[37, 0]


def test_bot_features_run_where_the_data_lives(db_scratch) -> None:
    """The per-user SQL (window LAG, epoch seconds) transpiles for every engine."""
    from datetime import datetime

    rows = [[u, i, b, datetime.fromisoformat(t)] for u, i, b, t in _events(True)]
    db_scratch.create_table(
        "events",
        [
            ("user_id", "INTEGER"),
            ("item_id", "INTEGER"),
            ("behavior_type", "VARCHAR(8)"),
            ("event_time", "TIMESTAMP"),
        ],
        rows,
    )
    with db_scratch.open() as connector:
        engine = connector.engine()
        (asset,) = [a for a in connector.discover() if a.name.endswith("events")]
        notes: list[str] = []
        options = RecordOptions(garbage=False, category=False)
        found = record_findings(engine, asset, profile_asset(engine, asset), options, notes)
    assert notes == []
    assert [(f.type, f.rows.keys) for f in found] == [(FindingType.BOT_TRAFFIC, [4242])]


def test_category_and_garbage_queries_run_on_every_engine(db_scratch, tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    with _catalog(tmp_path, {1003: "Microwaves"}).open(encoding="utf-8") as handle:
        rows = [[int(r[0]), r[1], r[2], int(r[3])] for r in list(csv.reader(handle))[1:]]
    rows[5][1] = "锟斤拷锟斤拷 microwave"
    db_scratch.create_table(
        "products",
        [("item_id", "INTEGER"), ("title", "VARCHAR(80)"), ("category", "VARCHAR(40)"), ("price", "INTEGER")],
        rows,
    )
    with db_scratch.open() as connector:
        engine = connector.engine()
        (asset,) = [a for a in connector.discover() if a.name.endswith("products")]
        notes: list[str] = []
        found = record_findings(
            engine, asset, profile_asset(engine, asset), RecordOptions(use_encoder=False), notes
        )
    assert notes == []
    by_type = {f.type: f.rows.keys for f in found}
    assert by_type[FindingType.CATEGORY_MISMATCH] == [1003]
    assert by_type[FindingType.TEXT_GARBAGE] == [1005]


def test_a_failing_classifier_costs_the_detectors_not_the_asset(tmp_path: Path, monkeypatch) -> None:
    import stocktake.semantics.semantic_types as semantic_types

    def broken(*_args, **_kwargs):
        raise OSError("model file being rewritten")

    monkeypatch.setattr(semantic_types, "classify_many", broken)
    path = _write(tmp_path / "reviews.csv", ["review_id", "review_text"], [[i, "fine"] for i in range(10)])
    notes: list[str] = []
    assert _findings(path, notes=notes) == []
    assert notes == ["reviews/reviews: record detectors: OSError: model file being rewritten"]
