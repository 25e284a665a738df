"""Sample rows: whole rows fetched by each finding's predicate, masked column by column."""

from __future__ import annotations

from stocktake.core.vocab import SAMPLE_ROWS_KEY
from stocktake.pipeline import scan
from stocktake.semantics.redact_run import redact_run


def _write_users(path, n: int = 400) -> None:
    lines = ["user_id,email,city,score"]
    for i in range(n):
        city = "N/A" if i % 10 == 0 else ["Beijing", "Shanghai", "Shenzhen"][i % 3]
        lines.append(f"{1000 + i},user{i}@example.com,{city},{i % 7}")
    path.write_text("\n".join(lines) + "\n")


def test_findings_carry_rows_their_predicate_selects_and_pii_is_masked(tmp_path):
    _write_users(tmp_path / "users.csv")
    run = scan([str(tmp_path / "users.csv")])
    missing = [f for f in run.findings if f.type == "missing_values" and f.columns == ["city"]]
    assert missing and missing[0].rows.predicate
    rows = missing[0].evidence[SAMPLE_ROWS_KEY]
    assert 1 <= len(rows) <= 5
    assert all(r["city"] == "N/A" for r in rows)  # what the predicate selects, nothing else
    assert next(iter(rows[0])) == "city"  # the finding's column first
    assert {"user_id", "email", "score"} <= set(rows[0])
    masked = redact_run(run)
    (after,) = [f for f in masked.findings if f.id == missing[0].id]
    for before_row, row in zip(rows, after.evidence[SAMPLE_ROWS_KEY], strict=True):
        assert "@example.com" in row["email"] and row["email"] != before_row["email"]  # e.g. u***@example.com
        assert row["city"] == "N/A" and row["user_id"] == before_row["user_id"]  # other columns untouched
