"""Time ydata-profiling's minimal profile of one Parquet file.

Runs inside benchmarks/_venv_ydata (ydata-profiling pins older numpy/pandas, so it
must never share an environment with Stocktake). benchmarks/profile_columns.py starts it as
a subprocess and reads the last line it prints: ``RESULT {"seconds": ..., ...}``.

    benchmarks/_venv_ydata/bin/python benchmarks/ydata_minimal.py PATH.parquet
"""

from __future__ import annotations

import json
import sys
import time
import warnings


def _cpu_seconds() -> float:
    # Every thread of this process; pandas and ydata-profiling start no child processes here.
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(path: str) -> None:
    warnings.filterwarnings("ignore")
    started = time.perf_counter()
    import pandas as pd
    from ydata_profiling import ProfileReport

    imported = time.perf_counter()
    cpu_at_start = _cpu_seconds()
    frame = pd.read_parquet(path)
    loaded = time.perf_counter()
    report = ProfileReport(frame, minimal=True, progress_bar=False)
    report_json = report.to_json()
    finished = time.perf_counter()
    cpu = _cpu_seconds() - cpu_at_start
    result = {
        # Import time is excluded, as it is for the other methods (they run after `import duckdb`).
        "seconds": finished - imported,
        "cpu_s": cpu,
        "load_s": loaded - imported,
        "import_s": imported - started,
        "rows": len(frame),
        "json_chars": len(report_json),
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
