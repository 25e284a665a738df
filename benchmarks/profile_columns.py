"""Benchmark Stocktake's column profile against SUMMARIZE, a hand-written aggregate and ydata.

The references are DuckDB SUMMARIZE, one hand-written single-scan DuckDB aggregate and
ydata-profiling (minimal); the data are generated behaviour logs.

    .venv/bin/python benchmarks/profile_columns.py                       # 1M and 10M rows, best of 1
    .venv/bin/python benchmarks/profile_columns.py --rows 1000000 --repeat 2 --breakdown

Every measurement runs in a fresh subprocess, so peak RSS (from os.wait4) belongs to one
method alone and no method profits from another's warm caches in the same process. The
OS page cache is shared, so every method reads a file that is already in memory.

The data imitates Taobao's UserBehavior log (user, item, category, pv/cart/fav/buy,
timestamp) widened to 12 columns; see `generate_behaviour_log`. Files are cached under
benchmarks/_data/ keyed by row count and seed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent

DATA_DIR = BENCH_DIR / "_data"
YDATA_PYTHON = BENCH_DIR / "_venv_ydata" / "bin" / "python"
YDATA_SCRIPT = BENCH_DIR / "ydata_minimal.py"
YDATA_MAX_ROWS = 1_000_000  # ydata-profiling holds everything in pandas; 10M rows would take minutes
ROWS_PER_CHUNK = 1_000_000
ROW_GROUP_ROWS = 122_880  # DuckDB's own row-group size: enough row groups for every thread
METHODS = ("stocktake", "summarize", "handwritten", "ydata")
METHOD_LABELS = {
    "stocktake": "Stocktake full profile",
    "summarize": "DuckDB SUMMARIZE",
    "handwritten": "hand-written 1-scan aggregate",
    "ydata": "ydata-profiling minimal",
}

# -- data -----------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Taobao UserBehavior (100M rows, 9 days) shares, rounded.
BEHAVIOURS = (("pv", 0.895), ("cart", 0.055), ("fav", 0.029), ("buy", 0.021))
DEVICES = (("android", 0.52), ("ios", 0.37), ("pc", 0.08), ("pad", 0.025), ("", 0.005))
CHANNELS = (
    ("recommend", 0.45),
    ("search", 0.30),
    ("cart", 0.08),
    ("ads", 0.07),
    ("direct", 0.07),
    ("push", 0.03),
)
CITIES = _words(
    "上海 北京 广州 深圳 杭州 成都 重庆 武汉 南京 苏州 西安 天津 长沙 郑州 东莞 青岛 沈阳 宁波 "
    "昆明 佛山 合肥 无锡 厦门 福州 济南 大连 哈尔滨 温州 石家庄 南宁 长春 泉州 贵阳 南昌 金华 "
    "常州 嘉兴 南通 徐州 太原 珠海 中山 惠州 台州 烟台 兰州 绍兴 海口 乌鲁木齐 呼和浩特"
)
CITY_JUNK = ("null", "-", "N/A", "未知")  # what upstream systems write instead of NULL
BRANDS = _words(
    "apple 华为 小米 oppo vivo nike adidas 李宁 安踏 优衣库 zara 三只松鼠 良品铺子 百草味 "
    "美的 海尔 格力 戴森 索尼 兰蔻 雅诗兰黛 完美日记 欧莱雅 飞利浦 罗技 无印良品 宜家 南极人 "
    "波司登 lego"
)
PRODUCTS = _words(
    "手机 手机壳 耳机 充电宝 数据线 连衣裙 羽绒服 运动鞋 卫衣 t恤 牛仔裤 口红 面霜 精华 零食 "
    "坚果 电饭煲 吹风机 双肩包 保温杯 猫粮 狗粮 纸巾 洗发水 牙膏 台灯 键盘 鼠标 显示器 "
    "笔记本电脑 平板 手表"
)
MODIFIERS = (
    "",
    "男",
    "女",
    "2017新款",
    "冬季",
    "加厚",
    "正品",
    "官方旗舰店",
    "包邮",
    "128g",
    "儿童",
    "学生",
    "大码",
    "韩版",
    "无线",
    "蓝牙",
    "便携",
    "iphone x",
    "双十二",
    "礼盒",
)
WINDOW_START_S = 1_511_568_000  # 2017-11-25 00:00:00 UTC, the first day of the Taobao log
WINDOW_DAYS = 9
# Share of events per hour of day: quiet nights, a lunch bump, an evening peak.
HOURLY_WEIGHTS = (3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7, 6, 6, 6, 6, 6, 7, 8, 10, 11, 10, 6)


def data_path(rows: int, seed: int) -> Path:
    return DATA_DIR / f"behaviour_{rows}_seed{seed}.parquet"


def _zipf_cdf(n: int, exponent: float) -> Any:
    import numpy as np

    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


def _draw(rng: Any, cdf: Any, size: int) -> Any:
    """Ranks (0 = most popular) drawn by inverse CDF: much faster than rng.choice(p=...)."""
    import numpy as np

    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(cdf) - 1)


def _categorical(rng: Any, choices: tuple[tuple[str, float], ...], size: int) -> Any:
    import numpy as np

    shares = np.array([share for _, share in choices])
    return rng.choice(len(choices), size=size, p=shares / shares.sum())


def _strings(vocabulary: list[str] | tuple[str, ...], indices: Any, null_mask: Any = None) -> Any:
    """Plain (not dictionary-typed) string column from vocabulary indices, so pandas
    readers see object columns as they would in a real export."""
    import pyarrow as pa
    import pyarrow.compute as pc

    index_array = pa.array(indices.astype("int32"), mask=null_mask)
    return pc.take(pa.array(list(vocabulary), type=pa.string()), index_array)


def generate_behaviour_log(rows: int, seed: int, path: Path) -> None:
    """Write `rows` Taobao-like behaviour events to `path` (Parquet, snappy, 122,880-row groups).

    Scaled from the real log: one user per 100 events, one item per 25, 9,439 categories,
    all Zipf-popular; items keep one category and a log-normal base price; events fall in
    9 days with a day/night cycle and a 0.02% tail outside the window; a few NULLs and
    null-like tokens ("", "null", "-", "N/A") where exports usually have them.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    setup = np.random.default_rng([seed, 0])
    n_users = max(1_000, rows // 100)
    n_items = max(5_000, rows // 25)
    n_categories = 9_439
    sessions_per_user = 8
    user_ids = setup.choice(1_018_011, size=n_users, replace=False) + 1
    item_ids = setup.choice(5_163_070, size=n_items, replace=False) + 1
    category_ids = setup.choice(5_162_429, size=n_categories, replace=False) + 1
    item_category = category_ids[_draw(setup, _zipf_cdf(n_categories, 1.1), n_items)]
    item_price = np.round(setup.lognormal(mean=np.log(60.0), sigma=1.0, size=n_items), 2)
    session_tokens = [f"{x:016x}" for x in setup.integers(0, 2**63, size=n_users * sessions_per_user)]
    queries = sorted(f"{b} {p} {m}".strip() for b in BRANDS for p in PRODUCTS for m in MODIFIERS)
    queries = [queries[i] for i in setup.permutation(len(queries))]
    user_cdf = _zipf_cdf(n_users, 0.9)
    item_cdf = _zipf_cdf(n_items, 1.05)
    city_cdf = _zipf_cdf(len(CITIES), 0.9)
    query_cdf = _zipf_cdf(len(queries), 1.0)
    hours = np.array(HOURLY_WEIGHTS, dtype=np.float64)
    hour_p = hours / hours.sum()

    schema = pa.schema(
        [
            ("user_id", pa.int64()),
            ("item_id", pa.int64()),
            ("category_id", pa.int64()),
            ("behaviour_type", pa.string()),
            ("event_time", pa.timestamp("us")),
            ("session_id", pa.string()),
            ("device", pa.string()),
            ("channel", pa.string()),
            ("price", pa.float64()),
            ("quantity", pa.int32()),
            ("city", pa.string()),
            ("query", pa.string()),
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.partial")
    with pq.ParquetWriter(partial, schema, compression="snappy") as writer:
        for chunk_no, start in enumerate(range(0, rows, ROWS_PER_CHUNK), start=1):
            size = min(ROWS_PER_CHUNK, rows - start)
            rng = np.random.default_rng([seed, chunk_no])
            user_rank = _draw(rng, user_cdf, size)
            item_rank = _draw(rng, item_cdf, size)

            day = rng.integers(0, WINDOW_DAYS, size=size)
            stray = rng.random(size) < 0.0002  # clock-skewed clients, as in the real log
            day[stray] = rng.integers(-80, WINDOW_DAYS + 60, size=int(stray.sum()))
            hour = rng.choice(24, size=size, p=hour_p)
            seconds = WINDOW_START_S + day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, size=size)

            session = user_rank * sessions_per_user + rng.integers(0, sessions_per_user, size=size)
            channel = _categorical(rng, CHANNELS, size)
            is_search = channel == [name for name, _ in CHANNELS].index("search")

            price = item_price[item_rank] * (1.0 + rng.normal(0.0, 0.05, size=size))
            price = np.round(np.maximum(price, 0.01), 2)
            price[rng.random(size) < 0.0005] = 0.0  # free gifts
            price_null = rng.random(size) < 0.001

            city_index = _draw(rng, city_cdf, size)
            city_vocab = [*CITIES, *CITY_JUNK]
            junk = rng.random(size) < 0.003
            city_index[junk] = len(CITIES) + rng.integers(0, len(CITY_JUNK), size=int(junk.sum()))

            query_vocab = [*queries, ""]
            query_index = _draw(rng, query_cdf, size)
            query_index[rng.random(size) < 0.005] = len(queries)  # empty search box

            table = pa.table(
                {
                    "user_id": user_ids[user_rank],
                    "item_id": item_ids[item_rank],
                    "category_id": item_category[item_rank],
                    "behaviour_type": _strings(
                        [b for b, _ in BEHAVIOURS], _categorical(rng, BEHAVIOURS, size)
                    ),
                    "event_time": pa.array(seconds * 1_000_000, type=pa.timestamp("us")),
                    "session_id": _strings(session_tokens, session),
                    "device": _strings(
                        [d for d, _ in DEVICES], _categorical(rng, DEVICES, size), rng.random(size) < 0.002
                    ),
                    "channel": _strings([c for c, _ in CHANNELS], channel),
                    "price": pa.array(price, mask=price_null),
                    "quantity": pa.array(rng.geometric(0.8, size=size).astype("int32")),
                    "city": _strings(city_vocab, city_index, rng.random(size) < 0.01),
                    "query": _strings(query_vocab, query_index, ~is_search),
                },
                schema=schema,
            )
            writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
    partial.replace(path)


def ensure_data(rows: int, seed: int) -> Path:
    path = data_path(rows, seed)
    if not path.exists():
        started = time.perf_counter()
        print(f"generating {rows:,} rows (seed {seed}) -> {path.relative_to(BENCH_DIR.parent)}", flush=True)
        generate_behaviour_log(rows, seed, path)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    return path


# -- methods, each run in a child process ---------------------------------------------------


class Stopwatch:
    """Wall and CPU seconds of a block. CPU time counts every thread of this process and
    barely moves when neighbours load the machine, so its ratios are the steadier ones."""

    def __enter__(self) -> Stopwatch:
        self._wall = time.perf_counter()
        self._cpu = _cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = _cpu_seconds() - self._cpu


def _cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _stocktake_engine(path: Path) -> tuple[Any, Any, str]:
    """Engine and asset through the real connector; a hand-built engine while it is missing."""
    try:
        from stocktake.connectors import open_source

        connector = open_source(str(path))
        assets = connector.discover()
        return connector.engine(), assets[0], "open_source(...).discover()"
    except Exception as exc:  # the FilesConnector is still being written
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:120]
        engine, asset = _fallback_engine(path)
        return engine, asset, f"fallback engine ({reason})"


def _logical_type(duckdb_type: str) -> str:
    t = duckdb_type.upper()
    if t in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    }:
        return "integer"
    if t in {"FLOAT", "DOUBLE", "REAL"}:
        return "float"
    if t.startswith("DECIMAL"):
        return "decimal"
    if t == "VARCHAR":
        return "string"
    if t == "BOOLEAN":
        return "boolean"
    if t.startswith("TIMESTAMP"):
        return "timestamp"
    if t == "DATE":
        return "date"
    return "other"


def _fallback_engine(path: Path) -> tuple[Any, Any]:
    import duckdb
    import pyarrow.parquet as pq

    from stocktake.core.records import Asset, ColumnSchema
    from stocktake.engines.duckdb import DuckDBEngine

    conn = _quiet_connection(duckdb)
    view = "bench_rel"
    conn.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet('{path}')")
    described = conn.execute(f"DESCRIBE {view}").fetchall()
    columns = [
        ColumnSchema(name=name, engine_type=type_, logical_type=_logical_type(type_))  # type: ignore[arg-type]
        for name, type_, *_ in described
    ]
    asset = Asset(
        id=f"bench/{path.stem}",
        name=path.stem,
        source="bench",
        format="parquet",
        location=str(path),
        columns=columns,
        row_count=pq.read_metadata(path).num_rows,  # what a files connector reads from the footer
        byte_size=path.stat().st_size,
    )
    return DuckDBEngine(conn, {asset.id: view}), asset


def query_kind(sql: str) -> str:
    """Which profiling pass issued `sql` (matches the SQL in stocktake.engines.profiling)."""
    if " AS m0" in sql:
        return "aggregate pass"
    if "regexp_replace" in sql:
        return "patterns (sample)"
    if " AS token" in sql:
        return "null-like breakdown"
    if " AS d, COUNT(*)" in sql:
        return "per-day counts"
    if " AS v, COUNT(*)" in sql:
        return "top-k GROUP BY"
    if " OFFSET " in sql:
        return "offset quantiles"
    if sql.startswith("SELECT COUNT(*) FROM"):
        return "row count"
    return "other"


def _preimport_stocktake() -> None:
    import importlib

    # Imports are a fixed cost outside the clock, as `import duckdb` is for the other methods.
    for module in ("stocktake.connectors", "stocktake.connectors.files", "stocktake.engines.duckdb"):
        # A connector that fails to import is reported by _stocktake_engine.
        with contextlib.suppress(Exception):
            importlib.import_module(module)


def _trace_queries(engine: Any) -> list[dict[str, Any]]:
    """Log every statement the engine runs with its wall and CPU seconds."""
    queries: list[dict[str, Any]] = []
    untraced = engine.execute

    def traced(sql: str, params: Any = ()) -> Any:
        with Stopwatch() as watch:
            out = untraced(sql, params)
        queries.append({"kind": query_kind(sql), "seconds": watch.wall, "cpu_s": watch.cpu, "sql": sql})
        return out

    engine.execute = traced
    return queries


def run_stocktake(path: Path, trace: bool) -> dict[str, Any]:
    from stocktake.engines.profiling import profile_asset

    _preimport_stocktake()
    with Stopwatch() as total:
        with Stopwatch() as opening:
            engine, asset, how = _stocktake_engine(path)
        queries = _trace_queries(engine) if trace else []
        profiles = profile_asset(engine, asset)
    return {
        "seconds": total.wall,
        "cpu_s": total.cpu,
        "open_s": opening.wall,
        "how": how,
        "columns": len(profiles),
        "rows": asset.row_count,
        "approx": any(not p.distinct_exact for p in profiles),
        "queries": queries,
    }


def _quiet_connection(duckdb: Any) -> Any:
    # As the files connector does: no progress bar drawn to stderr on long queries.
    conn = duckdb.connect()
    conn.execute("SET enable_progress_bar = false")
    return conn


def summarize_sql(path: Path) -> str:
    return f"SUMMARIZE SELECT * FROM read_parquet('{path}')"


def handwritten_sql(path: Path, conn: Any) -> str:
    """One scan computing SUMMARIZE's basic metrics over every column."""
    relation = f"read_parquet('{path}')"
    items = ["COUNT(*)"]
    for name, type_, *_ in conn.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall():
        q = '"' + name.replace('"', '""') + '"'
        kind = _logical_type(type_)
        items += [f"COUNT({q})", f"APPROX_COUNT_DISTINCT({q})", f"MIN({q})", f"MAX({q})"]
        if kind in {"integer", "float", "decimal"}:
            items += [f"AVG({q})", f"STDDEV_SAMP({q})"]
        if kind in {"integer", "float", "decimal", "timestamp", "date"}:
            items.append(f"APPROX_QUANTILE({q}, [0.25, 0.5, 0.75])")
    return f"SELECT {', '.join(items)} FROM {relation}"


def run_summarize(path: Path) -> dict[str, Any]:
    import duckdb

    with Stopwatch() as watch:
        rows = _quiet_connection(duckdb).execute(summarize_sql(path)).fetchall()
    return {"seconds": watch.wall, "cpu_s": watch.cpu, "columns": len(rows)}


def run_handwritten(path: Path) -> dict[str, Any]:
    import duckdb

    with Stopwatch() as watch:
        conn = _quiet_connection(duckdb)
        row = conn.execute(handwritten_sql(path, conn)).fetchone()
    return {"seconds": watch.wall, "cpu_s": watch.cpu, "values": len(row or ())}


# -- explore: alternative formulations, timed side by side in one process ------------------------


def without_items(aggregate_sql: str, *needles: str) -> str:
    """The aggregate pass minus the select items that contain any of `needles`."""
    head, _, tail = aggregate_sql.partition("SELECT ")
    body, _, relation = tail.rpartition(" FROM ")
    items = [i for i in re.split(r" AS m\d+(?:, |$)", body) if i]
    kept = [i for i in items if not any(n in i for n in needles)]
    return head + "SELECT " + ", ".join(f"{e} AS m{k}" for k, e in enumerate(kept)) + " FROM " + relation


def grouping_sets_sql(relation: str, columns: list[Any]) -> str:
    """Every column's top 10 values from one scan with GROUPING SETS."""
    names = [_quote(c.name) for c in columns]
    keys = ", ".join(f"CAST({n} AS VARCHAR)" for n in names)
    return (
        f"SELECT gid, COALESCE({keys}) AS v, n FROM ("
        f"SELECT GROUPING({', '.join(names)}) AS gid, {', '.join(names)}, COUNT(*) AS n FROM {relation} "
        f"GROUP BY GROUPING SETS ({', '.join(f'({n})' for n in names)})) "
        f"QUALIFY ROW_NUMBER() OVER (PARTITION BY gid ORDER BY n DESC) <= 10"
    )


def combined_column_sql(engine: Any, relation: str, column: Any, pattern_groups: int = 100_000) -> str:
    """One GROUP BY per column, and everything that needs the value distribution read from
    its groups rather than from the rows: top-k, exact distinct, null-like tokens, value
    shapes (over up to `pattern_groups` groups, weighted by count), exact quantiles
    (percentile_disc over cumulative counts) and per-day counts."""
    from stocktake.core.vocab import NULL_LIKE_TOKENS, PROFILE_QUANTILES

    q = _quote(column.name)
    lt = column.logical_type
    parts = [
        "(SELECT 'top' AS part, CAST(v AS VARCHAR) AS k, n FROM g ORDER BY n DESC, v LIMIT 10)",
        "(SELECT 'distinct', NULL, COUNT(*) FROM g)",
    ]
    if lt == "string":
        tokens = ", ".join("'" + t.replace("'", "''") + "'" for t in NULL_LIKE_TOKENS)
        parts.append(
            f"(SELECT 'null_like', LOWER(TRIM(v)), SUM(n) FROM g WHERE LOWER(TRIM(v)) IN ({tokens}) GROUP BY 2)"
        )
        parts.append(
            f"(SELECT 'pattern', p, SUM(n) FROM (SELECT {engine.pattern_expr('v')} AS p, n FROM "
            f"(SELECT v, n FROM g LIMIT {pattern_groups})) GROUP BY p ORDER BY 3 DESC, 2 LIMIT 10)"
        )
    if lt in {"integer", "float", "decimal"}:
        qs = ", ".join(repr(x) for x in PROFILE_QUANTILES)
        parts.append(
            "(SELECT 'q' || CAST(x AS VARCHAR), CAST(MIN(v) AS VARCHAR), NULL FROM "
            "(SELECT v, SUM(n) OVER (ORDER BY v) AS cum, SUM(n) OVER () AS total FROM g), "
            f"(SELECT UNNEST([{qs}]) AS x) WHERE cum >= CEIL(ROUND(x * total, 9)) GROUP BY x)"
        )
    if lt in {"date", "timestamp"}:
        parts.append("(SELECT 'day', CAST(CAST(v AS DATE) AS VARCHAR), SUM(n) FROM g GROUP BY 2 ORDER BY 2)")
    grouped = f"SELECT {q} AS v, COUNT(*) AS n FROM {relation} WHERE {q} IS NOT NULL GROUP BY {q}"
    return f"WITH g AS MATERIALIZED ({grouped}) " + " UNION ALL ".join(parts)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def run_explore(path: Path, repeat: int) -> dict[str, Any]:
    """Replay each kind of query Stocktake issues, then alternatives, best of `repeat`."""
    from stocktake.engines.profiling import profile_asset

    _preimport_stocktake()
    engine, asset, how = _stocktake_engine(path)
    queries = _trace_queries(engine)
    profile_asset(engine, asset)  # also warms the page cache and DuckDB's metadata cache
    del engine.execute  # stop tracing: the class method shows through again
    by_kind: dict[str, list[str]] = {}
    for q in queries:
        by_kind.setdefault(q["kind"], []).append(q["sql"])
    aggregate = by_kind["aggregate pass"][0]
    relation = engine.relation(asset)
    columns = [c for c in asset.columns if c.logical_type not in {"binary", "other"}]
    distinct = ("COUNT_DISTINCT", "COUNT(DISTINCT")
    lean = without_items(aggregate, "LOWER(TRIM(", "QUANTILE")
    variants: dict[str, list[str]] = {
        **{f"as issued: {kind}": sqls for kind, sqls in by_kind.items()},
        "aggregate pass without null-like LOWER(TRIM()) items": [without_items(aggregate, "LOWER(TRIM(")],
        "aggregate pass without quantile items": [without_items(aggregate, "QUANTILE")],
        "aggregate pass without distinct-count items": [without_items(aggregate, *distinct)],
        "lean aggregate pass (no null-like, no quantiles)": [lean],
        "leaner aggregate pass (no null-like, no quantiles, no distinct)": [without_items(lean, *distinct)],
        "top-k as one GROUPING SETS query": [grouping_sets_sql(relation, columns)],
        "top-k as APPROX_TOP_K in one scan": [
            "SELECT "
            + ", ".join(f"APPROX_TOP_K({_quote(c.name)}, 10)" for c in columns)
            + f" FROM {relation}"
        ],
        "top-k GROUP BYs without the timestamp columns": [
            s
            for s in by_kind.get("top-k GROUP BY", [])
            if not any(_quote(c.name) in s for c in columns if c.logical_type == "timestamp")
        ],
        "combined per-column GROUP BYs": [combined_column_sql(engine, relation, c) for c in columns],
        "DuckDB SUMMARIZE": [summarize_sql(path)],
        "hand-written 1-scan aggregate": [handwritten_sql(path, engine.conn)],
    }
    timings: dict[str, dict[str, float]] = {}
    for _ in range(repeat):
        for name, sqls in variants.items():
            with Stopwatch() as watch:
                for sql in sqls:
                    engine.execute(sql)
            best = timings.setdefault(name, {"seconds": watch.wall, "cpu_s": watch.cpu, "queries": len(sqls)})
            best["seconds"] = min(best["seconds"], watch.wall)
            best["cpu_s"] = min(best["cpu_s"], watch.cpu)
    return {"seconds": 0.0, "cpu_s": 0.0, "how": how, "variants": timings, "lean_sql": lean}


def child_main(method: str, path: Path, trace: bool, repeat: int) -> None:
    import duckdb

    threads = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()
    if method == "stocktake":
        result = run_stocktake(path, trace)
    elif method == "summarize":
        result = run_summarize(path)
    elif method == "handwritten":
        result = run_handwritten(path)
    elif method == "explore":
        result = run_explore(path, repeat)
    else:
        raise SystemExit(f"unknown method {method}")
    result["duckdb_threads"] = threads[0] if threads else None
    result["duckdb_version"] = duckdb.__version__
    print("RESULT " + json.dumps(result, default=str), flush=True)


# -- the parent: spawn, measure, report -----------------------------------------------------


@dataclass
class Measurement:
    rows: int
    method: str
    seconds: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu_s)


def spawn(argv: list[str]) -> tuple[dict[str, Any], float]:
    """Run one child; return its RESULT line and its own peak RSS in MiB (wait4, not the
    cumulative RUSAGE_CHILDREN, so each figure belongs to that child alone)."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=BENCH_DIR.parent)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped; tell Popen
        out.seek(0)
        text = out.read()
    lines = [ln for ln in text.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(argv[:3])} ... failed (exit {proc.returncode}):\n{text[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :]), usage.ru_maxrss / 1024  # KiB on Linux


def child_argv(method: str, path: Path, trace: bool = False, repeat: int = 1) -> list[str]:
    if method == "ydata":
        return [str(YDATA_PYTHON), str(YDATA_SCRIPT), str(path)]
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", method, "--path", str(path)]
    argv += ["--repeat", str(repeat)]
    return [*argv, "--trace"] if trace else argv


def measure(rows_list: list[int], seed: int, repeat: int, skip_ydata: bool) -> list[Measurement]:
    results: list[Measurement] = []
    for rows in rows_list:
        path = ensure_data(rows, seed)
        plan = [Measurement(rows, m) for m in METHODS]
        for m in plan:
            if m.method != "ydata":
                continue
            if skip_ydata:
                m.skipped = "--skip-ydata"
            elif rows > YDATA_MAX_ROWS:
                m.skipped = f"only run up to {YDATA_MAX_ROWS:,} rows"
            elif not YDATA_PYTHON.exists():
                m.skipped = f"no venv at {YDATA_PYTHON.parent.parent.relative_to(BENCH_DIR.parent)} (see benchmarks/README.md)"
            if m.skipped:
                print(f"  skip ydata-profiling on {rows:,} rows: {m.skipped}", flush=True)
        # Round-robin over methods so a noisy neighbour hurts every method alike.
        for attempt in range(1, repeat + 1):
            for m in plan:
                if m.skipped:
                    continue
                details, rss = spawn(child_argv(m.method, path))
                m.seconds.append(float(details["seconds"]))
                m.cpu_s.append(float(details.get("cpu_s", "nan")))
                m.peak_rss_mib.append(rss)
                m.details = details
                print(
                    f"  {rows:>11,}  {METHOD_LABELS[m.method]:<30} try {attempt}: "
                    f"{details['seconds']:7.2f} s wall {m.cpu_s[-1]:7.2f} s CPU {rss:6.0f} MiB",
                    flush=True,
                )
        results += plan
    return results


def _ratio(value: float, reference: float | None) -> str:
    return "-" if not reference else f"{value / reference:.2f}x"


def print_table(results: list[Measurement], repeat: int) -> None:
    print(
        f"\n| rows | method | wall s (best of {repeat}) | CPU s | wall vs SUMMARIZE | wall vs hand-written "
        "| CPU vs SUMMARIZE | CPU vs hand-written | peak RSS MiB |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for m in results:
        if m.skipped:
            print(f"| {m.rows:,} | {METHOD_LABELS[m.method]} | skipped: {m.skipped} | | | | | | |")
            continue
        same = {r.method: r for r in results if r.rows == m.rows and r.seconds}
        summ, hand = same.get("summarize"), same.get("handwritten")
        print(
            f"| {m.rows:,} | {METHOD_LABELS[m.method]} | {m.best:.2f} | {m.best_cpu:.2f} | "
            f"{_ratio(m.best, summ and summ.best)} | {_ratio(m.best, hand and hand.best)} | "
            f"{_ratio(m.best_cpu, summ and summ.best_cpu)} | {_ratio(m.best_cpu, hand and hand.best_cpu)} | "
            f"{max(m.peak_rss_mib):.0f} |"
        )


def print_targets(results: list[Measurement]) -> None:
    def get(rows: int, method: str) -> Measurement | None:
        found = [m for m in results if m.rows == rows and m.method == method and m.seconds]
        return found[0] if found else None

    print("\ntargets (wall; CPU in brackets):")
    largest = max(m.rows for m in results)
    st, summ, hand = get(largest, "stocktake"), get(largest, "summarize"), get(largest, "handwritten")
    if st and summ and hand:
        wall, cpu = st.best / summ.best, st.best_cpu / summ.best_cpu
        print(
            f"  {largest:,} rows: Stocktake / SUMMARIZE = {wall:.2f} ({cpu:.2f}), target <= 1.00: {_ok(wall <= 1)}"
        )
        wall, cpu = st.best / hand.best, st.best_cpu / hand.best_cpu
        print(
            f"  {largest:,} rows: Stocktake / hand-written = {wall:.2f} ({cpu:.2f}), target <= 1.50: {_ok(wall <= 1.5)}"
        )
    for rows in sorted({m.rows for m in results}):
        st, yd = get(rows, "stocktake"), get(rows, "ydata")
        if st and yd:
            wall, cpu = yd.best / st.best, yd.best_cpu / st.best_cpu
            print(
                f"  {rows:,} rows: ydata minimal / Stocktake = {wall:.1f}x ({cpu:.1f}x), target >= 20x: {_ok(wall >= 20)}"
            )


def _ok(flag: bool) -> str:
    return "met" if flag else "MISSED"


def print_breakdown(rows: int, seed: int) -> dict[str, Any]:
    """One traced Stocktake run: seconds per query kind and the slowest queries."""
    details, _ = spawn(child_argv("stocktake", data_path(rows, seed), trace=True))
    queries = details["queries"]
    total = details["seconds"]
    print(f"\nwhere Stocktake's time goes, {rows:,} rows ({details['how']}; total {total:.2f} s wall):")
    kinds: dict[str, list[dict[str, Any]]] = {}
    for q in queries:
        kinds.setdefault(q["kind"], []).append(q)
    print("| query kind | queries | wall s | CPU s | share of wall |")
    print("|---|---:|---:|---:|---:|")
    for kind, qs in sorted(kinds.items(), key=lambda kv: -sum(q["seconds"] for q in kv[1])):
        wall = sum(q["seconds"] for q in qs)
        print(f"| {kind} | {len(qs)} | {wall:.2f} | {sum(q['cpu_s'] for q in qs):.2f} | {wall / total:.0%} |")
    outside = total - sum(q["seconds"] for q in queries)
    print(f"| (open + discover + Python) | | {outside:.2f} | | {outside / total:.0%} |")
    print("slowest queries:")
    for q in sorted(queries, key=lambda q: -q["seconds"])[:8]:
        column = re.search(r'"([^"]+)"', q["sql"][q["sql"].find("SELECT") :])
        label = "all columns" if q["kind"] == "aggregate pass" else (column.group(1) if column else "")
        print(f"  {q['seconds']:6.2f} s  {q['kind']:<20} {label}")
    return details


def print_explore(rows: int, seed: int, repeat: int) -> dict[str, Any]:
    details, _ = spawn(child_argv("explore", data_path(rows, seed), repeat=repeat))
    v = details["variants"]
    summ = v["DuckDB SUMMARIZE"]
    issued = [t for name, t in v.items() if name.startswith("as issued: ")]
    v["= Stocktake as issued (sum of its passes)"] = {
        "seconds": sum(t["seconds"] for t in issued),
        "cpu_s": sum(t["cpu_s"] for t in issued),
        "queries": sum(int(t["queries"]) for t in issued),
    }
    lean, combined = v["lean aggregate pass (no null-like, no quantiles)"], v["combined per-column GROUP BYs"]
    v["= prototype: lean aggregate pass + combined per-column GROUP BYs"] = {
        "seconds": lean["seconds"] + combined["seconds"],
        "cpu_s": lean["cpu_s"] + combined["cpu_s"],
        "queries": 1 + int(combined["queries"]),
    }
    leaner = v["leaner aggregate pass (no null-like, no quantiles, no distinct)"]
    v["= prototype, exact distinct from the groups: leaner pass + combined GROUP BYs"] = {
        "seconds": leaner["seconds"] + combined["seconds"],
        "cpu_s": leaner["cpu_s"] + combined["cpu_s"],
        "queries": 1 + int(combined["queries"]),
    }
    print(f"\nalternatives, {rows:,} rows, one process, best of {repeat} ({details['how']}):")
    print("| variant | queries | wall s | CPU s | CPU vs SUMMARIZE |")
    print("|---|---:|---:|---:|---:|")
    for name, t in v.items():
        print(
            f"| {name} | {t['queries']} | {t['seconds']:.2f} | {t['cpu_s']:.2f} | {_ratio(t['cpu_s'], summ['cpu_s'])} |"
        )
    return details


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated row counts")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; the best counts")
    parser.add_argument("--seed", type=int, default=20171125)
    parser.add_argument("--skip-ydata", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="also time each query Stocktake issues")
    parser.add_argument(
        "--explore",
        action="store_true",
        help="also time alternative SQL for each pass (one process per size)",
    )
    parser.add_argument("--only-explore", action="store_true", help="run --explore and nothing else")
    parser.add_argument("--json", type=Path, help="write the raw measurements here")
    parser.add_argument(
        "--child", choices=["stocktake", "summarize", "handwritten", "explore"], help=argparse.SUPPRESS
    )
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    repeat = max(1, args.repeat)
    if args.child:
        child_main(args.child, args.path, args.trace, repeat)
        return

    rows_list = [int(r.replace("_", "")) for r in args.rows.split(",") if r.strip()]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}, "
        f"DuckDB default threads; every method in a fresh subprocess"
    )
    raw: dict[str, Any] = {}
    if not args.only_explore:
        results = measure(rows_list, args.seed, repeat, args.skip_ydata)
        stocktake_how = {m.details.get("how") for m in results if m.method == "stocktake" and m.details}
        threads = {m.details.get("duckdb_threads") for m in results if m.details.get("duckdb_threads")}
        print(
            f"\nStocktake engine via: {', '.join(sorted(map(str, stocktake_how)))}; DuckDB threads: {threads}"
        )
        print_table(results, repeat)
        print_targets(results)
        raw["results"] = [m.__dict__ for m in results]
    if args.breakdown:
        raw["breakdowns"] = {rows: print_breakdown(rows, args.seed) for rows in rows_list}
    if args.explore or args.only_explore:
        for rows in rows_list:
            ensure_data(rows, args.seed)
            raw.setdefault("explore", {})[rows] = print_explore(rows, args.seed, repeat)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1, default=str))


if __name__ == "__main__":
    main()
