"""Hostile identifiers (issue 10, part 2): tables and columns named with quotes, semicolons,
spaces, Unicode, SQL keywords, `%`, `?` and `"; DROP TABLE x; --` are profiled and checked
correctly on DuckDB, SQLite, PostgreSQL and MariaDB, and the source is unchanged afterwards."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from stocktake.checks.contract_yaml import parse_contract
from stocktake.checks.profile_rules import RuleOptions
from stocktake.pipeline import ScanOptions, scan_with_checks

VICTIM = "victim"  # what the injection in the names would drop or empty
TABLES = ['"; DROP TABLE victim; --', "o'rders; DELETE FROM victim", "select", "订单 Ünïcode", "a`b\"c'd"]
ID = '"; DROP TABLE victim; --'
NOTE = "it's"
GREETING = 'say "hi"'
KEYWORD = "order"
UNICODE = "名字 col"
SEMI = "semi;colon"
TICK = "back`tick"
PERCENT = "50% off?"
COLUMNS = [ID, NOTE, GREETING, KEYWORD, UNICODE, SEMI, TICK, PERCENT]
ROWS = 12


def _ddl(kind: str) -> list[tuple[str, str]]:
    text = "TEXT" if kind != "mysql" else "VARCHAR(64)"
    return [
        (ID, "INTEGER"),
        (NOTE, text),
        (GREETING, text),
        (KEYWORD, "INTEGER"),
        (UNICODE, text),
        (SEMI, text),
        (TICK, text),
        (PERCENT, "INTEGER"),
    ]


def _rows() -> list[tuple]:
    rows = []
    for i in range(1, ROWS + 1):
        rows.append(
            (
                i,  # unique
                None if i in (3, 7) else f"note '{i}'; --",  # two NULLs
                "hi" if i % 2 else 'say "bye"',  # one value outside the allowed list, 6 times
                i if i != 12 else 11,  # one duplicated key
                f"名字{i}",
                f"a;b;{i}",
                f"x`{i}`",
                -5 if i == 4 else i * 10,  # one negative
            )
        )
    return rows


def _contract(table: str) -> str:
    # JSON is YAML: every key and value is quoted exactly.
    checks = [
        {"not_null": {"columns": [NOTE]}},
        {"unique": {"columns": [KEYWORD]}},
        {"allowed_values": {"column": GREETING, "values": ["hi"]}},
        {"range": {"column": PERCENT, "min": 0}},
        {"pattern": {"column": UNICODE, "regex": "^名字[0-9]+$"}},
        {"not_null": {"columns": [ID, SEMI, TICK]}},
    ]
    return json.dumps({"datasets": {table: {"checks": checks}}}, ensure_ascii=False)


def _snapshot(scratch, tables: list[str]) -> dict[str, list[tuple]]:
    out = {}
    for table in tables:
        rows = scratch.query(f"SELECT * FROM {scratch.qualified(table)}")
        out[table] = sorted(rows, key=repr)
    return out


@pytest.mark.parametrize("table", TABLES, ids=["drop", "delete", "keyword", "unicode", "quotes"])
def test_hostile_names_are_profiled_and_checked_and_the_source_is_unchanged(db_scratch, table):
    db_scratch.create_table(table, _ddl(db_scratch.kind), _rows())
    db_scratch.create_table(VICTIM, [("x", "INTEGER")], [(1,), (2,)])
    before = _snapshot(db_scratch, [table, VICTIM])

    options = ScanOptions(
        rules=RuleOptions(as_of=datetime(2026, 1, 1, tzinfo=UTC)),
        contract=parse_contract(_contract(table), "hostile.yml"),
    )
    outcome = scan_with_checks([db_scratch.url], options)
    run = outcome.run

    assert run.errors == []
    assets = {a.name: a for a in run.assets}
    assert set(assets) == {table, VICTIM}
    asset = assets[table]
    assert asset.row_count == ROWS
    assert [c.name for c in asset.columns] == COLUMNS
    profiles = {p.column: p for p in run.profiles if p.asset == asset.id}
    assert set(profiles) == set(COLUMNS)
    assert profiles[ID].distinct_count == ROWS and profiles[ID].null_count == 0
    assert (profiles[ID].min, profiles[ID].max) == (1, ROWS)
    assert profiles[NOTE].null_count == 2
    assert profiles[GREETING].distinct_count == 2
    assert profiles[KEYWORD].distinct_count == ROWS - 1
    assert profiles[PERCENT].negative_count == 1 and profiles[PERCENT].min == -5
    assert profiles[UNICODE].min == "名字1" and profiles[UNICODE].length_max == 4
    assert profiles[TICK].max == "x`9`"

    results = {(r.check.kind, tuple(r.check.checked_columns)): r for r in outcome.check_results}
    declared = {key: r for key, r in results.items() if r.check.origin == "declared"}
    assert all(r.error is None for r in declared.values()), [r.error for r in declared.values()]
    assert declared[("not_null", (NOTE,))].failing == 2
    assert declared[("unique", (KEYWORD,))].failing == 2
    assert declared[("allowed_values", (GREETING,))].failing == ROWS // 2
    assert declared[("range", (PERCENT,))].failing == 1
    assert declared[("pattern", (UNICODE,))].passed
    assert declared[("not_null", (ID, SEMI, TICK))].passed
    failing_findings = {f.check for f in run.findings if f.asset == asset.id}
    assert {r.check.name for r in declared.values() if not r.passed} <= failing_findings

    # Nothing was written: the same tables hold the same rows.
    assert _snapshot(db_scratch, [table, VICTIM]) == before


def _csv_field(value: object) -> str:
    return "" if value is None else '"' + str(value).replace('"', '""') + '"'


def test_hostile_file_and_column_names(tmp_path):
    folder = tmp_path / "lake"
    folder.mkdir()
    lines = [
        ",".join(_csv_field(c) for c in COLUMNS),
        *(",".join(_csv_field(v) for v in row) for row in _rows()),
    ]
    names = ["'; DROP TABLE victim; --", 'o"rders 订单', "select"]
    for name in names:
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    options = ScanOptions(contract=parse_contract(_contract(names[0]), "c.yml"))
    outcome = scan_with_checks([str(folder)], options)
    run = outcome.run

    assert run.errors == []
    assert sorted(a.name for a in run.assets) == sorted(names)
    for asset in run.assets:
        assert asset.row_count == ROWS and [c.name for c in asset.columns] == COLUMNS
        profiles = {p.column: p for p in run.profiles if p.asset == asset.id}
        assert profiles[NOTE].null_count == 2 and profiles[PERCENT].negative_count == 1
    declared = {
        (r.check.kind, tuple(r.check.checked_columns)): r
        for r in outcome.check_results
        if r.check.origin == "declared"
    }
    assert all(r.error is None for r in declared.values())
    assert declared[("not_null", (NOTE,))].failing == 2
    assert declared[("range", (PERCENT,))].failing == 1
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
