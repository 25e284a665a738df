"""The core records every stage reads and writes (see DESIGN.md, "Core records").

Pure data: pydantic models so that the catalog, the JSON outputs and the report
all serialise them the same way. No engine, driver or model imports here.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stocktake.core.vocab import FAMILY_OF_TYPE, CheckFamily, FindingStatus, FindingType, Severity

# A scalar as it comes out of an engine and goes into JSON.
Scalar = str | int | float | bool | None

LogicalType = Literal[
    "integer", "float", "decimal", "string", "boolean", "date", "timestamp", "time", "binary", "other"
]
NUMERIC_TYPES: frozenset[str] = frozenset({"integer", "float", "decimal"})
TEMPORAL_TYPES: frozenset[str] = frozenset({"date", "timestamp"})


def type_family(logical_type: str) -> str:
    """Types whose values compare with each other: every numeric type is "number"."""
    return "number" if logical_type in NUMERIC_TYPES else logical_type


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Source(Record):
    """Where data lives: a folder or glob of files, a database file or URL."""

    name: str
    kind: Literal["files", "duckdb", "sqlite", "postgresql", "mysql", "spark"]
    uri: str  # passwords are redacted before a Source is built

    @property
    def is_database(self) -> bool:
        return self.kind in {"postgresql", "mysql"}


class ColumnSchema(Record):
    name: str
    engine_type: str
    logical_type: LogicalType
    nullable: bool = True


class Asset(Record):
    """One table-like dataset."""

    id: str  # "<source name>/<asset name>", unique within a run
    name: str
    source: str  # Source.name
    format: str  # csv, tsv, parquet, json, jsonl, excel, table, view
    location: str  # file path, or schema-qualified table name
    columns: list[ColumnSchema] = Field(default_factory=list)
    row_count: int | None = None
    byte_size: int | None = None
    last_modified: datetime | None = None
    domain: str | None = None
    owner: str | None = None
    tags: list[str] = Field(default_factory=list)
    # How the connector read it (delimiter, encoding, sheet, ...), so a person can see the guess.
    read_options: dict[str, Scalar] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def column(self, name: str) -> ColumnSchema:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


class ValueCount(Record):
    value: Scalar
    count: int


class DayCount(Record):
    day: date
    count: int


class ColumnProfile(Record):
    asset: str
    column: str
    logical_type: LogicalType
    engine_type: str
    row_count: int
    null_count: int
    # Non-NULL values that mean "missing": counts per token in vocab.NULL_LIKE_TOKENS.
    null_like: dict[str, int] = Field(default_factory=dict)
    distinct_count: int | None = None
    distinct_exact: bool = True
    min: Scalar = None
    max: Scalar = None
    mean: float | None = None
    std: float | None = None
    zero_count: int | None = None
    negative_count: int | None = None
    quantiles: dict[str, Scalar] = Field(default_factory=dict)
    quantiles_exact: bool = True
    top_values: list[ValueCount] = Field(default_factory=list)
    length_min: int | None = None
    length_max: int | None = None
    length_mean: float | None = None
    # Character-class shapes: A-Z -> 'A', a-z -> 'a', 0-9 -> '9', every other character kept.
    patterns: list[ValueCount] = Field(default_factory=list)
    patterns_sampled_rows: int | None = None
    per_day: list[DayCount] = Field(default_factory=list)
    semantic_type: str | None = None
    # How sure the semantic-type classifier was (0..1) and why: "name ≈ 'price' 0.82", ...
    semantic_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    semantic_evidence: list[str] = Field(default_factory=list)
    pii_kind: str | None = None

    @property
    def null_like_count(self) -> int:
        return sum(self.null_like.values())

    @property
    def non_null_count(self) -> int:
        return self.row_count - self.null_count


class Relationship(Record):
    """An inclusion dependency from_asset.from_columns ⊆ to_asset.to_columns."""

    from_asset: str
    from_columns: list[str]
    to_asset: str
    to_columns: list[str]
    coverage: float  # share of non-null child values found in the parent
    orphan_count: int
    verified: bool = True


class Check(Record):
    name: str
    family: CheckFamily
    asset: str | None = None
    columns: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    severity: Severity = Severity.WARNING
    origin: Literal["builtin", "suggested", "declared"] = "builtin"


class RowSet(Record):
    """The rows a finding is about: how many, a sample of keys, and how to fetch all."""

    count: int
    share: float
    key_columns: list[str] = Field(default_factory=list)
    keys: list[Scalar | list[Scalar]] = Field(default_factory=list, max_length=20)
    predicate: str | None = None  # SQL WHERE clause over the asset selecting every such row


class DownstreamImpact(Record):
    asset: str
    rows: int
    share: float
    via: str  # the relationship followed, "a.x -> b.y"


class Impact(Record):
    rows: int
    share: float
    downstream: list[DownstreamImpact] = Field(default_factory=list)


class Finding(Record):
    id: str
    asset: str
    columns: list[str]
    family: CheckFamily
    type: FindingType
    severity: Severity
    reason: str
    rows: RowSet
    impact: Impact
    evidence: dict[str, Any] = Field(default_factory=dict)
    score: float = Field(ge=0.0, le=1.0)
    status: FindingStatus = FindingStatus.OPEN
    check: str | None = None  # the check or detector that raised it

    @classmethod
    def raised(
        cls,
        *,
        asset: str,
        columns: list[str],
        type: FindingType,
        check: str,
        severity: Severity,
        reason: str,
        rows: RowSet,
        score: float,
        evidence: dict[str, Any] | None = None,
        family: CheckFamily | None = None,
        id_columns: list[str] | None = None,
    ) -> Finding:
        """A new finding with its plumbing filled in: the stable id, the family its type belongs to,
        and an impact of the rows it names (checks.impact widens it to downstream assets later)."""
        return cls(
            id=cls.make_id(asset, id_columns if id_columns is not None else columns, type, check),
            asset=asset,
            columns=columns,
            family=family or FAMILY_OF_TYPE[type],
            type=type,
            severity=severity,
            reason=reason,
            rows=rows,
            impact=Impact(rows=rows.count, share=rows.share),
            evidence=evidence or {},
            score=score,
            check=check,
        )

    @staticmethod
    def make_id(asset: str, columns: list[str], type_: FindingType, check: str | None) -> str:
        """Stable across runs, so verdicts and diffs can follow a finding."""
        raw = "\x1f".join([asset, ",".join(columns), str(type_), check or ""])
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


class Run(Record):
    id: str
    started_at: datetime
    finished_at: datetime | None = None
    sources: list[Source] = Field(default_factory=list)
    code_version: str
    model_versions: dict[str, str] = Field(default_factory=dict)
    assets: list[Asset] = Field(default_factory=list)
    profiles: list[ColumnProfile] = Field(default_factory=list)
    relationships: list[Relationship] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)  # assets that could not be scanned, one line each
