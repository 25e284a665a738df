"""The bad-input corpus (issue 10, part 1): every case either fails with one clear line and a
documented exit code (docs/cli.md), or is scanned with a finding (or note) about the problem.
Never a traceback, never exit 70 (a bug).

Small files are committed in tests/data/bad/ (made by make_corpus.py); the 50 MB cell is
written at test time. Database cases use the local PostgreSQL and MariaDB servers.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from make_corpus import BAD_DIR, small_corpus, write_huge_cell

from stocktake.cli import main
from stocktake.core.errors import EXIT_CONNECTION, EXIT_INPUT, EXIT_OK
from stocktake.pipeline import scan

if TYPE_CHECKING:
    from collections.abc import Callable

DOCUMENTED_EXITS = {0, 1, 2, 3, 4, 5, 6, 130}


@dataclass
class Outcome:
    code: int
    stderr: str
    inventory: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def asset(self) -> dict[str, Any]:
        (asset,) = self.inventory["assets"]
        return asset

    def found(self, check: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["check"] == f"read_problems:{check}"]


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], out: Path | None = None) -> Outcome:
    with pytest.raises(SystemExit) as exited:
        main(args)
    stderr = capsys.readouterr().err
    code = int(exited.value.code or 0)
    assert "Traceback" not in stderr
    assert code in DOCUMENTED_EXITS, stderr
    outcome = Outcome(code, stderr)
    if code == EXIT_OK and out is not None:
        outcome.inventory = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
        outcome.findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    else:
        assert len(stderr.strip().splitlines()) == 1, stderr  # one line, nothing else
    return outcome


def scan_file(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Outcome:
    out = tmp_path / "out"
    args = ["--catalog", str(tmp_path / "cat.db"), "scan", str(path), "--out", str(out), "-q", *extra]
    return run_cli(args, capsys, out)


def test_the_committed_corpus_is_what_make_corpus_writes():
    expected = small_corpus()
    for name, data in expected.items():
        path = BAD_DIR / name
        assert path.exists(), f"run tests/robustness/make_corpus.py: {name} is missing"
        if name.endswith((".csv", ".json", ".yml")):  # Parquet and xlsx carry writer versions and times
            assert path.read_bytes() == data, name


# -- files that are read, with a finding or note about the problem -------------------------------


def _ragged(o: Outcome) -> None:
    assert o.asset()["row_count"] == 42
    (finding,) = o.found("ragged_rows")
    assert finding["rows"]["count"] == 2 and finding["type"] == "invalid_format"


def _unclosed(o: Outcome) -> None:
    assert o.asset()["row_count"] == 41
    assert o.asset()["read_options"]["quote"] == ""
    assert len(o.found("unclosed_quote")) == 1


def _nul(o: Outcome) -> None:
    (finding,) = o.found("control_characters")
    assert finding["columns"] == ["city"] and finding["rows"]["count"] == 2
    assert finding["type"] == "text_garbage"


def _line_endings(o: Outcome) -> None:
    asset = o.asset()
    assert asset["row_count"] == 24
    order_id = next(c for c in asset["columns"] if c["name"] == "order_id")
    assert order_id["profile"]["null_count"] == 0  # the line after a bare CR keeps its first field
    (finding,) = o.found("mixed_line_endings")
    assert finding["rows"]["count"] == 3


def _chinese(rows: int, encoding: str) -> Callable[[Outcome], None]:
    def check(o: Outcome) -> None:
        asset = o.asset()
        assert [c["name"] for c in asset["columns"]] == ["商品编号", "名称", "价格"]
        assert asset["row_count"] == rows
        assert asset["read_options"]["encoding"] == encoding
        names = next(c for c in asset["columns"] if c["name"] == "名称")["profile"]
        assert names["min"] in {"苹果手机", "华为平板", "小米手环"} and names["length_max"] >= 4

    return check


def _bom(o: Outcome) -> None:
    assert o.asset()["columns"][0]["name"] == "order_id"
    assert o.asset()["read_options"]["bom"] is True


def _header_only(o: Outcome) -> None:
    assert o.asset()["row_count"] == 0
    assert [c["name"] for c in o.asset()["columns"]] == ["order_id", "city", "amount"]


def _empty_parquet(o: Outcome) -> None:
    assert o.asset()["row_count"] == 0 and len(o.asset()["columns"]) == 2


def _mixed_types(o: Outcome) -> None:
    (finding,) = o.found("mixed_types")
    assert finding["columns"] == ["value"] and finding["rows"]["count"] == 60
    assert finding["evidence"]["numbers"] == 60 and finding["evidence"]["dates"] == 30


def _merged(o: Outcome) -> None:
    asset = o.asset()
    # The merged title row is recognised; the real header is the row under it.
    assert [c["name"] for c in asset["columns"]] == ["region", "city", "revenue"]
    assert asset["row_count"] == 4 and asset["read_options"]["header_row"] == 2
    assert any("holds only a title" in note for note in asset["notes"])
    # Merged region cells hold their value in the first row only: the rest read as missing.
    (missing,) = [f for f in o.findings if f["type"] == "missing_values"]
    assert missing["columns"] == ["region"] and missing["rows"]["count"] == 2


def _corrupt_parquet(o: Outcome) -> None:
    # The footer is intact, so discovery succeeds; the damaged pages fail profiling: reported, skipped.
    assert o.inventory["assets"] == []
    (error,) = o.inventory["errors"]
    assert error.startswith("corrupt/corrupt: ") and "\n" not in error


READ = [
    ("ragged_rows.csv", _ragged),
    ("unclosed_quote.csv", _unclosed),
    ("nul_bytes.csv", _nul),
    ("mixed_line_endings.csv", _line_endings),
    ("gbk.csv", _chinese(3, "gb18030")),
    ("gb18030.csv", _chinese(4, "gb18030")),
    ("utf16_bom.csv", _chinese(3, "utf-16-le")),
    ("utf8_bom.csv", _bom),
    ("header_only.csv", _header_only),
    ("empty_table.parquet", _empty_parquet),
    ("mixed_types.csv", _mixed_types),
    ("merged_cells.xlsx", _merged),
    ("corrupt.parquet", _corrupt_parquet),
]


@pytest.mark.parametrize(("name", "check"), READ, ids=[n for n, _ in READ])
def test_damaged_files_are_read_and_the_damage_reported(name, check, tmp_path, capsys):
    outcome = scan_file(BAD_DIR / name, tmp_path, capsys)
    assert outcome.code == EXIT_OK, outcome.stderr
    check(outcome)


def test_a_50_mb_cell_is_read_and_reported(tmp_path, capsys):
    path = write_huge_cell(tmp_path / "huge_cell.csv")
    outcome = scan_file(path, tmp_path, capsys)
    assert outcome.code == EXIT_OK, outcome.stderr
    asset = outcome.asset()
    assert asset["row_count"] == 3
    note = next(c for c in asset["columns"] if c["name"] == "note")
    assert note["profile"]["length_max"] == 50_000_000
    (finding,) = outcome.found("huge_values")
    assert finding["rows"]["count"] == 1 and finding["rows"]["keys"] == [2]


# -- files that cannot be read: one line, exit 3 --------------------------------------------------

UNREADABLE = [
    ("empty.csv", "file is empty"),
    ("truncated.parquet", "Parquet magic bytes not found"),
    ("deep_nesting.json", "maximum recursion depth"),
]


@pytest.mark.parametrize(("name", "message"), UNREADABLE, ids=[n for n, _ in UNREADABLE])
def test_unreadable_files_fail_with_one_line(name, message, tmp_path, capsys):
    outcome = scan_file(BAD_DIR / name, tmp_path, capsys)
    assert outcome.code == EXIT_INPUT
    assert outcome.stderr.startswith(f"stocktake: error: cannot read {BAD_DIR / name}: ")
    assert message in outcome.stderr


def test_in_a_folder_unreadable_files_are_skipped_and_the_rest_scanned(tmp_path, capsys):
    outcome = scan_file(BAD_DIR, tmp_path, capsys)
    assert outcome.code == EXIT_OK
    names = {a["name"] for a in outcome.inventory["assets"]}
    assert {"ragged_rows", "gbk", "merged_cells", "nul_bytes"} <= names
    errors = outcome.inventory["errors"]
    for bad in ("empty.csv", "truncated.parquet", "deep_nesting.json"):
        assert any(bad in e for e in errors), bad


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permissions")
def test_a_file_without_read_permission(tmp_path, capsys):
    path = tmp_path / "secret.csv"
    path.write_text("a,b\n1,2\n")
    path.chmod(0)
    outcome = scan_file(path, tmp_path, capsys)
    assert outcome.code == EXIT_INPUT and "permission denied" in outcome.stderr


# -- contracts: one line naming file:line, exit 3, before anything is scanned -----------------------

CONTRACTS = [
    ("contract_bad_indent.yml", "contract_bad_indent.yml:4: YAML syntax error"),
    ("contract_unknown_keys.yml", "colour"),
    ("contract_wrong_types.yml", "contract_wrong_types.yml:4: datasets.orders.checks: expected a list"),
]


@pytest.mark.parametrize(("name", "message"), CONTRACTS, ids=[n for n, _ in CONTRACTS])
def test_wrong_yaml_contracts(name, message, tmp_path, capsys):
    outcome = scan_file(BAD_DIR / "utf8_bom.csv", tmp_path, capsys, "--config", str(BAD_DIR / name))
    assert outcome.code == EXIT_INPUT
    assert message in outcome.stderr
    assert not (tmp_path / "cat.db").exists()  # stopped before scanning or recording


# -- databases: unreachable, refused, wrong password, missing permissions, a table dropped mid-scan --

UNREACHABLE = [
    ("postgresql://root@127.0.0.1:1/test", "connection refused"),
    ("mysql://root@127.0.0.1:1/test", "connection refused"),
    ("postgresql://root@no-such-host.invalid/test", "unknown host no-such-host.invalid"),
    ("mysql://root@no-such-host.invalid/test", "no-such-host.invalid"),
]


@pytest.mark.parametrize(
    ("url", "message"), UNREACHABLE, ids=["pg-port", "mysql-port", "pg-host", "mysql-host"]
)
def test_unreachable_databases(url, message, tmp_path, capsys):
    outcome = scan_file(url, tmp_path, capsys)  # type: ignore[arg-type]
    assert outcome.code == EXIT_CONNECTION
    assert message in outcome.stderr


def test_wrong_password(mysql_server, mysql_scratch, tmp_path, capsys):
    user = f"st_pw_{secrets.token_hex(4)}"
    with mysql_server.connect() as conn:
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY 'right-{user}'")
        conn.exec_driver_sql(f"GRANT SELECT ON `{mysql_scratch.database}`.* TO '{user}'@'%%'")
    try:
        url = mysql_scratch.url.replace("mysql://root@", f"mysql://{user}:wrong-secret@")
        outcome = scan_file(url, tmp_path, capsys)  # type: ignore[arg-type]
    finally:
        with mysql_server.connect() as conn:
            conn.exec_driver_sql(f"DROP USER '{user}'@'%%'")
    assert outcome.code == EXIT_CONNECTION
    assert f"authentication failed for user {user}" in outcome.stderr
    assert "wrong-secret" not in outcome.stderr  # the password is never printed


def test_unknown_role(pg_scratch, tmp_path, capsys):
    url = pg_scratch.url.replace("postgresql://root@", "postgresql://nobody_here@")
    outcome = scan_file(url, tmp_path, capsys)  # type: ignore[arg-type]
    assert outcome.code == EXIT_CONNECTION
    assert "role nobody_here does not exist" in outcome.stderr


def test_a_table_without_select_permission(pg_scratch, pg_server):
    pg_scratch.create_table("public_data", [("id", "INTEGER")], [(i,) for i in range(10)])
    pg_scratch.create_table("salaries", [("id", "INTEGER"), ("pay", "INTEGER")], [(1, 100)])
    role = f"st_np_{secrets.token_hex(4)}"
    schema = pg_scratch.schema
    with pg_server.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.exec_driver_sql(f'GRANT SELECT ON "{schema}"."public_data" TO "{role}"')
    try:
        run = scan([pg_scratch.url.replace("postgresql://root@", f"postgresql://{role}@")])
    finally:
        with pg_server.connect() as conn:
            conn.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"')
            conn.exec_driver_sql(f'REVOKE USAGE ON SCHEMA "{schema}" FROM "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
    assert [(a.name, a.row_count) for a in run.assets] == [("public_data", 10)]
    (error,) = run.errors
    assert error.startswith(f"{run.sources[0].name}/salaries: ") and "permission denied" in error


@pytest.mark.parametrize("kind", ["sqlite", "postgresql", "mysql"])
def test_a_table_dropped_mid_scan(kind, request):
    scratch = request.getfixturevalue(
        {"sqlite": "sqlite_scratch", "postgresql": "pg_scratch"}.get(kind, "mysql_scratch")
    )
    scratch.create_table("a_first", [("id", "INTEGER")], [(i,) for i in range(20)])
    scratch.create_table("z_dropped", [("id", "INTEGER"), ("v", "INTEGER")], [(i, i) for i in range(20)])
    dropped: list[str] = []

    def progress(stage: str, done: int, total: int, label: str) -> None:
        # Discovery has listed and counted both tables; drop one before it is profiled.
        if stage == "profile" and label == "a_first" and not dropped:
            scratch.execute(f"DROP TABLE {scratch.qualified('z_dropped')}")
            dropped.append(label)

    run = scan([scratch.url], progress=progress)
    assert dropped
    assert [a.name for a in run.assets] == ["a_first"]
    (error,) = run.errors
    assert error.startswith(f"{run.sources[0].name}/z_dropped: ") and "\n" not in error
