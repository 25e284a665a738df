"""`stocktake diff` and `stocktake history` end to end, in-process, on two scans of a folder of CSVs."""

from __future__ import annotations

import pytest

from stocktake.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def _write_orders(folder, rows: int, city_column: str) -> None:
    lines = [f"order_id,price,{city_column},ordered_at"] + [
        f"{i},{10 + i % 7}.5,Berlin,2024-03-{1 + i % 28:02d}" for i in range(rows)
    ]
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def two_scans(capsys, tmp_path):
    """Scan once; rename a column and halve the rows; scan again. Returns the catalog path."""
    folder = tmp_path / "shop"
    folder.mkdir()
    catalog = str(tmp_path / "cat.db")
    _write_orders(folder, 400, "city")
    (folder / "customers.csv").write_text("customer_id,name\n1,Ann\n2,Bo\n", encoding="utf-8")
    for step in ("first", "second"):
        if step == "second":
            _write_orders(folder, 200, "town")
        code, _, err = run_cli(
            capsys, "--catalog", catalog, "scan", str(folder), "--out", str(tmp_path / step), "-q"
        )
        assert code == 0, err
    return catalog


def test_diff_prints_column_changes_and_row_shift(capsys, two_scans):
    code, out, err = run_cli(capsys, "--catalog", two_scans, "diff")
    assert code == 0, err
    assert "removed column" in out and "city" in out
    assert "added column" in out and "town" in out
    assert "400 → 200 (-50%)" in out
    assert "shop/customers" not in out  # unchanged
    assert "[error] schema_drift" in out and "[error] volume_anomaly" in out
    assert "fell from 400 to 200" in out
    assert "→" in out.splitlines()[0]  # the header names both runs
    code, out, _ = run_cli(capsys, "--catalog", two_scans, "diff", "latest", "latest")
    assert code == 0 and "no changes" in out


def test_history_prints_series_sparkline_and_per_day(capsys, two_scans):
    code, out, err = run_cli(capsys, "--catalog", two_scans, "history", "orders")
    assert code == 0, err
    assert out.startswith("orders row_count")
    assert "400" in out and "200" in out
    assert "█▁" in out  # two runs: the high then the low
    assert "anomalies found" in out

    code, out, err = run_cli(capsys, "--catalog", two_scans, "history", "shop/orders", "null_share:town")
    assert code == 0, err
    assert "—" in out  # the first run had no town column

    code, out, err = run_cli(capsys, "--catalog", two_scans, "history", "orders", "per_day")
    assert code == 0, err
    assert "28 days from 2024-03-01 to 2024-03-28" in out

    code, out, err = run_cli(capsys, "--catalog", two_scans, "history", "orders", "freshness")
    assert code == 0, err
    assert "2024-03-28" in out


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["diff", "nope"], 5, "no run 'nope'"),
        (["history", "no_such_asset"], 5, "no asset 'no_such_asset'"),
        (["history", "orders", "distinct:nothing"], 5, "no column 'nothing'"),
        (["history", "orders", "wobble"], 2, "unknown metric 'wobble'"),
    ],
)
def test_history_errors_are_one_line(capsys, two_scans, args, exit_code, message):
    code, _, err = run_cli(capsys, "--catalog", two_scans, *args)
    assert code == exit_code
    assert message in err and len(err.strip().splitlines()) == 1


def test_diff_on_a_catalog_with_one_run_is_a_catalog_error(capsys, tmp_path):
    folder = tmp_path / "shop"
    folder.mkdir()
    _write_orders(folder, 10, "city")
    catalog = str(tmp_path / "cat.db")
    assert (
        run_cli(capsys, "--catalog", catalog, "scan", str(folder), "--out", str(tmp_path / "o"), "-q")[0] == 0
    )
    code, _, err = run_cli(capsys, "--catalog", catalog, "diff")
    assert code == 5 and "only one run" in err
