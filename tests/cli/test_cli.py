"""The CLI end to end, in-process: outputs written, the catalog filled, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

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
    lines = ["order_id,price,city"] + [
        f"{i},{10 + i % 7}.5,{'N/A' if i % 50 == 0 else 'Berlin'}" for i in range(300)
    ]
    lines.append("5,11.5,Berlin")  # order 5 twice
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_scan_writes_outputs_and_catalog(capsys, tmp_path, shop):
    catalog = tmp_path / "cat.db"
    out = tmp_path / "out"
    code, _, err = run_cli(capsys, "--catalog", str(catalog), "scan", str(shop), "--out", str(out), "-q")
    assert code == 0, err
    inventory = json.loads((out / "inventory.json").read_text())
    (asset,) = inventory["assets"]
    assert asset["id"] == "shop/orders" and asset["row_count"] == 301
    assert [c["name"] for c in asset["columns"]] == ["order_id", "price", "city"]
    findings = json.loads((out / "findings.json").read_text())["findings"]
    assert {f["type"] for f in findings} == {"duplicate_key", "missing_values"}
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")

    code, out_text, _ = run_cli(capsys, "--catalog", str(catalog), "show", "orders")
    assert code == 0 and "duplicate_key" in out_text and "shop/orders" in out_text
    code, out_text, _ = run_cli(capsys, "--catalog", str(catalog), "assets")
    assert code == 0 and "shop/orders" in out_text


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["scan", "/no/such/folder"], 3, "no such file"),
        (["scan", "postgresql://nobody@127.0.0.1:1/x"], 4, "cannot connect"),
        (["scan", "ftp://example/x"], 3, "unknown URL scheme"),
        (["show", "nothing-here"], 5, ""),
        (["scan"], 2, "Missing argument"),
        (["scan", ".", "--as-of", "yesterday"], 2, "--as-of"),
    ],
)
def test_user_mistakes_give_one_line_errors(capsys, tmp_path, args, exit_code, message):
    code, _, err = run_cli(capsys, "--catalog", str(tmp_path / "cat.db"), *args)
    assert code == exit_code
    assert err.startswith("stocktake: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_format_file_is_a_one_line_error(capsys, tmp_path):
    odd = tmp_path / "data.xyz"
    odd.write_text("hello")
    code, _, err = run_cli(capsys, "--catalog", str(tmp_path / "c.db"), "scan", str(odd))
    assert code == 3 and len(err.strip().splitlines()) == 1


def test_console_script_runs_as_a_process(tmp_path, shop):
    env = {**os.environ, "STOCKTAKE_CATALOG": str(tmp_path / "c.db")}
    proc = subprocess.run(
        [sys.executable, "-m", "stocktake", "scan", str(shop), "--out", str(tmp_path / "o"), "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "stocktake", "scan", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 3 and "Traceback" not in bad.stderr


def test_clean_writes_copy_and_change_log_and_leaves_source(capsys, tmp_path):
    folder = tmp_path / "feeds"
    folder.mkdir()
    src = folder / "sellers.csv"
    src.write_text(
        "seller_id,zip_code,city\n1,4195,ＳＡＯ  PAULO\n2,01310,rio\n2,01310,rio\n3,22041,rio\n",
        encoding="utf-8",
    )
    before = src.read_bytes()
    catalog = str(tmp_path / "c.db")
    assert (
        run_cli(capsys, "--catalog", catalog, "scan", str(folder), "--out", str(tmp_path / "o"), "-q")[0] == 0
    )
    out = tmp_path / "clean.csv"
    code, _, err = run_cli(capsys, "--catalog", catalog, "clean", "sellers", "--out", str(out))
    assert code == 0, err
    assert src.read_bytes() == before
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["1,04195,SAO PAULO", "2,01310,rio", "3,22041,rio"]
    assert "04195" in (tmp_path / "clean.csv.changes.csv").read_text(encoding="utf-8")


def test_data_that_looks_like_terminal_markup_is_printed_verbatim(capsys, tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    rows = ["tag_id,label"] + [f"{i},[bold red]x[/]" for i in range(50)]
    (folder / "tags.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    catalog = str(tmp_path / "c.db")
    assert (
        run_cli(capsys, "--catalog", catalog, "scan", str(folder), "--out", str(tmp_path / "o"), "-q")[0] == 0
    )
    code, out, _ = run_cli(capsys, "--catalog", catalog, "show", "tags")
    assert code == 0 and "[bold" in out and "red]x[/]" in out  # shown as text (the table may wrap it)


def test_second_scan_reports_drift_against_the_last_run_of_the_same_sources(capsys, tmp_path):
    folder = tmp_path / "lake"
    folder.mkdir()
    table = folder / "events.csv"
    table.write_text("event_id,user_id,price\n" + "".join(f"{i},{i % 9},{i}.5\n" for i in range(400)))
    catalog = str(tmp_path / "c.db")
    out = tmp_path / "o"
    assert run_cli(capsys, "--catalog", catalog, "scan", str(folder), "--out", str(out), "-q")[0] == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.csv").write_text("a\n1\n")
    assert (
        run_cli(capsys, "--catalog", catalog, "scan", str(other), "--out", str(tmp_path / "o2"), "-q")[0] == 0
    )
    table.write_text("event_id,user_id\n" + "".join(f"{i},{i % 9}\n" for i in range(150)))
    assert run_cli(capsys, "--catalog", catalog, "scan", str(folder), "--out", str(out), "-q")[0] == 0
    findings = json.loads((out / "findings.json").read_text())["findings"]
    drift = {(f["type"], f["check"]) for f in findings if f["check"].startswith(("schema_drift", "volume"))}
    assert ("schema_drift", "schema_drift.removed_column") in drift
    assert any(t == "volume_anomaly" for t, _ in drift)  # 400 -> 150 rows
