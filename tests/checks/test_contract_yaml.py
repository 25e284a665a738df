"""Contract YAML: a valid file reads into typed checks; every mistake is one line with file:line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stocktake.checks.contract_yaml import ContractError, load_contract, parse_contract
from stocktake.core.checks import PatternCheck
from stocktake.core.vocab import Severity

GOOD = """\
as_of: 2026-11-20
expected_assets: [orders, ghosts]
datasets:
  orders:
    owner: sales
    required_columns: [order_id]
    checks:
      - not_null: {columns: [order_id]}
      - pattern: {column: email, format: email, severity: fail}
      - range:
          column: qty
          min: 0
"""


def _error(text: str) -> str:
    with pytest.raises(ContractError) as exc:
        parse_contract(text, "stocktake.yml")
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_valid_contract_reads_into_checks():
    contract = parse_contract(GOOD)
    assert contract.expected_assets == ["orders", "ghosts"]
    assert contract.as_of is not None and contract.as_of.isoformat() == "2026-11-20T00:00:00+00:00"
    orders = contract.datasets["orders"]
    assert orders.owner == "sales" and orders.required_columns == ["order_id"]
    kinds = [c.kind for c in orders.checks]
    assert kinds == ["not_null", "pattern", "range"]
    pattern = orders.checks[1]
    assert isinstance(pattern, PatternCheck) and pattern.severity == Severity.ERROR
    assert all(c.asset == "orders" and c.origin == "declared" for c in orders.checks)


def test_typo_in_parameter_names_file_line_and_key():
    message = _error(GOOD.replace("column: email", "colum: email"))
    assert message == (
        "stocktake.yml:9: datasets.orders.checks[1].pattern: unknown parameter 'colum' (did you mean 'column'?)"
    )


def test_bad_indentation_is_one_line_with_file_and_line():
    message = _error(GOOD.replace("      - range:", "     - range:"))
    assert re.match(r"stocktake\.yml:10: YAML syntax error: .*indentation", message)


def test_unknown_kind_suggests_the_right_one():
    message = _error(GOOD.replace("not_null", "not_nul"))
    assert message.startswith("stocktake.yml:8: datasets.orders.checks[0].not_nul: unknown check kind")
    assert "did you mean 'not_null'?" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("min: 0", "min: [1]"), "stocktake.yml:12: datasets.orders.checks[2].range: min:"),
        (
            ("severity: fail", "severity: error"),
            "stocktake.yml:9: datasets.orders.checks[1].pattern: severity",
        ),
        (("owner: sales", "ownr: sales"), "stocktake.yml:5: datasets.orders: unknown key 'ownr'"),
        (("required_columns: [order_id]", "required_columns: {a: 1}"), "stocktake.yml:6: datasets.orders"),
        (("owner: sales", "owner: [a, b]"), "stocktake.yml:5: datasets.orders.owner: expected a name"),
    ],
)
def test_wrong_types_and_keys(change, expected):
    assert _error(GOOD.replace(*change)).startswith(expected)


def test_asset_is_set_by_the_contract_and_duplicates_are_refused():
    assert "set by the contract" in _error(
        "datasets:\n  a:\n    checks:\n      - unique: {columns: id, asset: b}\n"
    )
    twice = "datasets:\n  a:\n    checks:\n      - unique: {columns: id}\n      - unique: {columns: [id]}\n"
    assert _error(twice).startswith("stocktake.yml:5: datasets.a.checks[1]: same check as checks[0]")


def test_empty_file_and_unreadable_file(tmp_path: Path):
    assert parse_contract("").datasets == {}
    with pytest.raises(ContractError, match="cannot read"):
        load_contract(tmp_path / "missing.yml")


def test_docs_example_is_a_valid_contract():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "contracts.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    contract = parse_contract(example.group(1))
    assert len(contract.checks) == 7
