"""PII recognisers: validators, column decisions, free-text scanning, findings on the demo estate."""

from __future__ import annotations

import contextlib
import json
import random
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pii_cases import bank_card, cn_id, column_cases, order_id, text_cases

from stocktake.connectors import open_source
from stocktake.core.vocab import FindingType, Severity
from stocktake.demo import generate_estate
from stocktake.engines.profiling import profile_asset
from stocktake.semantics.pii import (
    is_bank_card,
    is_cn_mobile,
    is_cn_resident_id,
    is_email,
    is_intl_phone,
    is_ip_address,
    mask_value,
    recognise,
)
from stocktake.semantics.pii_columns import (
    TEXT_SHAPE_SQL,
    classify_pii_column,
    find_pii_in_text,
    pii_findings,
)
from stocktake.testing import duckdb_table_asset

MIN_PRECISION = MIN_RECALL = 0.95


# -- validators ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("13812345678", "phone"),
        ("+86 138-1234-5678", "phone"),
        ("008613812345678", "phone"),
        ("+44 20 7946 0958", "phone"),
        ("(212) 555-0123", "phone"),
        ("010-12345678", "phone"),
        ("li.wei@qq.com", "email"),
        ("4111 1111 1111 1111", "bank_card"),
        ("10.0.0.1", "ip_address"),
        ("2001:db8::1", "ip_address"),
        ("110105491231002", "cn_resident_id"),  # first-generation 15-digit card
        ("张伟", "person_name"),
        ("欧阳娜娜", "person_name"),
        ("Maria da Silva", "person_name"),
        ("SMITH, JOHN", "person_name"),
        ("1108 Ross Clark Circle, Dothan", "address"),
        ("Rua das Flores, 123", "address"),
        ("广东省深圳市南山区科技园路18号", "address"),
        ("110105491331002", None),  # month 13
        ("手机", None),
        ("深圳市", None),
        ("北京市朝阳区", None),  # a district, no street and number
        ("Rose Gold Phone Case", None),
        ("Apple iPhone 8 Plus", None),
        ("2 Pack Drive Belt", None),
        ("Main Street", None),
        ("12812345678", None),  # 128 is not a mobile prefix
        ("1234-5678", None),
        ("2024-01-15", None),  # a date is a valid German number by digits alone
        ("123-456-7890", None),  # no trunk 0, so not a London number
        ("94105-1234", None),
        ("12.99", None),
        ("x@y", None),
        ("a@b.c1", None),  # the top-level domain is letters
        ("A12", None),
        (True, None),
        (12.5, None),
    ],
)
def test_recognise(value: object, kind: str | None) -> None:
    assert recognise(value) == kind


def test_resident_id_checks_region_date_and_check_char() -> None:
    first17 = "11010519491231002"
    assert is_cn_resident_id(first17 + "X")
    assert is_cn_resident_id(first17 + "x")
    assert not is_cn_resident_id(first17 + "1")  # wrong check character
    assert not is_cn_resident_id("99010519491231002X")  # no such province
    future = "110105" + "20991231" + "002"
    assert not any(is_cn_resident_id(future + c, today=date(2025, 1, 1)) for c in "0123456789X")
    assert not any(is_cn_resident_id("110105" + "19490230" + "002" + c) for c in "0123456789X")  # 30 Feb


def test_cards_need_issuer_length_and_luhn() -> None:
    assert is_bank_card("4111111111111111")
    assert not is_bank_card("4111111111111112")  # Luhn
    assert not is_bank_card("9111111111111119")  # no issuer starts with 9
    assert not is_bank_card("5105105105105100000")  # Mastercard issues 16 digits only
    assert is_bank_card("378282246310005")  # Amex, 15 digits


def test_single_validators() -> None:
    assert is_cn_mobile("199 1234 5678") and not is_cn_mobile("1991234567")
    assert is_intl_phone("+81 90 1234 5678") and not is_intl_phone("9001234567")  # bare digits need a +
    assert is_email("a.b+tag@mail.example.cn") and not is_email("a..b@example.com")
    assert is_ip_address("192.168.1.20") and not is_ip_address("10:30:00") and not is_ip_address("1.2.3")


def test_old_resident_ids_need_region_and_a_real_birth_date() -> None:
    assert is_cn_resident_id("440305840229123")  # 29 February 1984
    assert not is_cn_resident_id("440305850229123")  # 1985 was not a leap year
    assert not is_cn_resident_id("990305850229123")  # no such province
    assert recognise("378282246310005") == "bank_card"  # 15-digit Amex, not an old ID


def test_ips_inside_free_text_but_not_versions_or_times() -> None:
    assert find_pii_in_text("login from 192.168.1.20, then 2001:db8::1.") == [
        ("ip_address", 11, 23),
        ("ip_address", 30, 41),
    ]
    assert find_pii_in_text("固件 v1.2.3 更新, section 1.2.3.4.5 at 12:30:00") == []
    assert re.search(TEXT_SHAPE_SQL, "ip 2001:db8::1") and re.search(TEXT_SHAPE_SQL, "ip 10.0.0.1")


def test_masks() -> None:
    assert mask_value("phone", "13812345678") == "138****5678"
    assert mask_value("email", "john@example.com") == "j***@example.com"
    assert mask_value("cn_resident_id", "110105194912310021") == "110***********0021"
    assert mask_value("bank_card", "6222021234567890") == "6222 **** **** 7890"
    assert mask_value("ip_address", "192.168.1.20") == "192.168.*.*"
    assert mask_value("person_name", "张伟") == "张*"
    assert mask_value("person_name", "John Smith") == "J*** S***"
    assert mask_value("address", "广东省深圳市南山区科技园路18号") == "广东省***"
    assert mask_value("address", "1108 Ross Clark Circle, Dothan") == "*** Dothan"


# -- labelled set --------------------------------------------------------------------------
def _precision_recall(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0


def test_column_level_precision_recall_and_negatives() -> None:
    tp = fp = fn = 0
    for case in column_cases():
        kind, _share, evidence = classify_pii_column(case.name, case.values)
        if case.kind is None:
            assert kind is None, (case.name, evidence)
        tp += kind is not None and kind == case.kind
        fp += kind is not None and kind != case.kind
        fn += case.kind is not None and kind != case.kind
    precision, recall = _precision_recall(tp, fp, fn)
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, (precision, recall)


def test_name_alone_never_decides() -> None:
    assert classify_pii_column("phone", ["A12", "B7", "n/a"] * 50)[0] is None
    assert classify_pii_column("id_card", [order_id(random.Random(i)) for i in range(50)])[0] is None


def test_in_text_precision_recall() -> None:
    tp = fp = fn = 0
    for case in text_cases():
        got, want = set(find_pii_in_text(case.text)), set(case.spans)
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        # The SQL shape predicate must select every row the Python scan would flag.
        if got:
            assert re.search(TEXT_SHAPE_SQL, case.text), case.text
    precision, recall = _precision_recall(tp, fp, fn)
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL, (precision, recall)


# -- findings ------------------------------------------------------------------------------
def test_findings_on_a_table() -> None:
    rng = random.Random(3)
    conn = duckdb.connect()
    conn.execute("CREATE TABLE t (review_id INTEGER, id_no VARCHAR, card VARCHAR, review_text VARCHAR)")
    rows = []
    for i in range(300):
        text = "质量很好 物流也快" if i % 10 else f"退款请打到卡 {bank_card(rng, spaced=True)} 谢谢"
        rows.append((i, cn_id(rng), bank_card(rng), text))
    conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    engine, asset = duckdb_table_asset(conn, "t")
    profiles = profile_asset(engine, asset)
    findings = pii_findings(engine, asset, profiles)
    kinds = {p.column: p.pii_kind for p in profiles}
    assert kinds == {"review_id": None, "id_no": "cn_resident_id", "card": "bank_card", "review_text": None}
    (text,) = [f for f in findings if f.columns == ["review_text"]]
    assert text.severity == Severity.WARNING and text.rows.count == 30
    assert text.evidence["count_exact"] and "**** ****" in text.reason
    assert engine.execute(f"SELECT COUNT(*) FROM t WHERE {text.rows.predicate}")[1][0][0] == 30
    for f in findings:
        for raw in (r[1] for r in rows):
            assert raw not in f.reason and raw not in json.dumps(f.evidence, ensure_ascii=False)


def test_demo_estate(tmp_path: Path) -> None:
    layout = generate_estate(tmp_path, rows=20000)
    truth = json.loads(layout.truth_path.read_text())
    planted = [p for p in truth["problems"] if p["type"] == FindingType.PII_EXPOSURE]
    (leak,) = [p for p in planted if p["asset"] == "reviews" and p["columns"] == ["review_text"]]
    found, kinds = [], {}
    with contextlib.ExitStack() as stack:
        for i, spec in enumerate(layout.sources):
            connector = stack.enter_context(open_source(spec, name=f"s{i}"))
            engine = connector.engine()
            for asset in connector.discover():
                profiles = profile_asset(engine, asset)
                found += pii_findings(engine, asset, profiles)
                kinds.update({(asset.name, p.column): p.pii_kind for p in profiles if p.pii_kind})
    assert kinds == {
        ("users", "email"): "email",
        ("users", "phone"): "phone",
        ("users", "name"): "person_name",
    }
    (review,) = [f for f in found if f.columns == ["review_text"]]
    assert review.type == FindingType.PII_EXPOSURE and review.severity == Severity.WARNING
    planted_keys = {json.dumps(k) for k in leak["keys"]}
    assert review.rows.keys and all(json.dumps(k) in planted_keys for k in review.rows.keys)
    assert review.rows.count == leak["count"]
    assert {f.severity for f in found if f.columns != ["review_text"]} == {Severity.INFO}


SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} not present: cannot check real columns")
def test_names_and_addresses_on_real_columns() -> None:
    """Real hospital addresses are found; product titles, Portuguese reviews and cities are not names."""
    files = {
        "error-detection/hospital/clean.csv": {"Address1": "address"},
        "product-titles/pricerunner/pricerunner_aggregate.csv": {},
        "olist/sample/olist_order_reviews_dataset.csv": {},
        "olist/sample/olist_customers_dataset.csv": {},
        "search/wands/query.csv": {},
    }
    conn = duckdb.connect()
    for path, expected in files.items():
        rel = conn.sql(f"SELECT * FROM read_csv_auto('{SHARED_DATA / path}', all_varchar=true) LIMIT 2000")
        rows = rel.fetchall()
        for i, column in enumerate(rel.columns):
            values = [r[i] for r in rows if r[i] is not None]
            kind, _share, _evidence = classify_pii_column(column, values)
            assert kind == expected.get(column), (path, column, kind)
