"""Masks per kind (stable, idempotent), the free-text pass, and a redacted Run that leaks nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from stocktake.core.records import (
    Asset,
    ColumnProfile,
    ColumnSchema,
    Finding,
    Impact,
    RowSet,
    Run,
    ValueCount,
)
from stocktake.core.vocab import CheckFamily, FindingType, Severity
from stocktake.semantics.masking import mask_in_text, mask_string, mask_value
from stocktake.semantics.redact_run import is_free_text, redact_run


# -- masks per kind -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("phone", "13812345678", "138****5678"),
        ("phone", "138 1234 5678", "138 **** 5678"),
        ("phone", "+86 138-1234-5678", "+86 138-****-5678"),
        ("phone", "8613812345678", "86138****5678"),
        ("phone", 13812345678, "138****5678"),
        ("phone", 13812345678.0, "138****5678"),
        ("phone", "n/a", "***"),
        ("email", "john.doe@example.com", "j***@example.com"),
        ("email", "@example.com", "***@example.com"),
        ("email", "not an email", "n***"),
        ("id_card", "110101199003071234", "110101********1234"),
        ("id_card", "11010119900307123X", "110101********123X"),
        ("bank_card", "6222021234567890123", "6222 **** **** 0123"),
        ("bank_card", "6222-0212-3456-7890", "6222 **** **** 7890"),
        ("ip_address", "192.168.1.23", "192.168.*.*"),
        ("ip_address", "10.0.0.1:8080", "10.0.*.*:8080"),
        ("ip_address", "2001:db8:85a3::8a2e:370:7334", "2001:db8:*"),
        ("person_name", "张三", "张***"),
        ("address", "上海市浦东新区世纪大道100号", "上***"),
        (None, "Alice", "A***"),
        ("email", "", ""),
    ],
)
def test_mask_per_kind(kind: str | None, value: str | int | float, masked: str) -> None:
    assert mask_value(kind, value) == masked


def test_mask_value_leaves_none_and_booleans() -> None:
    assert mask_value("phone", None) is None
    assert mask_value("email", True) is True


KINDS = ["phone", "email", "id_card", "bank_card", "ip_address", "person_name", None]
# Text that looks like the values a kind holds, plus anything at all.
VALUE_TEXT = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 -+*:.@Xxabc", max_size=30),
    st.from_regex(r"\+?86 ?1[3-9]\d{9}", fullmatch=True),
    st.emails(),
    st.ip_addresses().map(str),
)


@given(kind=st.sampled_from(KINDS), text=VALUE_TEXT)
@example(kind="ip_address", text=":*:")  # an IPv6 shape whose second group is already masked
def test_masks_are_idempotent_and_deterministic(kind: str | None, text: str) -> None:
    once = mask_string(kind, text)
    assert mask_string(kind, once) == once
    assert mask_string(kind, text) == once


@given(digits=st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_phone_mask_hides_the_middle(digits: str) -> None:
    masked = mask_value("phone", digits)
    assert masked == f"{digits[:3]}****{digits[-4:]}"


@given(address=st.ip_addresses(v=4).map(str))
def test_ipv4_mask_hides_the_host(address: str) -> None:
    first, second, *_ = address.split(".")
    assert mask_value("ip_address", address) == f"{first}.{second}.*.*"


# -- free text ----------------------------------------------------------------------------------
def test_mask_in_text_mixed_chinese_and_english() -> None:
    assert (
        mask_in_text("请联系 138 1234 5678 或 john@example.com") == "请联系 138 **** 5678 或 j***@example.com"
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("有问题可以直接打我电话13812345678", "有问题可以直接打我电话138****5678"),
        ("发票麻烦发到li.wei42@163.com，谢谢。", "发票麻烦发到l***@163.com，谢谢。"),
        ("Call me on +86 139-8765-4321 please", "Call me on +86 139-****-4321 please"),
        ("call +4915112345678 now", "call +491******5678 now"),
        ("身份证110101199003071234。", "身份证110101********1234。"),
        ("card 6222 0212 3456 7890 ok", "card 6222 **** **** 7890 ok"),
        ("card 6222021234567890123", "card 6222 **** **** 0123"),
        ("from 192.168.1.23.", "from 192.168.*.*."),
        ("version 1.2.300.4 stays", "version 1.2.300.4 stays"),
        ("3,210 of 50,000 rows (6.4%) on 2024-05-01", "3,210 of 50,000 rows (6.4%) on 2024-05-01"),
        ("质量很好，物流也快，好评！", "质量很好，物流也快，好评！"),
        ("", ""),
    ],
)
def test_mask_in_text(text: str, masked: str) -> None:
    assert mask_in_text(text) == masked


PIECES = st.sampled_from(
    ["13812345678", "138 1234 5678", "+86 13812345678", "john@example.com", "110101199003071234",
     "6222021234567890123", "10.0.0.1", " ", "，", "好评", "abc", "-", ".", "+", "@", "1", "23"]
)  # fmt: skip


@given(pieces=st.lists(PIECES, max_size=8))
def test_mask_in_text_is_idempotent(pieces: list[str]) -> None:
    once = mask_in_text("".join(pieces))
    assert mask_in_text(once) == once


# -- a redacted run -----------------------------------------------------------------------------
EMAILS = ["john.doe@example.com", "li.wei42@163.com", "wang_fang@qq.com"]
PHONES = ["13812345678", "13987654321", "15011112222"]
NAMES = ["Zhang Wei", "王小明"]
REVIEW = "很好用，有问题打我电话 13700001111 或写信 buyer.one@example.com"


def _profile(column: str, **fields: object) -> ColumnProfile:
    base: dict[str, object] = {
        "asset": "shop/users",
        "column": column,
        "logical_type": "string",
        "engine_type": "VARCHAR",
        "row_count": 100,
        "null_count": 0,
    }
    return ColumnProfile.model_validate({**base, **fields})


def _finding(**fields: object) -> Finding:
    base: dict[str, object] = {
        "id": "f1",
        "asset": "shop/users",
        "columns": ["email"],
        "family": CheckFamily.UNIQUENESS,
        "type": FindingType.DUPLICATE_KEY,
        "severity": Severity.WARNING,
        "reason": "",
        "rows": RowSet(count=2, share=0.02),
        "impact": Impact(rows=2, share=0.02),
        "score": 0.5,
    }
    return Finding.model_validate({**base, **fields})


def _run() -> Run:
    users = Asset(
        id="shop/users",
        name="users",
        source="shop",
        format="table",
        location="users",
        columns=[
            ColumnSchema(name=c, engine_type="VARCHAR", logical_type="string") for c in ("email", "phone")
        ],
        notes=[f"row 7 could not be parsed: {PHONES[2]}"],
    )
    profiles = [
        _profile(
            "email",
            pii_kind="email",
            min=EMAILS[0],
            max=EMAILS[2],
            top_values=[ValueCount(value=e, count=3 - i) for i, e in enumerate(EMAILS)],
            patterns=[ValueCount(value="aaaa.aaa@aaaaaaa.aaa", count=50)],
        ),
        _profile(
            "phone",
            pii_kind="phone",
            logical_type="integer",
            engine_type="BIGINT",
            min=int(PHONES[0]),
            max=int(PHONES[2]),
            quantiles={"0.5": int(PHONES[1])},
            top_values=[ValueCount(value=int(p), count=2) for p in PHONES],
        ),
        _profile("name", pii_kind="person_name", top_values=[ValueCount(value=n, count=1) for n in NAMES]),
        _profile("age", pii_kind=None, logical_type="integer", min=18, max=70, quantiles={"0.5": 35}),
        _profile("review_text", length_max=120, top_values=[ValueCount(value=REVIEW, count=1)]),
        _profile("status", top_values=[ValueCount(value="active", count=90)]),
    ]
    findings = [
        _finding(
            id="dup-phone",
            columns=["phone"],
            reason=f"phone {PHONES[0]} is shared by {NAMES[1]} and {EMAILS[0]}",
            rows=RowSet(
                count=2,
                share=0.02,
                key_columns=["phone"],
                keys=[int(PHONES[0]), int(PHONES[1])],
                predicate=f"phone IN ({PHONES[0]}, {PHONES[1]})",
            ),
            evidence={
                "examples": [{"key": int(PHONES[0]), "value": int(PHONES[0]), "email": EMAILS[1]}],
                "note": f"also written to {EMAILS[0]}",
                "corrections": {PHONES[1]: PHONES[2]},
                "duplicates_listed": 2,
            },
        ),
        _finding(
            id="bad-email",
            columns=["email"],
            type=FindingType.INVALID_FORMAT,
            family=CheckFamily.VALIDITY,
            reason="2 emails lack a domain",
            rows=RowSet(count=2, share=0.02, key_columns=["user_id", "phone"], keys=[[7, PHONES[2]]]),
            evidence={
                "sample_values": ["johnexample.com", "Zhang Wei at home"],
                "groups": [
                    {
                        "canonical": "johnexample.com",
                        "spellings": [["JohnExample.com", 2]],
                        "differences": ["case"],
                    }
                ],
                "relationship": "users.email -> orders.email",
            },
        ),
    ]
    return Run(
        id="r1",
        started_at=datetime(2024, 5, 1, tzinfo=UTC),
        code_version="test",
        assets=[users],
        profiles=profiles,
        findings=findings,
        errors=[f"orders: bad row for {EMAILS[2]}"],
    )


SECRETS = [
    *EMAILS,
    *PHONES,
    *NAMES,
    "13700001111",
    "buyer.one@example.com",
    "johnexample.com",
    "JohnExample.com",
    "Zhang Wei at home",
]


def test_redacted_run_leaks_no_personal_data() -> None:
    run = _run()
    dumped = json.dumps(redact_run(run).to_dict(), ensure_ascii=False)
    leaked = [s for s in SECRETS if s in dumped]
    assert leaked == []


def test_redacted_run_keeps_shape_counts_and_non_personal_values() -> None:
    run = _run()
    redacted = redact_run(run)
    profiles = {p.column: p for p in redacted.profiles}
    assert [vc.value for vc in profiles["email"].top_values] == [
        "j***@example.com",
        "l***@163.com",
        "w***@qq.com",
    ]
    assert [vc.count for vc in profiles["email"].top_values] == [3, 2, 1]
    assert profiles["email"].patterns == run.profiles[0].patterns
    assert profiles["phone"].min == "138****5678"
    assert profiles["phone"].quantiles == {"0.5": "139****4321"}
    assert profiles["age"] == run.profiles[3]  # not personal: quantiles and bounds untouched
    assert profiles["status"].top_values[0].value == "active"
    assert (
        profiles["review_text"].top_values[0].value
        == "很好用，有问题打我电话 137****1111 或写信 b***@example.com"
    )

    dup, bad = redacted.findings
    assert dup.rows.keys == ["138****5678", "139****4321"]
    assert dup.rows.predicate is None  # it quoted the phone numbers
    assert dup.reason == "phone 138****5678 is shared by 王*** and j***@example.com"
    assert dup.evidence["examples"] == [
        {"key": "138****5678", "value": "138****5678", "email": "l***@163.com"}
    ]
    assert dup.evidence["duplicates_listed"] == 2
    assert dup.evidence["corrections"] == {"139****4321": "150****2222"}
    assert bad.rows.keys == [[7, "150****2222"]]
    assert bad.evidence["groups"][0]["differences"] == ["case"]
    assert bad.evidence["relationship"] == "users.email -> orders.email"
    assert bad.reason == "2 emails lack a domain"
    assert redacted.assets[0].notes == ["row 7 could not be parsed: 150****2222"]
    assert redacted.errors == ["orders: bad row for w***@qq.com"]


def test_redact_run_does_not_touch_its_input() -> None:
    run = _run()
    before = run.to_dict()
    redact_run(run)
    assert run.to_dict() == before


def test_show_pii_keeps_every_value() -> None:
    run = _run()
    shown = redact_run(run, show_pii=True)
    dumped = json.dumps(shown.to_dict(), ensure_ascii=False)
    assert all(s in dumped for s in [*EMAILS, *PHONES, "13700001111"])
    assert shown.to_dict() == run.to_dict()


def test_free_text_is_told_from_codes() -> None:
    assert is_free_text(_profile("review_text", length_max=120))
    assert is_free_text(_profile("query", top_values=[ValueCount(value="red dress", count=3)]))
    assert not is_free_text(
        _profile("order_id", length_max=19, top_values=[ValueCount(value="1234", count=1)])
    )
    assert not is_free_text(_profile("email", pii_kind="email", length_max=40))


def test_a_digit_run_inside_a_word_is_a_name_not_a_number():
    # A run id whose random suffix happens to be all digits must survive in a finding's reason.
    assert mask_in_text("since run 20261128T195512-132062.") == "since run 20261128T195512-132062."
    assert mask_in_text("tel13812345678") == "tel138****5678"  # a Chinese mobile is still caught
    masked = mask_in_text("call 555 123 456 789")
    assert "789" in masked and "123 456" not in masked
