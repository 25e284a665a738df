"""`stocktake train category` and `stocktake models`: split, early stopping, saved, listed, loaded."""

from __future__ import annotations

import csv
import importlib.util
import json
import random
from pathlib import Path

import numpy as np
import pytest

from stocktake.cli import main
from stocktake.models import registry, training
from stocktake.models.category_model import CategoryModel

pytest.importorskip("sklearn", reason="needs the [detect] extra")

PRICERUNNER = Path("../shared/data/product-titles/pricerunner/pricerunner_aggregate.csv")
WORDS = {
    "Phones": ["iphone", "galaxy", "pixel", "smartphone"],
    "Fridges": ["fridge", "freezer", "cooler", "larder"],
    "TVs": ["oled tv", "led tv", "qled tv", "smart tv"],
}


def titles(n: int = 300, seed: int = 0) -> tuple[list[str], list[str]]:
    """An easy generated title -> category table: one category word per title, brand and a number."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = sorted(WORDS)[i % len(WORDS)]
        texts.append(f"{rng.choice(['acme', 'zeta', 'nova'])} {rng.choice(WORDS[label])} {i}")
        labels.append(label)
    return texts, labels


def write_csv(
    path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("title", "category")
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def one_error_line(err: str) -> bool:
    """The error is the last line of stderr, alone: no traceback (progress lines may come before)."""
    lines = err.splitlines()
    return (
        lines[-1].startswith("stocktake: error: ")
        and "Traceback" not in err
        and "stocktake: error" not in "".join(lines[:-1])
    )


@pytest.fixture
def data(tmp_path) -> Path:
    texts, labels = titles()
    return write_csv(tmp_path / "titles.csv", list(zip(texts, labels, strict=True)))


def test_train_save_list_load_predict(capsys, tmp_path, data):
    models = tmp_path / "models"
    code, out, err = run_cli(
        capsys, "train", "category", str(data), "--text-column", "title", "--label-column", "category",
        "--name", "shop-cat", "--seed", "1", "--models-dir", str(models),
    )  # fmt: skip
    assert code == 0, err
    assert "240 train / 30 validation / 30 test" in err
    assert "macro avg" in out and "test: accuracy=" in out
    (folder,) = (models / "shop-cat").iterdir()
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["name"] == "shop-cat" and meta["kind"] == "category" and meta["version"] == folder.name
    assert meta["data"]["splits"] == {"train": 240, "validation": 30, "test": 30}
    assert meta["metrics"]["test"]["rows"] == 30
    assert set(meta["metrics"]["test"]["per_class"]) == set(WORDS)
    assert meta["options"]["seed"] == 1 and meta["versions"]["scikit-learn"] != "missing"
    assert not [p for p in (models / "shop-cat").iterdir() if p.name.startswith(".")]  # no temp folder left

    # The cell detector's run metadata sits in the same tree and is listed too.
    from stocktake.detection.api import DetectionResult
    from stocktake.detection.store import save_run

    save_run(DetectionResult([], 3, 5, [0, 1, 2], 0.5, {"seed": 0}, np.zeros((4, 2))), "hospital", models)
    code, out, err = run_cli(capsys, "models", "--models-dir", str(models))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["name", "kind", "version"]
    assert any(line.startswith("errors-hospital") and "flagged_cells=0" in line for line in lines)
    cat_line = next(line for line in lines if line.startswith("shop-cat"))
    assert folder.name in cat_line and f"test_macro_f1={meta['metrics']['test']['macro_f1']:.4f}" in cat_line

    code, out, _ = run_cli(capsys, "models", "show", "shop-cat", "--models-dir", str(models))
    assert code == 0 and json.loads(out) == meta
    code, _, err = run_cli(capsys, "models", "--models-dir", str(models), "show", "shop-cat/nope")
    assert code == 3 and one_error_line(err) and "no saved model" in err

    from stocktake.models import predict_category

    model = CategoryModel.load(registry.resolve("shop-cat", models).path)
    assert predict_category(model, ["nova galaxy 9999", "acme larder 1", "zeta qled tv 7"]) == [
        "Phones", "Fridges", "TVs",
    ]  # fmt: skip


def test_loaded_model_scores_like_the_trained_one(tmp_path):
    texts, labels = titles(200)
    result = training.train_category(texts, labels, seed=3, max_epochs=4, patience=2)
    path = result.model.save(tmp_path)
    loaded = CategoryModel.load(path)
    probe = ["acme pixel 5", "nova cooler 12", "zeta smart tv 3", "something else"]
    np.testing.assert_allclose(loaded.predict_proba(probe), result.model.predict_proba(probe), atol=1e-12)
    assert loaded.classes_ == result.model.classes_ == sorted(WORDS)


def test_early_stopping_stops_before_max_epochs():
    texts, labels = titles(300)
    result = training.train_category(texts, labels, max_epochs=40, patience=2)
    assert result.stopped_early and result.epochs < 40
    assert result.epochs == result.best_epoch + 2  # stopped exactly `patience` epochs after the best
    assert len(result.history) == result.epochs
    assert result.history[result.best_epoch - 1] == max(result.history)


def test_metrics_come_from_the_held_out_test_split_only():
    texts, labels = titles(400, seed=5)
    result = training.train_category(texts, labels, val=0.15, test=0.2, seed=7, max_epochs=3, patience=1)
    idx = result.split_indices
    assert {k: len(v) for k, v in idx.items()} == {"train": 260, "validation": 60, "test": 80}
    assert result.splits == {"train": 260, "validation": 60, "test": 80}
    train, val, test = (set(idx[k].tolist()) for k in ("train", "validation", "test"))
    assert not (train & test) and not (train & val) and not (val & test)
    assert train | val | test == set(range(400))
    for label in WORDS:  # stratified: every class in every split
        assert sum(labels[i] == label for i in test) >= 20
    assert result.test_metrics["rows"] == 80
    assert sum(c["support"] for c in result.test_metrics["per_class"].values()) == 80
    expected = training.metrics(
        [labels[i] for i in sorted(test)], result.model.predict_category([texts[i] for i in sorted(test)])
    )
    assert result.test_metrics == expected


def test_repeated_rows_are_kept_once(tmp_path):
    texts, labels = titles(60)
    rows = list(zip(texts, labels, strict=True))
    path = write_csv(tmp_path / "dup.csv", rows + rows[:10] + [("", "TVs")], header=("Title", " Category "))
    data = training.read_labelled(str(path), "title", "category")  # loose header match: case, spaces
    assert len(data.texts) == 60 and data.dropped_duplicates == 10 and data.dropped_empty == 1
    assert data.rows_read == 71


def test_atomic_save_leaves_nothing_on_failure(tmp_path):
    def broken(folder: Path) -> None:
        (folder / "model.npz").write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        registry.save(tmp_path, "cat", {"kind": "category"}, broken)
    assert list((tmp_path / "cat").iterdir()) == []
    assert registry.list_models(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["--text-column", "name"], 2, "has no column 'name'"),
        (["--label-column", "cat"], 2, "has no column 'cat'"),
        (["--val", "0.6", "--test", "0.5"], 2, "summing below 1"),
        (["--name", "///"], 2, "no usable characters"),
    ],
)
def test_usage_errors_are_one_line(capsys, tmp_path, data, args, code, text):
    base = {"--text-column": "title", "--label-column": "category"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [x for pair in base.items() for x in pair]
    rc, _, err = run_cli(capsys, "train", "category", str(data), *flat, "--models-dir", str(tmp_path / "m"))
    assert rc == code and text in err and one_error_line(err)
    assert not (tmp_path / "m").exists()


def test_data_errors_exit_3(capsys, tmp_path):
    few = write_csv(tmp_path / "few.csv", [(f"a {i}", "A") for i in range(20)] + [("b 1", "B"), ("b 2", "B")])
    cols = ["--text-column", "title", "--label-column", "category", "--models-dir", str(tmp_path / "m")]
    rc, _, err = run_cli(capsys, "train", "category", str(few), *cols)
    assert rc == 3 and "fewer than 5 rows: 'B' (2)" in err and one_error_line(err)
    rc, _, err = run_cli(capsys, "train", "category", str(tmp_path / "missing.csv"), *cols)
    assert rc == 3 and one_error_line(err)
    one = write_csv(tmp_path / "one.csv", [(f"a {i}", "A") for i in range(20)])
    rc, _, err = run_cli(capsys, "train", "category", str(one), *cols)
    assert rc == 3 and "at least two labels" in err


def test_missing_sklearn_exits_6(capsys, monkeypatch, data, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "sklearn" else real(n, *a))
    rc, _, err = run_cli(
        capsys, "train", "category", str(data), "--text-column", "title", "--label-column", "category",
        "--models-dir", str(tmp_path / "m"),
    )  # fmt: skip
    assert rc == 6 and "pip install 'stocktake[detect]'" in err


def test_models_lists_nothing_in_an_empty_dir(capsys, tmp_path):
    rc, out, err = run_cli(capsys, "models", "--models-dir", str(tmp_path / "none"))
    assert rc == 0 and out == "" and "no saved models" in err


@pytest.mark.slow
@pytest.mark.skipif(not PRICERUNNER.is_file(), reason=f"needs {PRICERUNNER} (shared data, absent here)")
def test_pricerunner(capsys, tmp_path):
    models = tmp_path / "models"
    rc, _, err = run_cli(
        capsys, "train", "category", str(PRICERUNNER), "--text-column", "Product Title",
        "--label-column", "Category Label", "--name", "pricerunner", "--models-dir", str(models),
    )  # fmt: skip
    assert rc == 0, err
    saved = registry.resolve("pricerunner", models)
    test = saved.metadata["metrics"]["test"]
    assert saved.metadata["data"]["classes"] == 10
    assert test["rows"] == saved.metadata["data"]["splits"]["test"] > 3000
    assert test["macro_f1"] > 0.9  # 10 well-separated categories; the n-gram model alone reaches ~0.98
    model = CategoryModel.load(saved.path)
    assert model.predict_category(["samsung galaxy s9 64gb black"]) == ["Mobile Phones"]
