"""Near-duplicate entities: a matcher trained on the table itself tells relistings from variants."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from stocktake.connectors import open_source
from stocktake.core.vocab import FindingType
from stocktake.detection.near_duplicates import what_differs
from stocktake.detection.unsupervised import RecordOptions, record_findings
from stocktake.engines.profiling import ProfileOptions, profile_asset
from stocktake.matching.self_supervised import Columns, edit_features, pieces

LINES = {
    "Acme": ["Trail Runner", "Road Racer", "City Walker"],
    "Borealis": ["Down Parka", "Rain Shell", "Fleece Vest"],
    "Corvid": ["Chef Knife", "Bread Knife", "Paring Knife"],
    "Dynamo": ["Power Bank", "Wall Charger", "Car Charger"],
}
SIZES = ["S", "M", "L", "XL", "20cm", "24cm", "10000mAh", "20000mAh"]
COLOURS = ["Black", "White", "Navy", "Olive", "Red"]


def _catalog(rng: random.Random) -> tuple[list[list[object]], set[frozenset[int]]]:
    """Products in lines of variants (size x colour), plus five relistings re-typed by hand."""
    rows: list[list[object]] = []
    item = 1000
    for brand, lines in LINES.items():
        for line in lines:
            for size in rng.sample(SIZES, 4):
                for colour in rng.sample(COLOURS, 3):
                    item += 1
                    rows.append(
                        [item, f"{brand} {line} {size} {colour}", brand, round(rng.uniform(20, 400), 2)]
                    )
    relist = [
        lambda t: t.lower(),
        lambda t: " ".join(t.split()[1:]) + " - " + t.split()[0],
        lambda t: t + " (Limited Offer)",
        lambda t: t.replace(" ", "  ", 1),
        lambda t: "HOT " + t,
    ]
    truth = set()
    for edit, original in zip(relist, rng.sample(rows, len(relist)), strict=False):
        item += 1
        rows.append([item, edit(original[1]), original[2], original[3]])
        truth.add(frozenset((original[0], item)))
    return rows, truth


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["product_id", "product_title", "brand", "price"])
        writer.writerows(rows)
    return path


def test_pieces_ignore_spacing_and_width() -> None:
    assert (
        pieces("华硕 ROG 笔记本 16GB 1TB")
        == pieces("华硕ROG笔记本16GB1TB")
        == pieces("华硕ＲＯＧ笔记本１６ＧＢ１ＴＢ")
    )


def test_edit_features_tell_an_addition_from_a_substitution() -> None:
    cols = Columns(("t",))
    added = edit_features(
        {"t": "Acme Trail Runner M Black"}, {"t": "Acme Trail Runner M Black (Limited Offer)"}, cols
    )
    swapped = edit_features({"t": "Acme Trail Runner M Black"}, {"t": "Acme Trail Runner M White"}, cols)
    resized = edit_features({"t": "Corvid Chef Knife 20cm"}, {"t": "Corvid Chef Knife 24cm"}, cols)
    assert added[2] == 0 and added[1] == 2  # nothing substituted, two pieces added
    assert swapped[2] == 1 and swapped[3] == 0  # a word substituted, not a number
    assert resized[2] == 1 and resized[3] == 1  # a number substituted


def test_what_differs_names_the_words_each_side_has_alone() -> None:
    cols = Columns(("title", "title_zh"), ("price",))
    text = what_differs(
        {"title": "Acme Runner 44 (2026 New)", "title_zh": "【官方正品】阿迪 跑步鞋", "price": "199"},
        {"title": "Acme Runner 44", "title_zh": "阿迪跑步鞋", "price": "209"},
        cols,
    )
    assert text == "title: -2026 new; title_zh: -官方正品; price '199' vs '209'"


def test_relistings_are_found_and_variants_are_not(tmp_path: Path) -> None:
    rows, truth = _catalog(random.Random(3))
    path = _write(tmp_path / "catalog.csv", rows)
    only = RecordOptions(bots=False, garbage=False, category=False, near_duplicates=True)
    with open_source(str(path)) as connector:
        engine = connector.engine()
        (asset,) = connector.discover()
        profiles = profile_asset(engine, asset, ProfileOptions())
        notes: list[str] = []
        findings = record_findings(engine, asset, profiles, only, notes)
    assert not notes
    (finding,) = [f for f in findings if f.type == FindingType.NEAR_DUPLICATE_ENTITY]
    flagged = {frozenset(p["keys"]) for p in finding.evidence["pairs"]}
    found = flagged & truth
    assert len(found) >= 4, (flagged, truth)  # at least four of the five relistings
    assert len(flagged - truth) <= 1, flagged - truth  # variants (another size or colour) stay apart
    assert finding.columns[0] == "product_title" and "brand" in finding.columns
    assert all(p["differs"] for p in finding.evidence["pairs"])
