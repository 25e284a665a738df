"""PostgreSQL profiles from one grouped statement per column (issue 9: push-down ≤ 1.2× a hand-written
aggregate). The grouped path must give what the row-wise queries gave, on small and on big tables."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from stocktake.engines.profiling import ProfileOptions, profile_asset, run_jobs

COLUMNS = [
    ("id", "INTEGER"),
    ("price", "DECIMAL(10,2)"),
    ("qty", "DOUBLE PRECISION"),
    ("code", "VARCHAR(32)"),
    ("city", "TEXT"),
    ("ts", "TIMESTAMP"),
    ("d", "DATE"),
    ("flag", "BOOLEAN"),
]


def _rows(n: int = 241) -> list[tuple]:
    cities = ["São Paulo", "北京", "Berlin", "rio de janeiro", "Zürich"]
    return [
        (
            i,
            Decimal("-5.00") if i == 13 else Decimal(i * 7 % 101) + Decimal("0.50"),
            None if i % 17 == 0 else float(i % 5),
            None if i % 29 == 0 else "N/A" if i % 23 == 0 else " null" if i % 31 == 0 else f"Ab-{i % 4}",
            cities[i % 5],
            datetime(2024, 1, 1) + timedelta(hours=i - (i % 4 == 1)),  # 181 of 241 values: near-unique
            date(2024, 1, 1) + timedelta(days=i % 9),
            None if i % 7 == 0 else i % 3 == 0,
        )
        for i in range(n)
    ]


@pytest.fixture
def pg_events(pg_scratch):
    pg_scratch.create_table("events", COLUMNS, _rows())
    with pg_scratch.open() as connector:
        (asset,) = [a for a in connector.discover() if a.name == "events"]
        yield connector.engine(), asset


def _as_dicts(engine, asset, options: ProfileOptions) -> dict[str, dict]:
    return {p.column: p.to_dict() for p in profile_asset(engine, asset, options)}


@pytest.mark.parametrize("exact_row_limit", [1_000_000, 100], ids=["small-table", "big-table"])
def test_grouped_profile_equals_row_wise_queries(pg_events, exact_row_limit):
    engine, asset = pg_events
    options = ProfileOptions(exact_row_limit=exact_row_limit)  # 100: the big-table rules apply
    grouped = _as_dicts(engine, asset, options)
    engine.grouped_profiles = engine.grouped_basics = False  # this instance only
    row_wise = _as_dicts(engine, asset, options)
    for column, want in row_wise.items():
        got = grouped[column]
        for key in ("mean", "std", "length_mean"):
            g, w = got.pop(key), want.pop(key)
            assert (g is None and w is None) or g == pytest.approx(w, rel=1e-9), (column, key)
        assert got == want, column
    # ts is near-unique but not unique: under the big-table rules it shows no top values
    assert (grouped["ts"]["top_values"] == []) is (exact_row_limit == 100)


def test_profile_is_one_aggregate_pass_and_one_statement_per_column(pg_events):
    engine, asset = pg_events
    seen: list[str] = []
    lock = threading.Lock()
    execute = engine.execute

    def counting(sql, params=()):
        with lock:
            seen.append(sql)
        return execute(sql, params)

    engine.execute = counting
    profile_asset(engine, asset)
    assert len(seen) == 1 + len(asset.columns)
    # no sort per column: neither COUNT(DISTINCT ...) nor PERCENTILE_DISC ... WITHIN GROUP
    assert not [s for s in seen if "COUNT(DISTINCT" in s.upper() or "WITHIN GROUP" in s.upper()]


def test_uuid_columns_are_profiled(pg_scratch):
    # PostgreSQL has no min(uuid): the bounds come from the groups' sort order instead.
    ids = ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-4000-8000-000000000001"]
    pg_scratch.create_table("tokens", [("token", "UUID")], [(ids[i % 2],) for i in range(5)] + [(None,)])
    with pg_scratch.open() as connector:
        (asset,) = [a for a in connector.discover() if a.name == "tokens"]
        (prof,) = profile_asset(connector.engine(), asset)
    assert (prof.min, prof.max, prof.distinct_count, prof.null_count) == (ids[1], ids[0], 2, 1)
    shapes = ["a9aaaa99-9a9a-9aa9-aa9a-9aa9aa999a99", "99999999-9999-9999-9999-999999999999"]
    assert [(p.value, p.count) for p in prof.patterns] == [(shapes[0], 3), (shapes[1], 2)]
    assert [(t.value, t.count) for t in prof.top_values] == [(ids[0], 3), (ids[1], 2)]
    assert (prof.length_min, prof.length_max) == (36, 36)


def test_run_jobs_runs_every_job_and_raises_the_first_failure():
    done: list[int] = []

    def job(i: int) -> None:
        if i == 3:
            raise ValueError("job 3")
        done.append(i)

    with pytest.raises(ValueError, match="job 3"):
        run_jobs([lambda i=i: job(i) for i in range(6)], workers=2)
    assert sorted(done) == [0, 1, 2, 4, 5]
    done.clear()
    run_jobs([lambda i=i: job(i) for i in (0, 1, 2)], workers=1)
    assert done == [0, 1, 2]
