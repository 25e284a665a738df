"""Score findings against a demo estate's truth, per finding type.

A finding matches a planted problem when the type is the same, the asset NAME (Finding.asset after
the last "/") is the problem's asset or its counterpart's, and the columns overlap. A finding with no
columns matches a problem without columns, or any problem of a record-level type.

Row-level numbers are sample overlaps: Finding.rows.keys holds at most 20 sample keys, so
`key_recall` (planted keys seen among matched findings' keys / planted keys) is capped far below 1
on big problems; `key_precision` (sample keys that are planted keys / sample keys) is the fairer
row-level number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from stocktake.core.records import Finding
from stocktake.core.vocab import FindingType
from stocktake.demo.truth import Problem, Truth

# Problems about whole records, entities, days or the asset: a finding need not name a column.
RECORD_LEVEL_TYPES: frozenset[FindingType] = frozenset(
    {
        FindingType.DUPLICATE_RECORD,
        FindingType.BOT_TRAFFIC,
        FindingType.MISSING_PARTITION,
        FindingType.VOLUME_ANOMALY,
        FindingType.NEAR_DUPLICATE_ENTITY,
        FindingType.SCHEMA_DRIFT,
    }
)
_FILE_SUFFIX = re.compile(r"\.(parquet|csv|tsv|json|jsonl|xlsx)$", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


@dataclass
class TypeScore:
    type: str
    planted: int  # planted problems of this type
    flagged: int  # findings of this type
    matched_findings: int
    matched_problems: int
    precision: float | None  # None: nothing flagged ("not detected yet")
    recall: float
    key_recall: float | None  # share of planted keys among matched findings' sample keys
    key_precision: float | None  # share of matched findings' sample keys that are planted keys
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Flag:
    type: str
    asset: str
    columns: frozenset[str]
    keys: tuple[Any, ...]


def asset_name(asset: str) -> str:
    """'lake/behaviour_log.parquet' or 'shop/main.users' -> 'behaviour_log' / 'users'."""
    name = _FILE_SUFFIX.sub("", str(asset).rsplit("/", 1)[-1]).lower()
    return name.removeprefix("main.")


def canonical_key(value: Any) -> Any:
    """One spelling per key value: digit strings as ints, timestamps as 'YYYY-MM-DD HH:MM:SS'."""
    if isinstance(value, list | tuple):
        return tuple(canonical_key(v) for v in value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if _DATETIME.fullmatch(text):
            return canonical_key(datetime.fromisoformat(text.replace("Z", "+00:00")))
        return text
    return value


def _as_flag(finding: Finding | Mapping[str, Any]) -> _Flag:
    if isinstance(finding, Mapping):
        rows = finding.get("rows") or {}
        type_, asset, columns, keys = (
            finding["type"],
            finding["asset"],
            finding.get("columns") or [],
            rows.get("keys") or [],
        )
    else:
        type_, asset, columns, keys = finding.type, finding.asset, finding.columns, finding.rows.keys
    return _Flag(
        type=str(type_),
        asset=asset_name(asset),
        columns=frozenset(c.lower() for c in columns),
        keys=tuple(canonical_key(k) for k in keys),
    )


def _matches(flag: _Flag, problem: Problem) -> bool:
    sides = [(problem.asset, problem.columns)]
    if problem.counterpart is not None:
        sides.append((problem.counterpart.asset, list(problem.counterpart.columns)))
    for asset, columns in sides:
        if flag.asset != asset.lower():
            continue
        wanted = {c.lower() for c in columns}
        if not flag.columns:
            if not wanted or problem.type in RECORD_LEVEL_TYPES:
                return True
        elif not wanted or flag.columns & wanted:
            return True
    return False


def _hit(key: Any, planted: set[Any]) -> bool:
    # Day-level problems key by 'YYYY-MM-DD'; a finding may give a timestamp within that day.
    return key in planted or (isinstance(key, str) and _DATE.match(key) is not None and key[:10] in planted)


def _score_type(type_: FindingType, problems: list[Problem], flags: list[_Flag]) -> TypeScore:
    planted_keys = [{canonical_key(k) for k in p.keys} for p in problems]
    seen: list[set[Any]] = [set() for _ in problems]
    matched_problems: set[int] = set()
    matched_findings = sample_keys = sample_hits = 0
    for flag in flags:
        hits = [j for j, p in enumerate(problems) if _matches(flag, p)]
        if not hits:
            continue
        matched_findings += 1
        matched_problems.update(hits)
        union = set().union(*(planted_keys[j] for j in hits))
        sample_keys += len(flag.keys)
        sample_hits += sum(_hit(k, union) for k in flag.keys)
        for j in hits:
            seen[j].update(
                k if k in planted_keys[j] else k[:10] for k in flag.keys if _hit(k, planted_keys[j])
            )
    total_keys = sum(len(k) for k in planted_keys)
    carries_keys = sample_keys > 0
    return TypeScore(
        type=str(type_),
        planted=len(problems),
        flagged=len(flags),
        matched_findings=matched_findings,
        matched_problems=len(matched_problems),
        precision=matched_findings / len(flags) if flags else None,
        recall=len(matched_problems) / len(problems) if problems else 0.0,
        key_recall=sum(len(s) for s in seen) / total_keys if carries_keys and total_keys else None,
        key_precision=sample_hits / sample_keys if carries_keys else None,
        note="" if flags else "not detected yet",
    )


def evaluate_findings(truth: Truth, findings: Iterable[Finding | Mapping[str, Any]]) -> dict[str, TypeScore]:
    """Per finding type: planted, flagged, precision, recall and sample-key overlap."""
    flags = [_as_flag(f) for f in findings]
    return {
        str(t): _score_type(t, truth.of_type(t), [f for f in flags if f.type == str(t)]) for t in FindingType
    }
