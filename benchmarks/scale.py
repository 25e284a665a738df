"""Scale benchmarks: how profiling cost grows with rows, DuckDB vs Spark local, PostgreSQL push-down,
and encoder throughput per scoring path.

    nice -n 10 .venv/bin/python benchmarks/scale.py                        # everything
    .venv/bin/python benchmarks/scale.py --parts duckdb --rows 1000000,10000000,50000000
    .venv/bin/python benchmarks/scale.py --parts spark,postgres,encoder --json benchmarks/_data/scale.json

Parts (each measurement in a fresh child process; peak RSS from os.wait4 of that child, plus the
Spark JVM's own VmHWM, since the JVM is a separate process):

- duckdb:   Stocktake's full profile vs DuckDB SUMMARIZE vs a hand-written single-scan aggregate
            on generated behaviour logs (benchmarks/profile_columns.py's generator and methods), per size;
            cost per row and its growth from the smallest to the largest size.
- spark:    the same Stocktake profile through `--engine spark` (local[*]) on the 10M-row file,
            against DuckDB on the same file.
- postgres: a behaviour-log table in PostgreSQL (1M and 5M rows): Stocktake's pushed-down
            profile vs `pandas.read_sql` + a pandas profile vs one hand-written aggregate query;
            wall time and *client* peak RSS (the server's memory is not the client's).
- encoder:  texts/s of the fast (model2vec) encoder over a column streamed as Arrow record
            batches from DuckDB and through Spark mapInArrow, against encoding a Python list.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
POSTGRES_URL = os.environ.get("STOCKTAKE_TEST_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
PG_SCHEMA = "stocktake_bench"
SEED = 20171125


def _profile_module() -> Any:
    """benchmarks/profile_columns.py (its generator and methods), loaded under another name."""
    spec = importlib.util.spec_from_file_location("stocktake_bench_profile", BENCH_DIR / "profile_columns.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


P = _profile_module()


def ensure_data(rows: int) -> Path:
    """Generate the behaviour log in a child process: a parent that held the generated arrays
    would pass its peak RSS on to every child it forks (Linux keeps ru_maxrss across exec)."""
    path = P.data_path(rows, SEED)
    if not path.exists():
        code = f"import sys; sys.argv = ['scale.py']; from scale import P; P.ensure_data({rows}, {SEED})"
        subprocess.run([sys.executable, "-c", code], check=True, cwd=BENCH_DIR)
    return path


def spawn(argv: list[str]) -> tuple[dict[str, Any], float]:
    return P.spawn(argv)  # RESULT line + peak RSS (MiB) of that child alone


def child(method: str, **kwargs: Any) -> list[str]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", method]
    for key, value in kwargs.items():
        argv += [f"--{key.replace('_', '-')}", str(value)]
    return argv


def _vm_hwm_mib(pid: int) -> float | None:
    """Peak resident set of another process (the Spark JVM), from /proc."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"VmHWM:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else None


def _jvm_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of another process (the Spark JVM), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _with_own_peak(result: dict[str, Any]) -> dict[str, Any]:
    """Add this process's own peak RSS (VmHWM starts afresh at exec, unlike a forked ru_maxrss)."""
    result["own_peak_rss_mib"] = _vm_hwm_mib(os.getpid())
    return result


# -- children ------------------------------------------------------------------------------------


def run_spark(path: Path) -> dict[str, Any]:
    from stocktake.connectors import open_source
    from stocktake.engines.profiling import profile_asset
    from stocktake.engines.spark import spark_engine_for_files
    from stocktake.engines.spark.session import spark_session

    with P.Stopwatch() as start:
        session = spark_session()
    with P.Stopwatch() as total:
        connector = open_source(str(path))
        (asset,) = connector.discover()
        engine = spark_engine_for_files(connector, [asset])
        profiles = profile_asset(engine, asset)
    jvm = session.sparkContext._gateway.proc.pid  # the local JVM py4j started
    return {
        "jvm_cpu_s": _jvm_cpu_s(jvm),  # includes the session start and JIT warm-up
        "seconds": total.wall,
        "cpu_s": total.cpu,  # the Python side only; the JVM's CPU is not counted here
        "session_start_s": start.wall,
        "jvm_peak_rss_mib": _vm_hwm_mib(jvm),
        "columns": len(profiles),
        "master": session.sparkContext.master,
        "spark_version": session.version,
        "distinct_exact": all(p.distinct_exact for p in profiles),
    }


def _pg_session_settings(workers: int | None) -> str:
    """`SET` statements for a benchmark session: both methods run under the same settings."""
    return "" if workers is None else f"SET max_parallel_workers_per_gather = {workers}"


def run_pg_stocktake(table: str, workers: int | None) -> dict[str, Any]:
    import sqlalchemy

    from stocktake.connectors import open_source
    from stocktake.engines.profiling import profile_asset

    with P.Stopwatch() as total:
        connector = open_source(f"{POSTGRES_URL}?schema={PG_SCHEMA}")
        engine = connector.engine()
        if settings := _pg_session_settings(workers):

            def apply(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute(settings)
                dbapi_conn.commit()

            sqlalchemy.event.listen(engine.sa_engine, "connect", apply)
            engine.sa_engine.dispose()  # the connector's first connection predates the listener
        (asset,) = [a for a in connector.discover() if a.name == table]
        profiles = profile_asset(engine, asset)
    return {"seconds": total.wall, "cpu_s": total.cpu, "columns": len(profiles), "rows": asset.row_count}


def run_pg_pandas(table: str) -> dict[str, Any]:
    """What a notebook does: pull the table into pandas, then profile it there."""
    import pandas as pd
    import sqlalchemy

    url = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    with P.Stopwatch() as total:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as conn:
            frame = pd.read_sql(f'SELECT * FROM {PG_SCHEMA}."{table}"', conn)
        with P.Stopwatch() as profiling:
            out: dict[str, Any] = {}
            for name in frame.columns:
                col = frame[name]
                out[name] = {
                    "nulls": int(col.isna().sum()),
                    "distinct": int(col.nunique()),
                    "top": col.value_counts().head(10).to_dict(),
                }
                if pd.api.types.is_numeric_dtype(col):
                    out[name]["describe"] = col.describe(percentiles=[0.05, 0.25, 0.5, 0.75, 0.95]).to_dict()
                else:
                    out[name]["minmax"] = (str(col.dropna().min()), str(col.dropna().max()))
    return {"seconds": total.wall, "cpu_s": total.cpu, "profile_s": profiling.wall, "rows": len(frame)}


def pg_handwritten_sql(table: str, columns: list[tuple[str, str]]) -> str:
    """One scan with SUMMARIZE's basic metrics, as an analyst would write it for PostgreSQL."""
    items = ["COUNT(*)"]
    for name, type_ in columns:
        q = f'"{name}"'
        items += [f"COUNT({q})", f"COUNT(DISTINCT {q})", f"MIN({q})", f"MAX({q})"]
        if type_ in {"integer", "bigint", "double precision", "numeric", "smallint", "real"}:
            items += [f"AVG({q})", f"STDDEV_SAMP({q})"]
            items += [f"PERCENTILE_DISC({x}) WITHIN GROUP (ORDER BY {q})" for x in (0.25, 0.5, 0.75)]
    return f'SELECT {", ".join(items)} FROM {PG_SCHEMA}."{table}"'


def run_pg_handwritten(table: str, workers: int | None) -> dict[str, Any]:
    import psycopg

    with P.Stopwatch() as total, psycopg.connect(POSTGRES_URL) as conn:
        if settings := _pg_session_settings(workers):
            conn.execute(settings)
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (PG_SCHEMA, table),
        ).fetchall()
        row = conn.execute(pg_handwritten_sql(table, columns)).fetchone()
    return {"seconds": total.wall, "cpu_s": total.cpu, "values": len(row or ())}


def run_encoder(path: Path, method: str, rows: int) -> dict[str, Any]:
    import duckdb

    from stocktake.models.batch_scoring import encode_relation
    from stocktake.models.encoder import Encoder

    # Search-log strings (query, city, channel): nearly all distinct at 1M rows, as titles are.
    text = "concat_ws(' ', query, city, channel)"
    relation = f"(SELECT {text} AS text FROM read_parquet('{path}') LIMIT {rows})"
    encoder = Encoder(mode="fast")
    encoder.encode(["warm up"])  # load (or distil) the static model outside the clock
    if method == "list":
        with P.Stopwatch() as watch:
            texts = [r[0] for r in duckdb.connect().execute(f"SELECT * FROM {relation}").fetchall()]
            vectors = encoder.encode(texts)
        return {"seconds": watch.wall, "cpu_s": watch.cpu, "texts": len(texts), "dim": int(vectors.shape[1])}
    if method == "duckdb-batches":
        with P.Stopwatch() as watch:
            stats = encode_relation(duckdb.connect(), relation, "text", encoder)
        return {"seconds": watch.wall, "cpu_s": watch.cpu, "texts": stats.rows, "batches": stats.batches}
    from stocktake.engines.spark.scoring import encode_column
    from stocktake.engines.spark.session import spark_session

    session = spark_session()
    frame = session.read.parquet(str(path)).selectExpr(f"{text} AS text").limit(rows)
    frame = frame.cache()
    frame.count()  # read outside the clock, as the other paths read from a warm page cache
    with P.Stopwatch() as watch:
        scored = encode_column(frame, "text", mode="fast")
        texts = scored.count()
    return {"seconds": watch.wall, "cpu_s": watch.cpu, "texts": texts}


def child_main(args: argparse.Namespace) -> None:
    if args.child == "spark":
        result = run_spark(Path(args.path))
    elif args.child == "pg-stocktake":
        result = run_pg_stocktake(args.table, args.pg_parallel_workers)
    elif args.child == "pg-pandas":
        result = run_pg_pandas(args.table)
    elif args.child == "pg-handwritten":
        result = run_pg_handwritten(args.table, args.pg_parallel_workers)
    elif args.child.startswith("encoder-"):
        result = run_encoder(Path(args.path), args.child.removeprefix("encoder-"), args.texts)
    else:
        raise SystemExit(f"unknown child {args.child}")
    print("RESULT " + json.dumps(_with_own_peak(result), default=str), flush=True)


# -- parts -----------------------------------------------------------------------------------------


def part_duckdb(rows_list: list[int], repeat: int) -> list[dict[str, Any]]:
    out = []
    for rows in rows_list:
        path = ensure_data(rows)
        for attempt in range(repeat):
            for method in ("stocktake", "summarize", "handwritten"):
                details, rss = spawn(P.child_argv(method, path))
                out.append(
                    {
                        "part": "duckdb",
                        "rows": rows,
                        "method": method,
                        "try": attempt + 1,
                        "seconds": details["seconds"],
                        "cpu_s": details["cpu_s"],
                        "peak_rss_mib": rss,
                    }
                )
                print(
                    f"  duckdb {rows:>11,} {method:<12} {details['seconds']:8.2f} s {details['cpu_s']:8.2f} CPU s "
                    f"{rss:7.0f} MiB",
                    flush=True,
                )
    return out


def part_spark(rows: int) -> list[dict[str, Any]]:
    path = ensure_data(rows)
    details, rss = spawn(child("spark", path=path))
    duck, duck_rss = spawn(P.child_argv("stocktake", path))
    print(
        f"  spark  {rows:>11,} {details['seconds']:8.2f} s (session {details['session_start_s']:.1f} s) "
        f"python {rss:.0f} MiB, JVM {details['jvm_peak_rss_mib']} MiB; duckdb {duck['seconds']:.2f} s",
        flush=True,
    )
    return [
        {"part": "spark", "rows": rows, "method": "stocktake-spark", **details, "peak_rss_mib": rss},
        {
            "part": "spark",
            "rows": rows,
            "method": "stocktake-duckdb",
            "seconds": duck["seconds"],
            "cpu_s": duck["cpu_s"],
            "peak_rss_mib": duck_rss,
        },
    ]


def load_postgres(rows_list: list[int]) -> None:
    """Behaviour-log tables bench_<rows> in schema stocktake_bench, loaded once with COPY."""
    import psycopg
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    biggest = max(rows_list)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
        present = {
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (PG_SCHEMA,)
            )
        }
        if f"bench_{biggest}" not in present:
            path = ensure_data(biggest)
            parquet = pq.ParquetFile(path)
            ddl = ", ".join(f'"{f.name}" {_pg_type(str(f.type))}' for f in parquet.schema_arrow)
            conn.execute(f'CREATE TABLE {PG_SCHEMA}."bench_{biggest}" ({ddl})')
            started = time.perf_counter()
            with conn.cursor().copy(f'COPY {PG_SCHEMA}."bench_{biggest}" FROM STDIN (FORMAT csv)') as copy:
                for batch in parquet.iter_batches(batch_size=200_000):
                    buffer = io.BytesIO()
                    pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
                    copy.write(buffer.getvalue())
            conn.execute(f'ANALYZE {PG_SCHEMA}."bench_{biggest}"')
            print(
                f"  loaded {biggest:,} rows into PostgreSQL in {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        for rows in rows_list:
            if rows != biggest and f"bench_{rows}" not in present:
                conn.execute(
                    f'CREATE TABLE {PG_SCHEMA}."bench_{rows}" AS '
                    f'SELECT * FROM {PG_SCHEMA}."bench_{biggest}" LIMIT {rows}'
                )
                conn.execute(f'ANALYZE {PG_SCHEMA}."bench_{rows}"')


def _pg_type(arrow_type: str) -> str:
    if arrow_type.startswith("timestamp"):
        return "timestamp"
    return {
        "int64": "bigint",
        "int32": "integer",
        "int16": "smallint",
        "int8": "smallint",
        "double": "double precision",
        "float": "real",
        "bool": "boolean",
        "date32[day]": "date",
    }.get(arrow_type, "text")


def pg_server_cpu_s() -> float | None:
    """CPU seconds spent so far by the local PostgreSQL server: every live `postgres` process,
    plus what its exited children (backends, parallel workers) left in the postmaster's
    cutime/cstime. The server's work is most of a push-down's cost and steadier than wall time
    on a shared machine; None when the server is not local or /proc is not readable."""
    tick = os.sysconf("SC_CLK_TCK")
    total, seen = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if not head.split("(", 1)[-1].startswith("postgres"):
            continue
        fields = rest.split()  # fields[0] is the state (field 3 of proc(5))
        # own utime + stime, then cutime + cstime of the children it reaped
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
        seen = True
    return total / tick if seen else None


def part_postgres(rows_list: list[int], pandas_rows: set[int], workers: int | None) -> list[dict[str, Any]]:
    # Loading runs in a child too, so this process stays small for the children it forks.
    code = (
        f"import sys; sys.argv = ['scale.py']; from scale import load_postgres; load_postgres({rows_list!r})"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=BENCH_DIR)
    extra = {} if workers is None else {"pg_parallel_workers": workers}
    out = []
    for rows in rows_list:
        for method in ("pg-stocktake", "pg-pandas", "pg-handwritten"):
            if method == "pg-pandas" and rows not in pandas_rows:
                continue
            server_before = pg_server_cpu_s()
            details, rss = spawn(child(method, table=f"bench_{rows}", **extra))
            server_after = pg_server_cpu_s()
            server = None if server_before is None or server_after is None else server_after - server_before
            out.append(
                {
                    "part": "postgres",
                    "rows": rows,
                    "method": method,
                    **details,
                    "server_cpu_s": server,
                    "load_avg": os.getloadavg(),
                    "pg_parallel_workers": workers,
                    "peak_rss_mib": rss,
                }
            )
            server_text = "?" if server is None else f"{server:8.2f}"
            print(
                f"  pg     {rows:>11,} {method:<15} {details['seconds']:8.2f} s {details['cpu_s']:8.2f} CPU s "
                f"server {server_text} CPU s client {details['own_peak_rss_mib']:7.0f} MiB (wait4 {rss:.0f}) "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    return out


def part_encoder(rows: int, texts: int) -> list[dict[str, Any]]:
    path = ensure_data(rows)
    out = []
    for method in ("list", "duckdb-batches", "spark-mapInArrow"):
        details, rss = spawn(child(f"encoder-{method}", path=path, texts=texts))
        rate = details["texts"] / details["seconds"]
        out.append({"part": "encoder", "method": method, **details, "texts_per_s": rate, "peak_rss_mib": rss})
        print(
            f"  encoder {method:<18} {details['texts']:,} texts {details['seconds']:7.2f} s "
            f"{rate:10,.0f} texts/s {rss:6.0f} MiB",
            flush=True,
        )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parts", default="duckdb,spark,postgres,encoder")
    parser.add_argument("--rows", default="1000000,10000000,50000000", help="DuckDB sizes")
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--pg-rows", default="1000000,5000000")
    parser.add_argument("--pg-pandas-rows", default="1000000,5000000", help="sizes pulled into pandas")
    parser.add_argument(
        "--pg-parallel-workers",
        type=int,
        default=None,
        help="max_parallel_workers_per_gather for every PostgreSQL session (default: the server's)",
    )
    parser.add_argument("--texts", type=int, default=1_000_000, help="encoder: texts scored per path")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--table", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(args)
        return
    parts = set(args.parts.split(","))
    results: list[dict[str, Any]] = []
    if "duckdb" in parts:
        results += part_duckdb([int(r) for r in args.rows.split(",")], args.repeat)
    if "spark" in parts:
        results += part_spark(args.spark_rows)
    if "postgres" in parts:
        pandas_rows = {int(r) for r in args.pg_pandas_rows.split(",") if r}
        pg_rows = [int(r) for r in args.pg_rows.split(",")]
        results += part_postgres(pg_rows, pandas_rows, args.pg_parallel_workers)
    if "encoder" in parts:
        results += part_encoder(args.spark_rows, args.texts)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
