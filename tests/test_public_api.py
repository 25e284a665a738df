from __future__ import annotations

import subprocess
import sys

import stocktake


def test_every_exported_name_resolves():
    for name in stocktake.__all__:
        assert getattr(stocktake, name) is not None, name


def test_lazy_names_are_all_exported():
    assert set(stocktake._LAZY) <= set(stocktake.__all__)


def test_import_stays_light():
    code = "import sys, stocktake; heavy = {'duckdb', 'torch', 'sqlalchemy', 'jinja2'} & set(sys.modules); print(sorted(heavy))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
