"""A synthetic run of any size: many assets, full profiles, findings with sample rows, relationships.

For measuring and testing the report at warehouse scale (benchmarks/report_scale.py, tests/report)
without scanning real data. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from stocktake.core.records import (
    Asset,
    ColumnProfile,
    ColumnSchema,
    DayCount,
    Finding,
    Impact,
    Relationship,
    RowSet,
    Run,
    Source,
    ValueCount,
)
from stocktake.core.vocab import FAMILY_OF_TYPE, FindingType, Severity

T0 = datetime(2026, 11, 1, tzinfo=UTC)
KINDS = [
    "integer",
    "string",
    "float",
    "string",
    "timestamp",
    "integer",
    "string",
    "float",
    "string",
    "string",
]
ENGINE = {"integer": "BIGINT", "float": "DOUBLE", "string": "VARCHAR", "timestamp": "TIMESTAMP"}


def _profile(asset: str, col: ColumnSchema, rows: int, rng: random.Random) -> ColumnProfile:
    base: dict = dict(
        asset=asset, column=col.name, logical_type=col.logical_type, engine_type=col.engine_type,
        row_count=rows, null_count=rng.randint(0, rows // 20), distinct_count=rng.randint(1, rows),
        distinct_exact=True,
    )  # fmt: skip
    if col.logical_type in {"integer", "float"}:
        hi = rng.uniform(10, 100_000)
        base |= dict(
            min=0.0, max=hi, mean=hi / 3, std=hi / 7, zero_count=rng.randint(0, 50), negative_count=0,
            quantiles={f"p{q:02d}": hi * (q / 100) ** 2 for q in (1, 5, 25, 50, 75, 95, 99)},
            top_values=[ValueCount(value=round(rng.uniform(0, hi), 2), count=rng.randint(1, 500)) for _ in range(10)],
        )  # fmt: skip
    elif col.logical_type == "timestamp":
        start = date(2025, 11, 1)
        base |= dict(
            min="2025-11-01T00:00:00", max="2026-10-31T23:59:00",
            quantiles={"p25": "2026-02-01T00:00:00", "p50": "2026-05-01T00:00:00", "p75": "2026-08-01T00:00:00"},
            per_day=[DayCount(day=start + timedelta(days=d), count=rng.randint(100, 5000)) for d in range(365)],
        )  # fmt: skip
    else:
        base |= dict(
            length_min=1, length_max=64, length_mean=17.5, null_like={"n/a": rng.randint(0, 40)},
            top_values=[ValueCount(value=f"value-{rng.randint(0, 10**6)}", count=1000 - i * 37) for i in range(10)],
            patterns=[ValueCount(value=p, count=800 - 100 * i) for i, p in enumerate(["Aaaa-9999", "aaaa", "9999", "AAA"])],
            patterns_sampled_rows=10_000,
        )  # fmt: skip
    return ColumnProfile(**base)


def _sample_rows(rng: random.Random, column: str) -> list[dict[str, object]]:
    names = [column, *(f"col_{c}" for c in range(9))]
    return [
        {n: rng.choice([rng.randint(0, 10**9), f"value-{rng.randint(0, 10**6)}", None]) for n in names}
        for _ in range(5)
    ]


def synthetic_run(n_assets: int, n_columns: int, n_findings: int, seed: int = 11) -> Run:
    rng = random.Random(seed)
    assets, profiles = [], []
    domains = ["behaviour_log", "product_catalog", "orders", "payments", "search_log", "reviews", "users"]
    for a in range(n_assets):
        columns = [
            ColumnSchema(name=f"col_{c}", engine_type=ENGINE[k], logical_type=k)
            for c, k in enumerate(KINDS[c % len(KINDS)] for c in range(n_columns))
        ]
        asset = Asset(
            id=f"lake/table_{a:04d}", name=f"table_{a:04d}", source="lake", format="parquet",
            location=f"/warehouse/lake/table_{a:04d}.parquet", columns=columns,
            row_count=rng.randint(10**3, 10**8), byte_size=rng.randint(10**5, 10**10),
            last_modified=T0 - timedelta(hours=a), domain=domains[a % len(domains)],
        )  # fmt: skip
        assets.append(asset)
        profiles += [_profile(asset.id, c, asset.row_count or 1, rng) for c in columns]
    types, severities = list(FindingType), list(Severity)
    findings = []
    for i in range(n_findings):
        asset = assets[i % n_assets]
        column = f"col_{(i // n_assets) % n_columns}"
        rows = asset.row_count or 1
        count = rng.randint(1, max(1, rows // 50))
        type_ = types[i % len(types)]
        check = f"check_{i}"
        findings.append(
            Finding(
                id=Finding.make_id(asset.id, [column], type_, check),
                asset=asset.id,
                columns=[column],
                family=FAMILY_OF_TYPE[type_],
                type=type_,
                severity=severities[i % 4],
                reason=f"{count:,} of {rows:,} rows of {asset.name} ({count / rows:.2%}) fail {check} on {column}.",
                rows=RowSet(
                    count=count,
                    share=count / rows,
                    key_columns=["col_0"],
                    keys=[rng.randint(1, 10**9) for _ in range(10)],
                    predicate=f'"{column}" IS NULL',
                ),
                impact=Impact(rows=count, share=count / rows),
                evidence={
                    "threshold": 0.05,
                    "observed": round(count / rows, 4),
                    "examples": ["N/A", "-", "null"],
                    # A scan attaches up to 5 whole rows to the 25 most severe findings per asset.
                    **({"sample_rows": _sample_rows(rng, column)} if i // n_assets < 25 else {}),
                },
                score=round(rng.random(), 3),
                check=check,
            )
        )
    relationships = [
        Relationship(
            from_asset=assets[i].id,
            from_columns=["col_0"],
            to_asset=assets[i % 20].id,
            to_columns=["col_0"],
            coverage=1.0 if i % 5 else 0.97,
            orphan_count=0 if i % 5 else 12,
        )
        for i in range(20, min(n_assets, 300))
    ]
    return Run(
        id="scale", started_at=T0, finished_at=T0 + timedelta(minutes=30),
        sources=[Source(name="lake", kind="files", uri="/warehouse/lake")], code_version="bench",
        assets=assets, profiles=profiles, relationships=relationships, findings=findings,
    )  # fmt: skip
