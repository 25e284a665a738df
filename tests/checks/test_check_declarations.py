"""Check declarations: the registry, their sentences, their names, and clear errors on bad input."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pydantic
import pytest

from stocktake.core.checks import (
    CHECK_KINDS,
    PATTERN_FORMATS,
    BaseCheck,
    CheckDeclarationError,
    check_from_dict,
    ensure_unique_names,
)
from stocktake.core.records import Check
from stocktake.core.vocab import CheckFamily, FindingType, Severity

# The smallest valid parameters of every kind.
MINIMAL = {
    "not_null": {"asset": "orders", "columns": "customer_id"},
    "null_like": {"asset": "orders", "columns": ["city"]},
    "unique": {"asset": "order_items", "columns": ["order_id", "item_no"]},
    "allowed_values": {"asset": "orders", "column": "status", "values": ["delivered", "shipped"]},
    "pattern": {"asset": "customers", "column": "zip", "format": "zip_br"},
    "range": {"asset": "order_items", "column": "price", "min": 0},
    "row_rule": {"asset": "order_items", "rule": "quantity > 0", "unless": "status = 'canceled'"},
    "column_order": {"asset": "orders", "left": "ordered_at", "right": "paid_at"},
    "not_future": {"asset": "orders", "column": "ordered_at"},
    "freshness": {"asset": "orders", "column": "ordered_at", "max_age": "P2D"},
    "row_count": {"asset": "orders", "min": 1},
    "references": {"asset": "order_items", "columns": "product_id", "parent": "products"},
    "aggregate_match": {
        "asset": "orders",
        "key": "order_id",
        "child": "order_items",
        "child_expr": "SUM(quantity * unit_price)",
        "expr": "total_amount - freight",
    },
}


def test_registry_holds_every_kind_under_its_own_name():
    assert set(CHECK_KINDS) == set(MINIMAL)
    for kind, cls in CHECK_KINDS.items():
        assert cls.kind == kind
        assert isinstance(cls.family, CheckFamily)
        assert isinstance(cls.finding_type, FindingType)


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_every_kind_builds_describes_itself_and_round_trips(kind):
    check = check_from_dict(kind, MINIMAL[kind])
    sentence = check.describe()
    assert sentence and "\n" not in sentence and check.asset in sentence
    assert check.violation()
    assert check.name.startswith(f"{kind}:{check.asset}:")
    assert check.severity == Severity.WARNING and check.origin == "declared"
    params = check.to_dict()
    assert params.pop("kind") == kind and "name" not in params
    assert check_from_dict(kind, params) == check
    record = check.to_record()
    assert isinstance(record, Check) and record.name == check.name and record.family == check.family


def test_checks_are_frozen_and_hashable():
    check = check_from_dict("not_null", MINIMAL["not_null"])
    with pytest.raises(pydantic.ValidationError):
        check.asset = "other"  # type: ignore[misc]
    assert len({check, check_from_dict("not_null", MINIMAL["not_null"])}) == 1


def test_sentences_read_as_the_rule_says():
    assert (
        check_from_dict("not_null", MINIMAL["not_null"]).describe() == "customer_id of orders is never NULL"
    )
    assert (
        check_from_dict("references", MINIMAL["references"]).violation()
        == "reference a product_id missing from products"
    )
    ranged = check_from_dict(
        "range", {"asset": "t", "column": "p", "min": 0, "max": 10, "max_inclusive": False}
    )
    assert ranged.describe() == "p of t lies in [0, 10)"
    assert check_from_dict("freshness", MINIMAL["freshness"]).describe() == (
        "the latest ordered_at of orders is at most 2 days old"
    )
    assert check_from_dict("row_count", {"asset": "t", "min": 10, "max": 2000}).describe() == (
        "t has between 10 and 2,000 rows"
    )


def test_default_names_are_stable_and_tell_checks_apart():
    a = check_from_dict("row_rule", {"asset": "t", "rule": "x > 0"})
    b = check_from_dict("row_rule", {"asset": "t", "rule": "x > 1"})
    assert a.name == check_from_dict("row_rule", {"asset": "t", "rule": "x > 0", "severity": "fail"}).name
    assert a.name != b.name
    named = check_from_dict("row_rule", {"asset": "t", "rule": "x > 0", "name": "positive_x"})
    assert named.name == "positive_x"


def test_two_checks_with_one_name_are_refused():
    first = check_from_dict("range", {"asset": "t", "column": "p", "min": 0})
    second = check_from_dict("range", {"asset": "t", "column": "p", "max": 100})
    with pytest.raises(CheckDeclarationError, match="give one of them its own 'name'"):
        ensure_unique_names([first, second])
    ensure_unique_names(
        [first, check_from_dict("range", {"asset": "t", "column": "p", "max": 100, "name": "cap"})]
    )


def test_severity_takes_warn_and_fail_as_aliases():
    assert check_from_dict("not_null", {**MINIMAL["not_null"], "severity": "fail"}).severity == Severity.ERROR
    assert (
        check_from_dict("not_null", {**MINIMAL["not_null"], "severity": "WARN"}).severity == Severity.WARNING
    )
    assert check_from_dict("not_null", {**MINIMAL["not_null"], "severity": "critical"}).severity == "critical"


def test_typed_parameters_are_parsed():
    fresh = check_from_dict("freshness", {"asset": "t", "column": "c", "max_age": 3600})
    assert fresh.max_age == timedelta(hours=1)
    by_date = check_from_dict("range", {"asset": "t", "column": "d", "min": "2023-01-01"})
    assert by_date.min == date(2023, 1, 1)
    by_time = check_from_dict("range", {"asset": "t", "column": "d", "max": "2023-01-01 10:00:00"})
    assert by_time.max == datetime(2023, 1, 1, 10)
    allowed = check_from_dict("allowed_values", {"asset": "t", "column": "c", "values": ["1", 2, True]})
    assert allowed.values == ("1", 2, True)
    tokens = check_from_dict("null_like", {"asset": "t", "columns": "c", "tokens": [" N/A ", "n/a", "TBD"]})
    assert tokens.tokens == ("n/a", "tbd")


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("not_nul", {}, "unknown check kind (did you mean 'not_null'?)"),
        ("not_null", {"asset": "t", "colums": ["a"]}, "unknown parameter 'colums' (did you mean 'columns'?)"),
        ("not_null", {"asset": "t"}, "missing parameter 'columns'"),
        ("not_null", {"asset": "t", "columns": []}, "columns: Tuple should have at least 1 item"),
        ("not_null", {"asset": "t", "columns": "a", "max_share": 2}, "max_share"),
        ("pattern", {"asset": "t", "column": "z"}, "give exactly one of 'format'"),
        (
            "pattern",
            {"asset": "t", "column": "z", "format": "zipbr"},
            "unknown format 'zipbr' (did you mean 'zip_br'?)",
        ),
        ("pattern", {"asset": "t", "column": "z", "regex": "[0-9"}, "does not compile"),
        ("range", {"asset": "t", "column": "p"}, "give 'min', 'max' or both"),
        ("range", {"asset": "t", "column": "p", "min": 5, "max": 1}, "'min' (5) is above 'max' (1)"),
        ("range", {"asset": "t", "column": "p", "min": 1, "max": "2024-01-01"}, "same kind"),
        ("row_count", {"asset": "t", "min": -1}, "min"),
        ("freshness", {"asset": "t", "column": "c", "max_age": 0}, "max_age must be positive"),
        (
            "references",
            {"asset": "t", "columns": ["a", "b"], "parent": "p", "parent_columns": "a"},
            "as many",
        ),
        ("allowed_values", {"asset": "t", "column": "c", "values": []}, "values"),
        ("not_null", {"asset": "t", "columns": "a", "severity": "loud"}, "severity"),
    ],
)
def test_bad_declarations_say_what_is_wrong(kind, params, message):
    with pytest.raises(CheckDeclarationError) as info:
        check_from_dict(kind, params)
    assert message in str(info.value)
    assert info.value.kind == kind and info.value.problems
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("email", ["a.b+c@example.com.br", "X@y.io"], ["a@b", "a b@c.com", "@c.com", "a@@c.com"]),
        ("phone_cn", ["13812345678", "19912345678"], ["12812345678", "1381234567", "+8613812345678"]),
        ("phone_e164", ["+5511987654321", "+8613812345678"], ["5511987654321", "+0123456789", "+12345"]),
        ("iso_date", ["2024-02-29", "1999-12-31"], ["2024-13-01", "2024-1-01", "01/02/2024", "2024-00-10"]),
        ("iso_timestamp", ["2024-02-29 10:00", "2024-02-29T23:59:59"], ["2024-02-29 24:00", "2024-02-29"]),
        ("zip_br", ["01310", "99999"], ["1310", "013100", "0131a"]),
        ("cep_br", ["01310-100", "01310100"], ["1310-100", "01310-10"]),
        ("uuid", ["123e4567-e89b-12d3-a456-426614174000"], ["123e4567e89b12d3a456426614174000"]),
    ],
)
def test_named_formats_match_whole_values(fmt, good, bad):
    regex = re.compile(PATTERN_FORMATS[fmt][0])
    assert all(regex.fullmatch(v) for v in good)
    assert not any(regex.fullmatch(v) for v in bad)


def test_named_formats_avoid_syntax_the_engines_read_differently():
    # Backslashes meet MySQL string escapes; a bare `.` matches a newline in PostgreSQL only.
    for regex, _ in PATTERN_FORMATS.values():
        outside_brackets = re.sub(r"\[[^\]]*\]", "", regex)
        assert "\\" not in regex and "." not in outside_brackets


def test_base_check_is_not_a_kind():
    assert BaseCheck not in CHECK_KINDS.values()
