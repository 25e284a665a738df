"""Issue 5: no unmasked personal data anywhere in the demo's outputs, unless --show-pii asks for it."""

from __future__ import annotations

import sqlite3

import duckdb
import pytest

from stocktake.cli import main
from stocktake.report.html import page_text
from stocktake.semantics.pii_columns import find_pii_in_text


def run_demo(tmp_path, *extra: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--catalog", str(tmp_path / "c.db"), *extra, "demo", "--out", str(tmp_path), "--rows", "20000"])
    assert exc.value.code == 0


def planted_pii(tmp_path) -> set[str]:
    with sqlite3.connect(tmp_path / "shop.sqlite") as conn:
        values = {v for row in conn.execute("SELECT email, phone FROM users") for v in row if v}
        # Person names too; three characters and up, so a short one cannot match other text by chance.
        values |= {f"name:{n}" for (n,) in conn.execute("SELECT name FROM users") if n and len(n) >= 3}
    texts = duckdb.sql(f"SELECT review_text FROM '{tmp_path / 'lake' / 'reviews.parquet'}'").fetchall()
    for (text,) in texts:
        values.update(text[a:b] for _, a, b in find_pii_in_text(text or ""))
    return {v.removeprefix("name:") for v in values if v.startswith("name:") or len(v) >= 8}


def report_text(tmp_path) -> str:
    # The HTML parks finding rows and asset bodies in a (possibly compressed) payload: unpack it.
    texts = []
    for p in sorted((tmp_path / "report").iterdir()):
        text = p.read_text(encoding="utf-8")
        texts.append(page_text(text) if p.suffix == ".html" else text)
    return "\n".join(texts)


def test_demo_outputs_hold_no_unmasked_pii(tmp_path, capsys):
    run_demo(tmp_path)
    printed = capsys.readouterr()
    pii = planted_pii(tmp_path)
    assert len(pii) > 100  # emails, phones and the numbers planted in review texts
    haystack = report_text(tmp_path) + printed.out + printed.err
    with sqlite3.connect(tmp_path / "c.db") as conn:  # the catalog holds the masked run too
        haystack += "\n".join(r[0] for r in conn.execute("SELECT record FROM findings"))
        haystack += "\n".join(r[0] for r in conn.execute("SELECT record FROM profiles"))
    leaked = sorted(v for v in pii if v in haystack)
    assert leaked == []


def test_show_pii_opts_out_of_masking(tmp_path):
    run_demo(tmp_path, "--show-pii")
    assert any(v in report_text(tmp_path) for v in planted_pii(tmp_path))
