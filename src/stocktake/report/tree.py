"""The report tree: what a report says, decided once, before any rendering.

Plain dataclasses holding display-ready strings (numbers already formatted for
people) plus the raw values a renderer needs to sort or draw. Every renderer
(HTML, Markdown, later diffs and history) reads this tree and nothing else, so
they all agree on what a number looks like. Each node has a template of the same
name under report/templates/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# ---- charts, as data (drawn by charts.py) ----


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # shown, possibly shortened
    value: float
    display: str  # the value, formatted
    title: str = ""  # full label, shown on hover
    tone: str = ""  # CSS modifier, e.g. a severity


@dataclass(frozen=True, slots=True)
class BarChart:
    bars: list[Bar]
    left_off: int = 0  # bars not shown because of a cap
    mono: bool = False  # labels are code-like (patterns)


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True, slots=True)
class DayChart:
    points: list[DayCount]  # sorted by day; days without a point are gaps, drawn as such
    first: str
    last: str
    peak: str  # the largest count, formatted
    total: str


@dataclass(frozen=True, slots=True)
class QuantileMark:
    label: str  # "p50"
    rank: float  # 0.5
    at: float  # position between min (0.0) and max (1.0)
    display: str


@dataclass(frozen=True, slots=True)
class QuantileStrip:
    marks: list[QuantileMark]
    low: str  # min, formatted
    high: str  # max, formatted


Chart = BarChart | DayChart | QuantileStrip


# ---- overview ----


@dataclass(frozen=True, slots=True)
class Kpi:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class SourceView:
    name: str
    kind: str
    uri: str


@dataclass(frozen=True, slots=True)
class SeverityCount:
    severity: str
    count: int
    display: str


@dataclass(frozen=True, slots=True)
class Overview:
    run_id: str
    started: str
    finished: str
    duration: str
    code_version: str
    model_versions: list[tuple[str, str]]
    sources: list[SourceView]
    kpis: list[Kpi]
    severities: list[SeverityCount]  # most severe first, zeros included
    by_family: BarChart
    by_type: BarChart
    errors: list[str]


# ---- inventory ----


@dataclass(frozen=True, slots=True)
class InventoryRow:
    anchor: str
    asset_id: str
    name: str
    source: str
    format: str
    domain: str
    pii: str  # PII kinds found in the asset's columns, e.g. "email, phone"; "" when none
    rows: int | None
    rows_display: str
    bytes: int | None
    bytes_display: str
    modified_sort: str  # ISO text, sorts as time
    modified_display: str
    columns: int
    findings: int
    worst_severity: str | None


# ---- findings ----


@dataclass(frozen=True, slots=True)
class FindingView:
    id: str
    anchor: str
    asset_id: str
    asset_name: str
    asset_anchor: str
    columns: list[str]
    family: str
    type: str
    type_label: str
    severity: str
    severity_rank: int  # higher is worse; for sorting
    reason: str
    rows: int
    rows_display: str
    share: float  # 0..1
    share_display: str
    key_columns: list[str]
    sample_keys: list[str]
    keys_left_off: int
    predicate: str | None
    impact: str
    downstream: list[str]
    evidence: list[tuple[str, str]]
    score: float
    score_display: str
    status: str
    check: str | None


@dataclass(frozen=True, slots=True)
class FindingsSection:
    items: list[FindingView]  # most severe, then highest score, first
    families: list[str]  # the choices each filter offers: only values present
    types: list[str]
    severities: list[str]
    assets: list[tuple[str, str]]  # (asset id, label)


# ---- assets and columns ----


@dataclass(frozen=True, slots=True)
class Stat:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ColumnSection:
    anchor: str
    name: str
    engine_type: str
    logical_type: str
    nullable: bool
    semantic_type: str | None
    pii_kind: str | None
    profiled: bool
    null_share: str  # for the schema table; "" when not profiled
    distinct: str
    stats: list[Stat]
    null_like: list[tuple[str, str]]  # (token as shown, count)
    quantiles: list[tuple[str, str]]
    strip: QuantileStrip | None
    top_values: BarChart | None
    patterns: BarChart | None
    patterns_note: str
    per_day: DayChart | None
    findings: int
    worst_severity: str | None


@dataclass(frozen=True, slots=True)
class AssetSection:
    anchor: str
    asset_id: str
    name: str
    source: str
    format: str
    location: str
    summary: list[str]  # "1,234 rows", "12.3 MB", "20 columns": shown while collapsed
    facts: list[Stat]
    tags: list[str]
    read_options: list[tuple[str, str]]
    notes: list[str]
    columns: list[ColumnSection]
    findings: list[FindingView]
    worst_severity: str | None


# ---- the whole report ----


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    overview: Overview
    inventory: list[InventoryRow]
    assets: list[AssetSection]
    findings: FindingsSection
    # Later issues add optional parts here (a diff against the previous run, history);
    # a renderer skips a part that is None, so old trees keep rendering.
