"""Spelling variants of one label within a column: hand-made edge cases and the Olist sample."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from stocktake.checks.spelling import spelling_variant_findings
from stocktake.connectors import open_source
from stocktake.core.records import Asset, ColumnProfile
from stocktake.core.vocab import FindingType
from stocktake.engines.base import Engine
from stocktake.engines.profiling import profile_asset

OLIST_SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "data" / "olist" / "sample"


@contextlib.contextmanager
def opened(spec: str) -> Iterator[tuple[list[Asset], list[ColumnProfile], dict[str, Engine]]]:
    with open_source(spec) as connector:
        engine = connector.engine()
        assets = connector.discover()
        profiles = [p for a in assets for p in profile_asset(engine, a)]
        yield assets, profiles, {connector.source.name: engine}


def test_label_variants_with_a_clear_winner(tmp_path: Path) -> None:
    rows = (
        [(i, "sao paulo", "fine, thanks") for i in range(6)]
        + [(10 + i, "são paulo", f"note {i}") for i in range(2)]
        + [(20, "Sao  Paulo", "x")]
        + [(30 + i, "rio", "y") for i in range(3)]
        + [(40 + i, "Rio", "z") for i in range(3)]  # a tie: no spelling is the common one
        + [(50 + i, "curitiba", "w") for i in range(4)]
    )
    path = tmp_path / "shop.duckdb"
    with contextlib.closing(duckdb.connect(str(path))) as con:
        con.execute("CREATE TABLE users (user_id INTEGER, city VARCHAR, comment VARCHAR)")
        con.executemany("INSERT INTO users VALUES (?, ?, ?)", rows)
    with opened(str(path)) as (assets, profiles, engines):
        (finding,) = spelling_variant_findings(assets, profiles, engines)
        assert finding.type == FindingType.INVALID_FORMAT and finding.columns == ["city"]
        assert finding.reason.startswith(
            "2 spellings of city differ only by spacing, case or accents from a more common spelling "
            "(e.g. 'são paulo' ×2 vs 'sao paulo' ×6)"
        )
        assert finding.evidence["correction"] == {"Sao  Paulo": "sao paulo", "são paulo": "sao paulo"}
        assert finding.rows.count == 3 and finding.rows.keys == [10, 11, 20]
        engine = engines[assets[0].source]
        sql = f"SELECT COUNT(*) FROM {engine.relation(assets[0])} WHERE {finding.rows.predicate}"
        assert engine.execute(sql)[1] == [(3,)]
        assert spelling_variant_findings(assets, profiles, engines, max_distinct=3) == []


@pytest.mark.skipif(not OLIST_SAMPLE.is_dir(), reason=f"Olist sample not found at {OLIST_SAMPLE}")
def test_olist_geolocation_city_variants() -> None:
    with opened(str(OLIST_SAMPLE)) as (assets, profiles, engines):
        findings = {f.columns[0]: f for f in spelling_variant_findings(assets, profiles, engines)}
    city = findings["geolocation_city"]
    assert city.evidence["correction"]["são paulo"] == "sao paulo"
    assert city.evidence["groups"][0]["canonical"] == "sao paulo"
    assert "'são paulo' ×1,483 vs 'sao paulo' ×7,822" in city.reason
    assert len(city.evidence["correction"]) > 100
