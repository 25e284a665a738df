"""Misplaced values (a price or model number written into the title) are moved back before comparing."""

from __future__ import annotations

from stocktake.matching.features import PairFeaturizer
from stocktake.matching.realign import Realigner

BRANDS = ["acme", "globex", "initech", "hooli", "umbrella"]


def _catalog() -> list[dict[str, str]]:
    return [
        {
            "title": f"{BRANDS[i % 5]} widget {i}",
            "brand": BRANDS[i % 5],
            "modelno": f"wx-{1000 + i}",
            "price": f"{10 + i}.99",
        }
        for i in range(40)
    ]


def test_kinds_are_learned_from_the_values():
    kinds = Realigner().fit(_catalog(), ["title", "brand", "modelno", "price"]).kinds
    assert {name: k.kind for name, k in kinds.items()} == {
        "title": "text",
        "brand": "vocabulary",
        "modelno": "code",
        "price": "number",
    }


def test_empty_fields_are_filled_from_the_title_and_only_the_price_is_cut_out():
    realign = Realigner().fit(_catalog(), ["title", "brand", "modelno", "price"])
    dirty = {"title": "globex deluxe widget zq-7781 4gb 129.99", "brand": "", "modelno": "", "price": ""}
    fixed = realign(dirty)
    assert fixed == {
        "title": "globex deluxe widget zq-7781 4gb",
        "brand": "globex",
        "modelno": "zq-7781",
        "price": "129.99",
    }
    assert dirty["price"] == ""  # the input is not changed


def test_ambiguous_or_absent_values_are_left_alone():
    realign = Realigner().fit(_catalog(), ["title", "brand", "modelno", "price"])
    two_codes = {"title": "widget ab-12345 or cd-67890 2.0 usb", "brand": "", "modelno": "", "price": ""}
    fixed = realign(two_codes)
    assert fixed["modelno"] == "" and fixed["price"] == ""  # 2.0 is not at the end: not a spilled price
    assert realign({"title": "", "brand": "", "modelno": "", "price": ""})["brand"] == ""


def test_few_values_teach_nothing():
    few = _catalog()[:5]
    kinds = Realigner().fit(few, ["title", "brand", "modelno", "price"]).kinds
    assert all(k.kind == "text" for k in kinds.values())


def test_featurizer_compares_realigned_records():
    records = _catalog()
    left = {"title": "globex widget 7 wx-1007 17.99", "brand": "", "modelno": "", "price": ""}
    right = records[7]
    on = PairFeaturizer(realign=True).fit(records)
    off = PairFeaturizer(realign=False).fit(records)
    row_on = dict(zip(on.names, on.transform([(left, right)])[0], strict=True))
    row_off = dict(zip(off.names, off.transform([(left, right)])[0], strict=True))
    assert row_on["modelno:equal"] == 1.0 and row_on["price:number_reldiff"] == 0.0
    assert row_off["modelno:missing"] == 1.0
