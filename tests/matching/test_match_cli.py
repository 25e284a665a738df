from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from stocktake.cli import main
from stocktake.cli.app import cli

pytest.importorskip("sklearn")


def _write_csv(path, records):
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", *records[0]])
        writer.writeheader()
        for n, r in enumerate(records):
            writer.writerow({"id": n + 1000, **r})
    return path


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_dedupe_finds_duplicates_and_groups_them(tmp_path, make_catalog):
    records, entity = make_catalog(25, seed=5)
    data = _write_csv(tmp_path / "offers.csv", records)
    out = tmp_path / "dupes.csv"
    result = _run("dedupe", str(data), "--encoder", "off", "--out", str(out), "--no-progress")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and {"cluster", "row_a", "row_b", "score", "explanation", "a_title"} <= set(rows[0])
    assert "a_id" not in rows[0]  # an integer row key is not compared
    right = sum(entity[int(r["row_a"])] == entity[int(r["row_b"])] for r in rows)
    assert right / len(rows) >= 0.8


def test_match_pairs_records_of_two_files(tmp_path, make_catalog):
    records, entity = make_catalog(20, seed=6)
    first = {}
    for row, e in enumerate(entity):
        first.setdefault(e, row)
    left = [records[first[e]] for e in sorted(first)]
    right_rows = [row for row, e in enumerate(entity) if first[e] != row]
    right = [records[row] for row in right_rows]
    a, b = _write_csv(tmp_path / "a.csv", left), _write_csv(tmp_path / "b.csv", right)
    result = _run("match", str(a), str(b), "--encoder", "off", "--columns", "title,brand", "--no-progress")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    right_entity = [entity[row] for row in right_rows]
    correct = sum(sorted(first)[int(r["left_row"])] == right_entity[int(r["right_row"])] for r in rows)
    assert correct / len(rows) >= 0.8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--columns", "nope"], "no column 'nope'"),
        (["--model", "missing-model"], "no saved model 'missing-model'"),
        (["--threshold", "2"], "2"),
    ],
)
def test_dedupe_user_errors_are_one_line(tmp_path, args, message, make_catalog, capsys):
    data = _write_csv(tmp_path / "x.csv", make_catalog(3)[0])
    with pytest.raises(SystemExit) as exit_info:
        main(["dedupe", str(data), "--encoder", "off", "--models-dir", str(tmp_path / "m"), *args])
    err = capsys.readouterr().err
    assert exit_info.value.code in (2, 3)
    assert message in err and len(err.strip().splitlines()) == 1


def test_match_refuses_an_unknown_table(tmp_path, make_catalog, capsys):
    data = _write_csv(tmp_path / "x.csv", make_catalog(3)[0])
    with pytest.raises(SystemExit) as exit_info:
        main(["match", str(data), str(data), "--left-table", "other", "--encoder", "off"])
    assert exit_info.value.code == 2 and "no asset 'other'" in capsys.readouterr().err


def test_train_matcher_saves_a_model_that_match_can_use(tmp_path, pair_sets, write_pairs, make_catalog):
    folder = tmp_path / "pairs"
    folder.mkdir()
    for name in ("train", "valid", "test"):
        write_pairs(folder / f"{name}.txt", pair_sets[name])
    models = tmp_path / "models"
    result = _run(
        "train",
        "matcher",
        str(folder),
        "--encoder",
        "off",
        "--rounds",
        "40",
        "--name",
        "m",
        "--models-dir",
        str(models),
    )
    assert result.exit_code == 0, result.output
    assert "test: precision=" in result.stdout
    data = _write_csv(tmp_path / "x.csv", make_catalog(10, seed=9)[0])
    result = _run(
        "dedupe", str(data), "--model", "m", "--models-dir", str(models), "--encoder", "off", "--no-progress"
    )
    assert result.exit_code == 0, result.output
    assert "MatcherFeature" not in result.output and "FeatureMatcher" in result.output
    result = CliRunner().invoke(
        cli,
        [
            "dedupe",
            str(data),
            "--model",
            "m",
            "--models-dir",
            str(models),
            "--columns",
            "id",
            "--encoder",
            "off",
        ],
    )
    assert result.exit_code != 0 and "trained on attributes" in str(result.exception)
