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


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    label: str  # the run, as shown under the chart
    value: float | None  # None: the run did not measure it (a gap)
    display: str
    flagged: bool = False  # an anomaly at this point


@dataclass(frozen=True, slots=True)
class SeriesChart:
    """One metric over runs, oldest first: the asset's history."""

    points: list[SeriesPoint]
    metric: str


@dataclass(frozen=True, slots=True)
class ErNode:
    anchor: str  # the asset section it links to
    name: str
    keys: list[str]  # key columns that take part in a relationship
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class ErEdge:
    child: str  # node anchors
    parent: str
    label: str  # "user_id → user_id"
    coverage: str  # "99.8%"
    path: str  # SVG path data, laid out in build
    weak: bool  # coverage below 1: orphans exist


@dataclass(frozen=True, slots=True)
class ErDiagram:
    nodes: list[ErNode]
    edges: list[ErEdge]
    width: float
    height: float
    left_off: int = 0  # assets in relationships not drawn because of the cap


Chart = BarChart | DayChart | QuantileStrip | SeriesChart | ErDiagram


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
class DomainScore:
    domain: str
    assets: int
    score: float
    display: str
    tone: str  # good / fair / poor
    worst: str  # the lowest-scoring asset in the domain


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the last run over the same sources."""

    previous_run: str
    lines: list[str]  # one sentence each, most important first; empty: nothing changed


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
    domain_scores: list[DomainScore]
    changes: Changes | None  # None: no earlier run to compare with


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
    owner: str
    freshness_sort: str  # the newest timestamp in the data, ISO text; "" when it has no time column
    freshness_display: str
    columns: int
    findings: int
    worst_severity: str | None
    score: float
    score_display: str
    score_tone: str


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
    sample_columns: list[str]  # sample rows fetched by the predicate, as shown (masked)
    sample_rows: list[list[str]]
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
    semantic_type: str | None  # None also when the classifier said unknown
    semantic_note: str  # confidence and evidence, shown on hover
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
    score: float
    score_display: str
    score_tone: str
    history: SeriesChart | None  # row counts over runs; None with fewer than two runs
    relationships: list[str]  # "user_id → users.user_id (99.8%)", both directions


# ---- the whole report ----


@dataclass(frozen=True, slots=True)
class Report:
    title: str
    overview: Overview
    inventory: list[InventoryRow]
    assets: list[AssetSection]
    findings: FindingsSection
    erd: ErDiagram | None  # None: no relationships discovered
