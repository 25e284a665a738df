"""The synthetic training columns (scripts/semantic_training_columns.py): complete and well named."""

from __future__ import annotations

import sys
from itertools import pairwise
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from semantic_training_columns import (
    DATE_PART_NAMES,
    LINE_NAMES,
    MAKERS,
    MONTH_ABBREVIATIONS,
    NAMES,
    SHORT_MEASURE_NAMES,
    card_number,
    cn_resident_id,
    date_parts,
    draw_column,
    line_numbers,
    long_keys,
    menu_counts,
    physical_measure,
    short_codes,
    style_name,
    zh_query,
    zh_title,
)

from stocktake.core.semantic_types import SemanticType
from stocktake.semantics.column_features import is_plan_number
from stocktake.semantics.pii import is_bank_card, is_cn_resident_id, is_phone


def test_every_type_of_the_vocabulary_has_a_maker_and_names() -> None:
    assert set(MAKERS) == set(NAMES) == {t.value for t in SemanticType}


def test_keys_never_get_an_entity_prefix() -> None:
    rng = np.random.default_rng(0)
    names = {style_name(rng, "customer id", 0, headerless=0.0) for _ in range(200)}
    assert all(n.lower().replace("_", " ").startswith("customer") for n in names)


def test_card_numbers_and_resident_ids_validate() -> None:
    rng = np.random.default_rng(1)
    assert all(is_bank_card(card_number(rng)) for _ in range(500))
    assert all(is_cn_resident_id(cn_resident_id(rng)) for _ in range(500))


def test_long_keys_and_dated_order_numbers_are_seldom_cards_or_ids() -> None:
    rng = np.random.default_rng(2)
    keys = [str(v) for _ in range(20) for v in long_keys(rng, 50, 40)]
    assert all(16 <= len(k) <= 19 for k in keys)
    assert sum(map(is_bank_card, keys)) / len(keys) < 0.1
    orders = [str(v) for _ in range(20) for v in MAKERS["order_id"](rng, 50)]
    assert not any(is_cn_resident_id(v) for v in orders)


def test_phone_columns_hold_numbers_a_plan_accepts() -> None:
    rng = np.random.default_rng(3)
    values = [str(v) for _ in range(60) for v in MAKERS["phone"](rng, 20)]
    assert all(is_phone(v) for v in values if v.startswith("+"))
    # Not all: national numbers that lost their trunk 0 as integers, or Brazilian ones, pass neither.
    assert np.mean([is_phone(v) or is_plan_number(v) for v in values]) > 0.75


def test_line_numbers_count_down_from_one_and_pair_with_their_names() -> None:
    rng = np.random.default_rng(4)
    values = line_numbers(rng, 5000)
    counts = [values.count(k) for k in range(min(values), max(values) + 1)]
    assert min(values) in (0, 1) and all(c > 0 for c in counts)
    assert counts[0] > counts[1]
    stems = {draw_column(rng, "identifier", 10)[0] for _ in range(300)}
    assert stems & set(LINE_NAMES) and stems - set(LINE_NAMES)


def test_chinese_queries_are_short_and_titles_long() -> None:
    rng = np.random.default_rng(5)
    queries = [zh_query(rng) for _ in range(300)]
    titles = [zh_title(rng) for _ in range(300)]
    assert max(map(len, queries)) <= 14
    assert np.mean([len(q) for q in queries]) * 2 < np.mean([len(t) for t in titles])


def test_menu_counts_have_a_favourite_above_its_neighbours() -> None:
    rng = np.random.default_rng(6)
    bumped = 0
    for _ in range(40):
        values = menu_counts(rng, 3000)
        counts = [values.count(k) for k in range(1, max(values) + 1)]
        assert counts[0] > counts[1], "1 is chosen before 2"
        bumped += any(b > a for a, b in pairwise(counts))
    assert bumped >= 20, "unlike line numbers, counts do not always fall"


def test_physical_measures_are_numbers_at_many_scales() -> None:
    rng = np.random.default_rng(7)
    columns = [physical_measure(rng, 200) for _ in range(200)]
    assert all(isinstance(v, int | float) for column in columns for v in column)
    medians = [float(np.median(column)) for column in columns]
    assert min(medians) < 1 and max(medians) > 10_000
    assert any(any(isinstance(v, float) and not v.is_integer() for v in column) for column in columns)


def test_short_codes_are_few_and_short() -> None:
    rng = np.random.default_rng(8)
    for _ in range(100):
        values = short_codes(rng, 500)
        assert 1 <= len(set(values)) <= 12
        assert max(len(str(v)) for v in values) <= 13


def test_date_parts_are_years_or_months_and_pair_with_their_names() -> None:
    rng = np.random.default_rng(9)
    kinds = set()
    for _ in range(60):
        values = date_parts(rng, 300)
        if all(isinstance(v, str) and v in MONTH_ABBREVIATIONS for v in values):
            kinds.add("month names")
        elif all(1 <= int(v) <= 12 for v in values):
            kinds.add("months")
        else:
            assert all(1950 <= int(v) <= 2030 for v in values)
            kinds.add("years")
    assert kinds == {"month names", "months", "years"}
    stems = {draw_column(rng, "date", 10)[0] for _ in range(300)}
    assert stems & set(DATE_PART_NAMES) and stems - set(DATE_PART_NAMES)
    stems = {draw_column(rng, "numeric_measure", 10)[0] for _ in range(300)}
    assert stems & set(SHORT_MEASURE_NAMES) and stems - set(SHORT_MEASURE_NAMES)
