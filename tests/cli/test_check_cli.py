"""`stocktake suggest` and `stocktake check`: a contract out, exit codes back."""

from __future__ import annotations

import pytest

from stocktake.checks.contract_yaml import load_contract
from stocktake.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture
def shop(tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    lines = ["order_id,email,status,created_at"]
    lines += [
        f"{i},user{i}@example.com,{'paid' if i % 3 else 'shipped'},2026-01-{1 + i % 28:02d}"
        for i in range(200)
    ]
    lines.append("200,not-an-email,paid,2026-01-02")
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _check(capsys, tmp_path, shop, contract: str) -> tuple[int, str, str]:
    path = tmp_path / "stocktake.yml"
    path.write_text(contract, encoding="utf-8")
    catalog = tmp_path / "cat.db"
    return run_cli(
        capsys, "--catalog", str(catalog), "check", str(shop), "--config", str(path),
        "--out", str(tmp_path / "out"), "--as-of", "2026-02-01", "-q",
    )  # fmt: skip


def test_suggest_prints_a_contract_that_reads_back(capsys, tmp_path, shop):
    out_file = tmp_path / "suggested.yml"
    code, _, err = run_cli(
        capsys, "suggest", str(shop), "--as-of", "2026-02-01", "-q", "--out", str(out_file)
    )
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8")
    assert "# no NULLs in 201 rows" in text
    kinds = {c.kind for c in load_contract(out_file).checks}
    assert {"not_null", "unique", "allowed_values", "not_future"} <= kinds
    code, out, _ = run_cli(capsys, "suggest", str(shop), "--as-of", "2026-02-01", "-q")
    assert code == 0 and out == text


def test_check_passes_with_exit_0(capsys, tmp_path, shop):
    contract = "datasets:\n  orders:\n    checks:\n      - unique: {columns: [order_id], severity: fail}\n"
    code, out, err = _check(capsys, tmp_path, shop, contract)
    assert code == 0, err
    assert "unique order_id" in out and "passed" in out


def test_failed_warn_check_still_exits_0(capsys, tmp_path, shop):
    contract = "datasets:\n  orders:\n    checks:\n      - pattern: {column: email, format: email}\n"
    code, out, _ = _check(capsys, tmp_path, shop, contract)
    assert code == 0 and "failed" in out


def test_failed_fail_level_check_exits_1(capsys, tmp_path, shop):
    contract = (
        "datasets:\n  orders:\n    checks:\n      - pattern: {column: email, format: email, severity: fail}\n"
    )
    code, out, err = _check(capsys, tmp_path, shop, contract)
    assert code == 1
    assert "failed" in out and "pattern:orders:email" in err


def test_bad_contract_is_one_line_exit_3_and_nothing_recorded(capsys, tmp_path, shop):
    contract = "datasets:\n  orders:\n    checks:\n      - pattern: {colum: email, format: email}\n"
    code, _, err = _check(capsys, tmp_path, shop, contract)
    assert code == 3
    assert err.strip().count("\n") == 0
    assert (
        err.startswith("stocktake: error: ") and "stocktake.yml:4: datasets.orders.checks[0].pattern" in err
    )
    assert not (tmp_path / "cat.db").exists() and not (tmp_path / "out").exists()


def test_check_without_config_is_a_usage_error(capsys, shop):
    code, _, err = run_cli(capsys, "check", str(shop))
    assert code == 2 and "--config" in err


def test_scan_takes_a_config(capsys, tmp_path, shop):
    path = tmp_path / "stocktake.yml"
    path.write_text("expected_assets: [refunds]\n", encoding="utf-8")
    code, _, err = run_cli(
        capsys, "scan", str(shop), "--config", str(path), "--no-catalog", "-q", "--out", str(tmp_path / "out")
    )
    assert code == 0, err
    assert (
        "asset refunds expected by the contract was not found"
        in (tmp_path / "out" / "findings.json").read_text()
    )
