"""`stocktake errors`: cells.csv, the oracle's count, run metadata, one-line errors."""

from __future__ import annotations

import csv
import importlib.util
import json

import pytest

from stocktake.cli import main
from stocktake.detection.evaluate import true_errors

pytest.importorskip("sklearn", reason="needs the [detect] extra")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture
def files(tmp_path, pair, csv_writer):
    dirty, clean = pair
    folder = tmp_path / "stores"
    folder.mkdir()
    # CRLF in the dirty file and other header spellings in the clean one: both must not matter.
    clean_renamed = type(clean)([h.upper() for h in clean.header], clean.rows)
    return csv_writer(folder / "dirty.csv", dirty, "\r\n"), csv_writer(folder / "clean.csv", clean_renamed)


def test_writes_cells_and_metadata(capsys, tmp_path, files, pair):
    dirty_path, clean_path = files
    out = tmp_path / "cells.csv"
    models = tmp_path / "models"
    code, _, err = run_cli(
        capsys, "errors", str(dirty_path), "--oracle", str(clean_path), "--budget", "8", "--seed", "2",
        "--out", str(out), "--models-dir", str(models),
    )  # fmt: skip
    assert code == 0, err
    assert "oracle revealed 8 of 8 tuples" in err
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    dirty, clean = pair
    assert rows and set(rows[0]) == {"row", "column", "value", "score", "explanation"}
    flagged = {(int(r["row"]), dirty.header.index(r["column"])) for r in rows}
    errors = true_errors(dirty, clean)
    assert len(flagged & errors) >= 0.8 * len(errors)
    (meta_path,) = models.glob("errors-stores/*/metadata.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert meta["revealed_tuples"] == 8 and len(meta["labelled_rows"]) == 8
    assert meta["metrics"]["flagged_cells"] == len(rows)


def test_missing_file_is_one_line(capsys, tmp_path, files):
    _, clean_path = files
    code, _, err = run_cli(
        capsys,
        "errors",
        str(tmp_path / "nope.csv"),
        "--oracle",
        str(clean_path),
        "--out",
        str(tmp_path / "c.csv"),
    )
    assert code == 3 and err.count("\n") == 1 and "nope.csv" in err


def test_misaligned_oracle_is_a_usage_error(capsys, tmp_path, files):
    dirty_path, _ = files
    short = tmp_path / "short.csv"
    short.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run_cli(
        capsys, "errors", str(dirty_path), "--oracle", str(short), "--out", str(tmp_path / "c.csv")
    )
    assert code == 2 and "oracle" in err


def test_without_the_extra_says_what_to_install(capsys, tmp_path, files, monkeypatch):
    dirty_path, clean_path = files
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sklearn" else real(name, *a)
    )
    code, _, err = run_cli(
        capsys, "errors", str(dirty_path), "--oracle", str(clean_path), "--out", str(tmp_path / "c.csv")
    )
    assert code == 6 and "stocktake[detect]" in err and err.count("\n") == 1
