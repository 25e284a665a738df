"""Verdicts on near-duplicate pairs: targets, the CLI, labels, and `train matcher --from-reviews`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.near_dup_run import copy_catalog, listed_run, near_duplicate_finding, scan_catalog
from stocktake.catalog import Catalog
from stocktake.cli import main
from stocktake.review import pair_labels, pair_target, pair_verdicts, split_target
from stocktake.review.pairs import check_pair, find_pair, pair_text, split_pair_target


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> str:
    return scan_catalog(tmp_path_factory.mktemp("pairs-scan"))


@pytest.fixture
def catalog_path(scanned: str, tmp_path: Path) -> str:
    return copy_catalog(scanned, tmp_path / "catalog.db")


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(argv)
    captured = capsys.readouterr()
    return int(done.value.code or 0), captured.out + captured.err


def test_pair_targets_are_canonical_and_not_mistaken_for_row_targets() -> None:
    assert pair_target("ab12", [1145, 1002]) == pair_target("ab12", [1002, 1145]) == "ab12:pair:[1002,1145]"
    assert pair_text(["b", "a:row:x"]) == '["a:row:x","b"]'
    odd = pair_target("ab12", ["a:row:x", "b"])
    assert split_pair_target(odd) == ("ab12", '["a:row:x","b"]')
    assert split_target(odd) == (odd, None)  # a key holding ':row:' does not make it a row target
    assert split_target("ab12:row:[3]") == ("ab12", "[3]")
    assert split_pair_target("ab12:row:[3]") is None and split_pair_target("ab12") is None


def test_only_the_findings_own_pairs_can_be_judged(scanned: str) -> None:
    from stocktake.core.errors import UsageError

    finding = near_duplicate_finding(scanned)
    first = finding.evidence["pairs"][0]["keys"]
    assert check_pair(finding, list(reversed(first))) == pair_text(first)
    assert find_pair(finding, [str(first[1]), str(first[0])]) == first  # keys as text, either order
    with pytest.raises(UsageError, match="not one of the pairs"):
        check_pair(finding, [first[0], 999999])
    with pytest.raises(UsageError, match="two keys"):
        check_pair(finding, [first[0]])


def test_cli_pair_verdicts_latest_wins_and_become_labels(
    catalog_path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    finding = near_duplicate_finding(catalog_path)
    pairs = finding.evidence["pairs"]
    base = ["--catalog", catalog_path, "review", finding.id]
    a, b = (str(k) for k in pairs[0]["keys"])
    code, text = _cli([*base, "--pair", b, a, "--verdict", "confirmed", "--reviewer", "ana"], capsys)
    assert code == 0, text
    assert pair_target(finding.id, pairs[0]["keys"]) in text and "same entity" in text
    # A second word on the same pair replaces the first; another pair is rejected.
    assert _cli([*base, "--pair", a, b, "--verdict", "rejected", "--comment", "variants"], capsys)[0] == 0
    c, d = (str(k) for k in pairs[1]["keys"])
    assert _cli([*base, "--pair", c, d, "--verdict", "confirmed"], capsys)[0] == 0

    code, text = _cli([*base, "--pair", a, "999999", "--verdict", "confirmed"], capsys)
    assert code == 2 and "is not one of the pairs" in text
    code, text = _cli([*base, "--pair", a, b, "--verdict", "fixed"], capsys)
    assert code == 2 and "--pair needs" in text

    with Catalog(catalog_path) as catalog:
        judged = pair_verdicts(catalog, finding.id)
        assert {k: v.verdict.value for k, v in judged.items()} == {
            pair_text(pairs[0]["keys"]): "rejected",
            pair_text(pairs[1]["keys"]): "confirmed",
        }
        labels = pair_labels(catalog)
        assert len(catalog.verdicts_for(finding.id)) == 0  # pair verdicts do not judge the finding
    by_left = {json.dumps(p.left): p for p in labels}
    assert len(labels) == 2
    assert by_left[json.dumps(pairs[0]["left"])].label == 0  # rejected: two different products
    assert by_left[json.dumps(pairs[1]["left"])].right == pairs[1]["right"]
    assert by_left[json.dumps(pairs[1]["left"])].label == 1


def _pairs_file(path: Path) -> Path:
    """A small hand-made Ditto file: re-typed titles match, other sizes or colours do not."""
    lines = []
    for brand, item in (("Acme", "Trail Runner"), ("Borealis", "Rain Shell"), ("Corvid", "Chef Knife")):
        for size, other in (("S", "M"), ("L", "XL"), ("20cm", "24cm"), ("M", "L")):
            title = f"{brand} {item} {size} Black"
            lines.append(f"COL product_title VAL {title}\tCOL product_title VAL {title.lower()}\t1")
            lines.append(f"COL product_title VAL {title}\tCOL product_title VAL HOT {title}\t1")
            lines.append(
                f"COL product_title VAL {title}\tCOL product_title VAL {brand} {item} {other} Black\t0"
            )
            lines.append(f"COL product_title VAL {title}\tCOL product_title VAL {brand} {item} {size} Red\t0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_matcher_from_reviews(
    catalog_path: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = str(tmp_path / "models")
    train = ["--catalog", catalog_path, "train", "matcher", "--from-reviews", "--encoder", "off",
             "--rounds", "20", "--models-dir", models]  # fmt: skip
    code, text = _cli(train, capsys)
    assert code == 2 and "no pair verdicts" in text
    code, text = _cli(["--catalog", catalog_path, "train", "matcher"], capsys)
    assert code == 2 and "--from-reviews" in text

    finding = near_duplicate_finding(catalog_path)
    verdicts = ["confirmed", "rejected"] * 3
    for pair, verdict in zip(finding.evidence["pairs"], verdicts, strict=False):
        keys = [str(k) for k in pair["keys"]]
        assert _cli(["--catalog", catalog_path, "review", finding.id, "--pair", *keys, "--verdict", verdict],
                    capsys)[0] == 0  # fmt: skip
    with Catalog(catalog_path) as catalog:
        labels = pair_labels(catalog)
    same = sum(p.label for p in labels)
    assert same >= 2 and len(labels) - same >= 2

    # Added to a pairs file's train split.
    code, text = _cli([*train, str(_pairs_file(tmp_path / "pairs.txt"))], capsys)
    assert code == 0, text
    assert f"reviewed pairs: {len(labels)} ({same} same entity" in text and "saved" in text
    (saved,) = (Path(models) / "matcher").iterdir()
    meta = json.loads((saved / "metadata.json").read_text(encoding="utf-8"))
    assert meta["options"]["reviewed_pairs"] == len(labels)

    # Alone: five reviewed pairs are too few to split into train and valid.
    code, text = _cli([*train, "--name", "reviewed-only"], capsys)
    assert code == 2 and "too few to train on alone" in text


@pytest.mark.parametrize("seed", ["0", "2"])  # seed 2 once left a feature empty within a fold
def test_train_matcher_on_reviewed_pairs_alone(
    seed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog_path = str(tmp_path / "catalog.db")
    run, same = listed_run()
    (finding,) = run.findings
    with Catalog(catalog_path) as catalog:
        catalog.save_run(run)
        for pair in finding.evidence["pairs"]:
            verdict = "confirmed" if frozenset(pair["keys"]) in same else "rejected"
            catalog.record_verdict(pair_target(finding.id, pair["keys"]), verdict, run_id=run.id)
    models = tmp_path / "models"
    code, text = _cli(["--catalog", catalog_path, "train", "matcher", "--from-reviews", "--encoder", "off",
                       "--rounds", "20", "--seed", seed, "--models-dir", str(models)], capsys)  # fmt: skip
    assert code == 0, text
    assert "train: 20 pairs (10 matches), valid: 4 pairs (2 matches)" in text and "saved" in text
    assert len(list((models / "matcher").iterdir())) == 1


def test_labels_come_from_the_run_that_lists_the_pair(tmp_path: Path) -> None:
    first, _ = listed_run("20261128T000000-aaaaaa")
    (finding,) = first.findings
    pairs = finding.evidence["pairs"]
    # A later scan lists only the first two pairs; the verdicts name no run.
    later = first.model_copy(
        update={
            "id": "20261129T000000-cccccc",
            "started_at": first.started_at.replace(day=29),
            "findings": [finding.model_copy(update={"evidence": {**finding.evidence, "pairs": pairs[:2]}})],
        }
    )
    with Catalog(str(tmp_path / "catalog.db")) as catalog:
        catalog.save_run(first)
        catalog.save_run(later)
        catalog.record_verdict(pair_target(finding.id, pairs[5]["keys"]), "rejected")
        catalog.record_verdict(pair_target(finding.id, pairs[0]["keys"]), "confirmed")
        catalog.record_verdict(pair_target("0123456789abcdef", [1, 2]), "confirmed")  # no such finding
        labels = pair_labels(catalog)
    assert [(p.right, p.label) for p in labels] == [(pairs[5]["right"], 0), (pairs[0]["right"], 1)]
