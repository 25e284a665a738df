from __future__ import annotations

import pytest

import stocktake.matching as matching
from stocktake.matching.api import find_duplicates, key_columns, match_assets, select_columns

pytest.importorskip("sklearn")


def test_every_exported_name_resolves():
    for name in matching.__all__:
        assert getattr(matching, name) is not None, name


def test_integer_row_keys_are_left_out_unless_named():
    records = [{"id": "1", "title": "a"}, {"id": "2", "title": "b"}]
    assert key_columns(records) == ["id"]
    assert select_columns(records, None) == [{"title": "a"}, {"title": "b"}]
    assert select_columns(records, [" ID "]) == [{"id": "1"}, {"id": "2"}]


def test_find_duplicates_returns_explained_pairs_and_clusters(make_catalog):
    records, entity = make_catalog(30, seed=7)
    result = find_duplicates(records, encoder="off", k=5)
    assert result.pairs and all(p.left < p.right for p in result.pairs)
    assert [p.score for p in result.pairs] == sorted((p.score for p in result.pairs), reverse=True)
    assert all(p.explanation for p in result.pairs)
    same = sum(entity[p.left] == entity[p.right] for p in result.pairs)
    assert same / len(result.pairs) >= 0.8
    assert all(len(group) >= 2 for group in result.clusters)


def test_match_assets_with_a_threshold_of_one_keeps_only_perfect_pairs(make_catalog):
    records, _ = make_catalog(10, seed=8)
    result = match_assets(records, records, encoder="off", k=2, threshold=1.0)
    assert result.threshold == 1.0
    assert all(p.score >= 1.0 for p in result.pairs)
    with pytest.raises(Exception, match="at least 1"):
        match_assets(records, records, encoder="off", k=0)
