from __future__ import annotations

import pytest

from stocktake.matching.ditto import load_pairs, parse_line, parse_record
from stocktake.matching.serialise import IdfTable, serialise, summarise


def test_parse_record_keeps_empty_values_and_attribute_order():
    record = parse_record("COL title VAL lg 24 ' dishwasher COL brand VAL  COL price VAL 9.99")
    assert record == {"title": "lg 24 ' dishwasher", "brand": "", "price": "9.99"}
    assert list(record) == ["title", "brand", "price"]


def test_parse_line_reads_label_and_both_sides():
    pair = parse_line("COL a VAL x y\tCOL a VAL z\t1\n")
    assert (pair.left, pair.right, pair.label) == ({"a": "x y"}, {"a": "z"}, 1)
    with pytest.raises(ValueError):
        parse_line("COL a VAL x\tCOL a VAL z\tmaybe")


def test_load_pairs_names_the_bad_line(tmp_path):
    from stocktake.core.errors import UnreadableSourceError

    file = tmp_path / "p.txt"
    file.write_text("COL a VAL x\tCOL a VAL x\t1\nbroken line\n", encoding="utf-8")
    with pytest.raises(UnreadableSourceError, match=r"p.txt:2"):
        load_pairs(file)


def test_serialise_round_trips_through_the_parser():
    record = {"title": "acme dishwasher ac123", "brand": "", "price": "12.5"}
    assert parse_record(serialise(record)) == record


def test_summarise_keeps_the_rarest_tokens_in_text_order():
    idf = IdfTable(["the black", "the big", "the black box", "white", "the"])
    text = "the big zq900 black the box"
    assert summarise(text, idf, max_tokens=3) == "big zq900 box"
    assert summarise("short text", idf, max_tokens=3) == "short text"


def test_long_values_are_cut_so_later_attributes_survive():
    record = {"description": " ".join(f"w{i}" for i in range(200)), "price": "10"}
    text = serialise(record, None, max_value_tokens=8)
    assert text.endswith("COL price VAL 10") and len(text.split()) < 20
